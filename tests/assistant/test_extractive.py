"""Sentence choice on hand-made records (real Release/Hit records, no index): the kind asked
for, the question's words, the speaker of a quote, and offsets into the release text."""
from __future__ import annotations

from communique.assistant.candidates import collect
from communique.assistant.clause import second_clause
from communique.assistant.extractive import score, select
from communique.assistant.followup import resolve
from communique.assistant.question import analyse
from communique.assistant.terms import question_terms
from communique.index.models import Hit, Release

TEXT = (
    "June 3, 2024 — The Minister of Health announced support for seven community organizations.\n\n"
    "The organizations are based in Toronto, Calgary and Halifax.\n\n"
    "Total funding: more than $9 million over three years.\n\n"
    "\u201cHealthy living starts in our communities,\u201d the minister said.\n\n"
    "Applications open on September 15, 2024.\n\n"
    "\u00ab Nous devons agir ensemble pour la santé des familles. \u00bb\n"
    "- La ministre de la Santé, Ya\u2019ara Saks\n"
)


def _setup(question: str, text: str = TEXT, title: str = "Support for healthy living", *, with_clause: bool = True):
    release = Release(id="r1", lang="en", text=text, title=title, date="2024-06-03")
    hit = Hit(chunk_id="c1", release_id="r1", text=text, start=0, end=len(text), title=release.title,
              date=release.date, url="", lang="en", pair_id=None, score=1.0, dense_score=0.5, rank=1)
    resolution = resolve(analyse(question), None)
    terms = question_terms(resolution, lambda token: None)
    sentences = collect([hit], {"r1": release})
    q = resolution.question
    score(sentences, terms, q.kinds, q.lang, {"r1": release}, until=q.until)
    return select(sentences, terms, q.kinds, {"r1": release}, second_ask=q.second_ask,
                  second=second_clause(q, terms) if with_clause else None)


def test_offsets_are_into_the_release_text():
    for sentence in _setup("How much funding?"):
        assert TEXT[sentence.start : sentence.end] == sentence.text


def test_amount_question_picks_the_amount():
    chosen = _setup("How much funding was announced for the organizations?")
    assert any(s.text.startswith("Total funding") for s in chosen)
    assert _setup("How much money in total?")[0].text.startswith("Total funding")


def test_place_question_picks_the_places():
    assert any("Toronto" in s.text for s in _setup("Where are the organizations based?"))


def test_date_question_picks_a_date_other_than_the_dateline():
    assert any(s.text.startswith("Applications open") for s in _setup("When do applications open?"))


def test_who_said_adds_the_attribution_line():
    chosen = _setup("Qui a dit que nous devons agir ensemble pour la santé des familles ?")
    texts = [s.text for s in chosen]
    assert texts[0].startswith("\u00ab Nous devons agir")
    assert "La ministre de la Santé, Ya\u2019ara Saks" in texts


def test_nothing_to_choose_from():
    resolution = resolve(analyse("How much?"), None)
    assert select([], question_terms(resolution, lambda t: None), ("amount",), {}) == []


TAX = (
    "VICTORIA — The speculation and vacancy tax revenue for the 2019 calendar year is $88 million.\n\n"
    "The speculation and vacancy tax applies in the regions with the tightest housing markets.\n\n"
    "Most of the speculation and vacancy tax is paid by foreign owners and satellite families.\n\n"
    "Since the speculation and vacancy tax was introduced in 2018, it has brought in more than $130 million.\n"
)


def test_a_second_question_gets_its_own_sentence_even_of_the_same_kind():
    question = "How much did the speculation and vacancy tax bring in for 2019, and how much has it raised in total?"
    assert analyse(question).second_ask
    texts = [s.text for s in _setup(question, TAX, "Speculation and vacancy tax revenue")]
    assert any("$88 million" in t for t in texts) and any("$130 million" in t for t in texts)
    one = [s.text for s in _setup("How much did the speculation and vacancy tax bring in for 2019?", TAX,
                                   "Speculation and vacancy tax revenue")]
    assert not any("$130 million" in t for t in one)  # one question asked: no second figure added


SHELTER = (
    "KELOWNA — A temporary shelter at 1083 Richter St. will open on Jan. 25, 2021, and will provide up to 38 beds "
    "for people experiencing homelessness in the community.\n"
    "\u201cWe know there is an urgent need to provide additional shelter in the community,\u201d said the housing minister.\n"
    "Including the new temporary shelter, there will be a total of approximately 265 beds available this winter.\n"
    "The city has worked with the Province to find a site for the shelter in the community.\n"
    "Turning Points Collaborative Society will operate the shelter until the pandemic risk has passed.\n"
)
CLEANUP = (
    "B.C.'s largest coastal marine debris cleanup has removed over 127 tonnes of marine debris from the central coast.\n"
    "The cleanup report gives a detailed accounting of the debris removed and what was found.\n"
    "The effort supported economic recovery by providing employment to 180 crew members during the cleanup.\n"
)


def test_the_second_question_is_answered_by_its_own_sentence():
    question = "How many beds will the temporary shelter on Richter Street provide, and who will run it?"
    texts = [s.text for s in _setup(question, SHELTER, "Temporary shelter opening in Kelowna")]
    assert any("38 beds" in t for t in texts) and any("Turning Points" in t for t in texts)
    without = [s.text for s in _setup(question, SHELTER, "Temporary shelter opening in Kelowna", with_clause=False)]
    assert not any("Turning Points" in t for t in without)  # what the clause adds


def test_a_second_count_is_found_beside_the_clause_words():
    question = "How many tonnes of marine debris did the cleanup remove, and how many people did it employ?"
    texts = [s.text for s in _setup(question, CLEANUP, "Marine debris cleanup")]
    assert any("127 tonnes" in t for t in texts) and any("180 crew members" in t for t in texts)
