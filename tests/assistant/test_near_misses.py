"""Near misses that must say "not found": the sum asked is not stated (only the figure the question
names itself is), or the province asked is not the one announced. Each has an answerable twin over the
same releases, so the gates are shown to withhold only the near miss."""
from __future__ import annotations

import pytest

from communique.assistant.assistant import Assistant
from tests.assistant.conftest import tiny_assistant

_ICU = (
    "NANAIMO — A new intensive care unit is coming to Nanaimo Regional General Hospital. "
    "The new ICU will cost $41.57 million, which will be cost shared between the provincial government "
    "through Island Health, the Nanaimo Regional Hospital District and the hospital foundation. "
    "The unit will have 24 beds when it opens in 2027."
)
_NAMES = (
    "EDMONTON — Noah and Olivia were the most popular baby names in Alberta in 2019. "
    "Other popular names for boys were Liam, Oliver, Ethan and Jack, while Charlotte, Sophia, Emma and Ava "
    "rounded out the top five names for girls. Parents registered 51,598 births in Alberta in 2019."
)

_PEI = (
    "CHARLOTTETOWN — Islanders will have more affordable homes to choose from. PEI is enhancing its Affordable "
    "Housing Development Program with $6 million more for developers who build units for low-income families."
)


@pytest.fixture(scope="module")
def near_miss_assistant(tmp_path_factory) -> Assistant:
    records = [
        {"id": "nm-icu-en", "lang": "en", "title": "New ICU for Nanaimo hospital", "date": "2021-01-20",
         "text": _ICU},
        {"id": "nm-names-en", "lang": "en", "title": "Noah and Olivia most popular baby names in 2019",
         "date": "2020-06-22", "text": _NAMES},
    ]
    records.append({"id": "nm-pei-en", "lang": "en", "title": "More affordable homes for Islanders", "date": "2021-02-01",
                    "text": _PEI})
    return tiny_assistant(tmp_path_factory, "near-misses", records)


def test_the_figure_the_question_names_is_not_the_sum_it_asks(near_miss_assistant):
    answer = near_miss_assistant.ask(
        "How much is the Nanaimo Regional Hospital District contributing to the new $41.57-million ICU?")
    assert answer.abstained, answer.text


def test_the_sum_asked_without_naming_it_is_answered(near_miss_assistant):
    answer = near_miss_assistant.ask("How much will the new ICU at Nanaimo Regional General Hospital cost?")
    assert not answer.abstained
    assert answer.lead is not None and answer.lead.shown == "$41.57 million"


def test_another_province_than_the_one_announced_is_not_found(near_miss_assistant):
    answer = near_miss_assistant.ask("What were the most popular baby names in British Columbia in 2019?")
    assert answer.abstained, answer.text
    french = near_miss_assistant.ask("Quels étaient les prénoms de bébés les plus populaires en Colombie-Britannique en 2019 ?")
    assert french.abstained, french.text


def test_the_province_announced_is_answered(near_miss_assistant):
    answer = near_miss_assistant.ask("What were the most popular baby names in Alberta in 2019?")
    assert not answer.abstained
    assert "Noah" in answer.text


def test_a_yes_no_question_may_name_the_sum_it_checks(near_miss_assistant):
    answer = near_miss_assistant.ask("Will the new ICU at Nanaimo Regional General Hospital cost $41.57 million?")
    assert not answer.abstained, answer.text


def test_a_province_the_release_names_only_by_its_short_name_is_no_near_miss(near_miss_assistant):
    answer = near_miss_assistant.ask(
        "How much is Prince Edward Island adding to its Affordable Housing Development Program?")
    assert not answer.abstained, answer.text
    assert answer.lead is not None and answer.lead.shown == "$6 million"
