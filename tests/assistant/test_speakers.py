"""Who said a quote: the speaker of a quotation that goes on after its attribution
(“…,” said A. “The quoted sentence.”) is A, not the next speaker of the release."""
from __future__ import annotations

import pytest

from communique.assistant.assistant import Assistant
from tests.assistant.conftest import tiny_assistant


@pytest.fixture(scope="module")
def speakers_assistant(tmp_path_factory) -> Assistant:
    text = (
        "VICTORIA — The Forest Society has allocated $3 million in new grants to support jobs in forestry. "
        "“This new funding is part of our recovery plan for the whole province,” said Mara Quill, Minister of "
        "Forests. “The grants will support local jobs and help make better use of wood debris left after "
        "harvesting.” The latest round supports 15 projects in different regions. "
        "“One of the aims of our plan is to build stronger communities,” said Tobin Ashe, Minister of Jobs.\n\n"
        "“We were very pleased to receive this funding for fibre projects,” said Jo Brandt, board chair."
    )
    record = {"id": "spk-grants-en", "lang": "en", "title": "New grants for forest fibre", "date": "2021-01-20",
              "text": text}
    return tiny_assistant(tmp_path_factory, "speakers", [record])


def test_a_quote_that_goes_on_after_its_attribution_is_the_first_speakers(speakers_assistant):
    answer = speakers_assistant.ask("Who said the grants will help make better use of wood debris left after harvesting?")
    assert answer.lead is not None and answer.lead.shown == "Mara Quill"


def test_a_quote_followed_by_its_attribution_is_that_speakers(speakers_assistant):
    answer = speakers_assistant.ask("Who said one of the aims of the plan is to build stronger communities?")
    assert answer.lead is not None and answer.lead.shown == "Tobin Ashe"


@pytest.fixture(scope="module")
def introduced_quotes_assistant(tmp_path_factory) -> Assistant:
    # A scraped provincial release: whitespace collapsed, each quote introduced by its speaker's line.
    text = (
        "ABBOTSFORD — The new Fraser Valley courthouse opened today with twice the capacity of the old one."
        "The last new courthouse in the region opened in 2002.Quotes:Chief Ann Lee, Matsqui First Nation – "
        "“We welcome this new facility in our traditional territory. It is a step forward in connecting our two "
        "communities and being good neighbours.”Rob Dale, Chief Justice of British Columbia – “The courthouse "
        "remains an important place in the community where people bring their disputes.”"
    )
    record = {"id": "spk-court-en", "lang": "en", "title": "Fraser Valley courthouse opens", "date": "2021-02-04",
              "text": text}
    return tiny_assistant(tmp_path_factory, "introduced-quotes", [record])


def test_a_sentence_inside_a_quote_is_said_by_the_speaker_who_introduced_it(introduced_quotes_assistant):
    question = "Who said the courthouse is a step forward in connecting the two communities and being good neighbours?"
    answer = introduced_quotes_assistant.ask(question)
    assert not answer.abstained and answer.lead is not None
    assert answer.lead.shown == "Ann Lee"  # not Rob Dale, whose line follows the quoted sentence
    lead = answer.lead
    cited = next(c for c in answer.citations if c.n == lead.n)
    assert cited.start <= lead.start < lead.end <= cited.end  # the name is cited, with its offsets
    assert any("step forward" in c.quote for c in answer.citations)


@pytest.fixture(scope="module")
def advisory_assistant(tmp_path_factory) -> Assistant:
    text = ("HALIFAX — Minister Dana Wells will announce funding to protect right whales in the Bay of Fundy. "
            "She will be joined by Sam Ortiz, Member of Parliament for Halifax, and Priya Nand, chief of the "
            "Fundy First Nation. A media availability will follow.")
    record = {"id": "adv-whales-en", "lang": "en", "title": "Media advisory: right whales", "date": "2024-06-03",
              "text": text}
    return tiny_assistant(tmp_path_factory, "advisory", [record])


def test_a_sentence_opening_with_a_pronoun_carries_the_question_words_of_the_one_before(advisory_assistant):
    answer = advisory_assistant.ask("Who will join Minister Wells for the right whales announcement in the Bay of Fundy?")
    assert "Sam Ortiz" in answer.text and "Priya Nand" in answer.text
    assert any(c.quote.startswith("She will be joined by") for c in answer.citations)


def test_the_carried_words_come_only_from_the_sentence_just_before():
    from communique.assistant.extractive import CARRY, Sentence, _carry_over_anaphora
    from communique.assistant.terms import Terms
    from communique.index.models import Hit

    hit = Hit("c1", "r1", "", 0, 200, "t", None, "", "en", None)
    first = Sentence(hit, 0, 40, "Minister Wells will announce funding.", lead=True, matched=frozenset({"wells"}))
    joined = Sentence(hit, 41, 80, "She will be joined by Sam Ortiz.", lead=False, matched=frozenset({"join"}))
    far = Sentence(hit, 120, 150, "She spoke.", lead=False)
    terms = Terms(weights={"wells": 1.0, "join": 1.0})
    joined.coverage = 0.5
    _carry_over_anaphora([first, joined, far], terms)
    assert joined.coverage == 0.5 + CARRY * 0.5  # the half of the question's weight that `first` holds
    assert far.coverage == 0.0  # nothing ends right before it


@pytest.fixture(scope="module")
def quoted_release_assistant(tmp_path_factory) -> Assistant:
    """An English release whose five speakers are spread over its text, most far from its news."""
    paragraphs = [
        "VANCOUVER — Construction is starting on the Harbour Line, a new rapid transit line for the city.",
        "“The federal government is proud to invest in transit that people can rely on,” said the Honourable Ana Petrov, "
        "Minister of Infrastructure.",
        "Crews will clear the sites this spring and close two lanes of Main Street at night.",
        "Tom Reyes, B.C.’s Minister of Transportation, said, “This line will cut commute times in half.”",
        "The line will run 6 kilometres with four stations.",
        "The contractor will share a noise plan with residents before the work begins.",
        "Quick facts:",
        "The project has been in planning since 2018.",
        "Quotes:Lena Ortiz, mayor, City of Vancouver – “The Harbour Line will transform our city.”",
        "Sam Kowal, CEO, Harbour Transit – “We are ready to run frequent service from day one.”",
    ]
    record = {"id": "spk-harbour-line-en", "lang": "en", "title": "Construction starts on the Harbour Line",
              "date": "2021-02-02", "text": "\n\n".join(paragraphs)}
    return tiny_assistant(tmp_path_factory, "quoted-list", [record])


@pytest.mark.parametrize("question", [
    "Which people are quoted in the release about construction starting on the Harbour Line?",
    "Quelles personnalités sont citées dans le communiqué sur le début des travaux de la Harbour Line ?",
])
def test_every_speaker_of_the_release_is_listed_in_either_language(quoted_release_assistant, question):
    answer = quoted_release_assistant.ask(question)
    assert answer.form == "list"
    assert [item.shown for item in answer.items] == ["Ana Petrov", "Tom Reyes", "Lena Ortiz", "Sam Kowal"]
    for item in answer.items:  # each line cites the sentence that names the speaker
        cited = next(c for c in answer.citations if c.n == item.n)
        assert item.original in cited.quote
