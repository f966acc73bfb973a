""""How many jobs?" is answered by a count of jobs, not by any number near the question's words
("Highway 9" holds a number; it is not a count of jobs)."""
from __future__ import annotations

import pytest

from communique.assistant.assistant import Assistant
from tests.assistant.conftest import tiny_assistant


@pytest.fixture(scope="module")
def counts_assistant(tmp_path_factory) -> Assistant:
    text = (
        "ALDER — Work is starting on the twinning of Highway 9 between Alder and Birch, a stretch that sees "
        "about 3,900 vehicles a day. “The twinning of Highway 9, between Alder and Birch, will make travel "
        "safer for families and get goods to market faster,” said Lee Moran, Minister of Transportation. "
        "Twinning Highway 9 also gets people working when jobs are needed most. "
        "The project will support about 755 jobs over three construction seasons."
    )
    record = {"id": "cnt-highway-en", "lang": "en", "title": "Twinning Highway 9", "date": "2020-07-02", "text": text}
    return tiny_assistant(tmp_path_factory, "counts", [record])


def test_how_many_jobs_is_answered_by_the_count_of_jobs(counts_assistant):
    answer = counts_assistant.ask("How many jobs is the Highway 9 twinning between Alder and Birch expected to support?")
    assert answer.lead is not None and answer.lead.shown == "about 755 jobs"


def test_a_french_count_is_matched_through_the_glossary(counts_assistant):
    answer = counts_assistant.ask("Combien d'emplois le doublement de la route 9 entre Alder et Birch doit-il soutenir ?")
    assert answer.lead is not None and "755" in answer.lead.shown


def test_an_amount_said_of_another_year_is_not_the_asked_years():
    from communique.assistant.values import find_value

    sentence = "This represents a two-cent decrease from the 2024 EI premium rate of $1.66 for employees and $2.32 for employers."
    assert find_value("amount", sentence, 0, years=("2025",)) is None
    assert find_value("amount", sentence, 0, years=("2024",)).text == "$1.66"
    assert find_value("amount", "The 2025 rate is $1.64 per $100.", 0, years=("2025",)).text == "$1.64 per $100"


@pytest.mark.parametrize("question, measure", [
    ("Quel montant l'Alberta accorde-t-elle à l'institut ?", "money"),
    ("What is the ceiling of the new vehicle damage coverage?", "money"),
    ("How much funding did the gallery receive?", "money"),
    ("Combien l'Alberta verse-t-elle aux adultes évacués ?", "money"),
    ("What share of the applications came from women?", "percent"),
    ("Quelle proportion de ses dépenses devait-elle récupérer ?", "percent"),
    ("What percentage of the budget goes to research?", "percent"),
    ("How much will emissions fall by 2030?", None),  # a share or a tonnage: either may answer
    ("What is the 2025 EI premium rate?", "money"),  # "$1.64 per $100": a premium is paid
    ("What is the interest rate on the loans?", None),
    ("Quel est le taux de chômage ?", None),
])
def test_the_measure_a_question_names(question, measure):
    from communique.assistant.quantities import asked_measure

    assert asked_measure(question) == measure


@pytest.fixture(scope="module")
def measures_assistant(tmp_path_factory) -> Assistant:
    text = (
        "EDMONTON — Alberta's universities received only 37 per cent of their sponsored research revenue last "
        "year, well below the national average. Alberta is awarding a $5-million grant to the Northern Machine "
        "Learning Institute under the TIER fund to help close that gap."
    )
    record = {"id": "msr-tier-en", "lang": "en", "title": "TIER grant for machine learning research",
              "date": "2020-07-22", "text": text}
    return tiny_assistant(tmp_path_factory, "measures", [record])


def test_an_amount_of_money_asked_is_not_answered_by_a_share(measures_assistant):
    answer = measures_assistant.ask("What amount is Alberta awarding the Northern Machine Learning Institute under TIER?")
    assert answer.lead is not None and answer.lead.shown == "$5-million"
    answer = measures_assistant.ask("What share of their sponsored research revenue did Alberta's universities receive?")
    assert answer.lead is not None and answer.lead.shown == "37 per cent"


def test_find_value_keeps_the_measure_asked():
    from communique.assistant.values import find_value

    text = "Universities got 37 per cent of revenue and a $5-million grant."
    assert find_value("amount", text, 0).text == "$5-million"  # money first, as before
    assert find_value("amount", "Universities got 37 per cent of revenue.", 0).text == "37 per cent"
    assert find_value("amount", "Universities got 37 per cent of revenue.", 0, measure="money") is None
    assert find_value("amount", text, 0, measure="percent").text == "37 per cent"


@pytest.mark.parametrize("value, figure", [
    ("$41.57-million", 41_570_000.0),
    ("41,57 millions de dollars", 41_570_000.0),
    ("plus de 1,3 M$", 1_300_000.0),
    ("up to $2 billion", 2_000_000_000.0),
    ("2,83 milliards de dollars", 2_830_000_000.0),
    ("377,832", 377_832.0),
    ("377 832", 377_832.0),
    ("9,8 %", 9.8),
    ("$1.64 per $100", 1.64),
    ("627 projects", 627.0),
    ("$1.2B", 1_200_000_000.0),
    ("1,125 milliard de dollars", 1_125_000_000.0),  # with a scale, a comma is a decimal one
    ("5 m", 5.0),  # metres, not millions
    ("$5M", 5_000_000.0),
])
def test_a_figure_is_read_whatever_its_writing(value, figure):
    from communique.assistant.quantities import figure_of

    assert figure_of(value) == pytest.approx(figure)


def test_a_figure_the_question_names_is_not_its_answer():
    from communique.assistant.text import fold
    from communique.assistant.values import find_value

    sentence = "The new ICU will cost $41.57 million, of which the district pays $16.6 million."
    question = fold("How much is the district contributing to the new $41.57-million ICU?")
    assert find_value("amount", sentence, 0, exclude=question).text == "$16.6 million"
    assert find_value("amount", "The new ICU will cost $41.57 million.", 0, exclude=question) is None
    # only the question's own sums: "the 500 participants" are people, "$500 each" answers
    assert find_value("amount", "Each participant will receive $500.", 0,
                      exclude=fold("How much will each of the 500 participants receive?")).text == "$500"
    assert find_value("count", "Of the 627 projects, 261 are AI-related.", 0,
                      exclude=fold("How many of the 627 projects are AI-related?")).text.startswith("261")
