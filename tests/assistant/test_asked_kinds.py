"""End to end over releases written for this test: the kinds of value read from a question's wording
(issue 11) — a company, a body's list, a duration, a measure, a notice's labelled field, a year — open
the answer, taken from the release the answer quotes."""
from __future__ import annotations

import pytest

from communique.assistant.assistant import Assistant
from tests.assistant.conftest import tiny_assistant

ROAD = (
    "NANAIMO — Work to widen Highway 19 near Lantzville will start this spring. "
    "The contract was awarded to Harbourline Paving from Duncan. "
    "The new lanes will be 4.5 kilometres long and will carry about 30,000 vehicles a day. "
    "The project is expected to be complete by 2027. "
    "Crews will work in two-week shifts to limit closures."
)
GRANTS = (
    "VICTORIA — Three groups will share $900,000 to run food programs in schools. "
    "The funding goes to the Island Food Literacy Society, the Saanich Peninsula Community Foundation and "
    "the Westshore Family Resource Association. "
    "Coastline Catering Ltd. was also chosen to supply two schools."
)
NOTICE = (
    "Notice of half-masting: Death of a former Commissioner of Yukon\n\n"
    "Masting location(s): All Government of Canada buildings and establishments in Whitehorse, Yukon.\n\n"
    "Masting period: From March 3, 2026 until sunset on March 7, 2026.\n\n"
    "Additional details: As per the Rules for Half-masting the National Flag of Canada (section 11)."
)


@pytest.fixture(scope="module")
def kinds_assistant(tmp_path_factory) -> Assistant:
    records = [
        {"id": "ak-road-en", "lang": "en", "title": "Highway 19 widening near Lantzville begins",
         "date": "2026-02-10", "text": ROAD},
        {"id": "ak-grants-en", "lang": "en", "title": "School food programs get $900,000",
         "date": "2026-02-12", "text": GRANTS},
        {"id": "ak-notice-en", "lang": "en", "title": "Notice of half-masting: former Commissioner of Yukon",
         "date": "2026-03-03", "text": NOTICE},
    ]
    return tiny_assistant(tmp_path_factory, "asked-kinds", records)


def test_which_company_opens_with_the_company(kinds_assistant):
    a = kinds_assistant.ask("Which company will widen Highway 19 near Lantzville?")
    assert not a.abstained and a.form == "value"
    assert a.lead.shown == "Harbourline Paving" and a.lead.release_id == "ak-road-en"
    assert a.text.startswith("**Harbourline Paving** — ")


def test_a_body_from_another_release_is_not_the_answer(kinds_assistant):
    # the French question finds the road release; Coastline Catering Ltd. (another release, a "Ltd.")
    # must never open an answer about the road: the contractor does
    a = kinds_assistant.ask("Quelle entreprise a obtenu le contrat de l'autoroute 19 ?")
    assert a.lead is not None and (a.lead.shown, a.lead.release_id) == ("Harbourline Paving", "ak-road-en")


def test_which_organizations_is_a_list_of_bodies(kinds_assistant):
    a = kinds_assistant.ask("Which organizations will share the $900,000 for school food programs?")
    assert a.form == "list"
    assert [i.shown for i in a.items] == ["Island Food Literacy Society", "Saanich Peninsula Community Foundation",
                                          "Westshore Family Resource Association"]


@pytest.mark.parametrize("question, value", [
    ("How long are the crews' shifts on Highway 19?", "two-week"),
    ("How long will the new lanes on Highway 19 near Lantzville be?", "4.5 kilometres"),
])
def test_durations_and_measures_open_the_answer(kinds_assistant, question, value):
    a = kinds_assistant.ask(question)
    assert not a.abstained and a.lead is not None and a.lead.shown == value


def test_a_notices_labelled_field_answers_when(kinds_assistant):
    a = kinds_assistant.ask("Until when will flags fly at half-mast for the former Commissioner of Yukon?")
    assert not a.abstained
    assert a.citations[0].quote.startswith("Masting period:")


def test_a_year_alone_answers_by_what_year(kinds_assistant):
    a = kinds_assistant.ask("By what year will the Highway 19 widening near Lantzville be complete?")
    assert not a.abstained and "2027" in a.citations[0].quote
