"""Follow-up questions resolved from the conversation, without an LLM, in both languages."""
from __future__ import annotations

import pytest

from communique.assistant.followup import Turn, looks_like_followup, names_in, normalise_history, resolve
from communique.assistant.question import analyse

EN_HISTORY = [
    {"role": "user", "content": "Who announced the Jasper wildfire recovery effort in October 2024?"},
    {"role": "assistant", "content": "The Honourable Randy Boissonnault, Minister of Employment, will make announcements [1]."},
]
FR_HISTORY = [
    ("Quels ministres ont participé à ALL IN 2025 ?", "Mélanie Joly et Evan Solomon ont participé [1]."),
]


@pytest.mark.parametrize(
    "question",
    ["And how much funding?", "Who announced it?", "Where?", "What about Banff?", "Did he visit Banff?",
     "Et où ?", "Qu'a-t-elle annoncé ?", "Combien ?", "Et pour Jasper ?", "Et quand ?"],
)
def test_elliptical_questions_are_followups(question):
    assert looks_like_followup(analyse(question))


@pytest.mark.parametrize(
    "question",
    ["How much is Canada investing in small craft harbours in Nova Scotia?",
     "Quel est le coût total du tramway entre Gatineau et Ottawa ?",
     "Who said that Canada must keep up its efforts on artificial intelligence?"],
)
def test_complete_questions_are_not(question):
    assert not looks_like_followup(analyse(question))
    assert not resolve(analyse(question), EN_HISTORY).is_followup


def test_english_followup_carries_subject_names_and_dates():
    r = resolve(analyse("And how much funding?"), EN_HISTORY)
    assert r.is_followup
    assert "Jasper" in r.query and "wildfire" in r.query and "recovery" in r.query
    assert "Randy Boissonnault" in r.query  # a name given by the last answer
    assert r.question.kind == "amount"  # the question's own kind
    # "in October 2024" names the event, not a publication date: inherited as content, not as a filter
    assert (r.question.date_from, r.question.date_to) == (None, None)
    assert [(m.date_from, m.date_to) for m in r.question.content_dates] == [("2024-10-01", "2024-10-31")]
    assert "funding" in r.focus_words


def test_french_followup_carries_subject_and_answer_names():
    r = resolve(analyse("Et où ?"), FR_HISTORY)
    assert r.is_followup and r.question.kind == "place"
    assert "ALL IN 2025" in r.query and "Mélanie Joly" in r.query and "Evan Solomon" in r.query


def test_new_subject_keeps_the_previous_predicate():
    history = [{"role": "user", "content": "How much did Canada invest in Jasper?"},
               {"role": "assistant", "content": "$5 million [1]."}]
    r = resolve(analyse("What about Banff?"), history)
    assert r.is_followup and "Banff" in r.query and "invest" in r.query and "Jasper" not in r.query
    assert r.question.kind == "amount"  # "what about X?" asks the same kind of thing


def test_chains_of_followups_keep_the_original_subject():
    history = FR_HISTORY + [("Et où ?", "À Montréal [1].")]
    r = resolve(analyse("Qu'a-t-elle annoncé ?"), history)
    assert "ALL IN 2025" in r.query and "Montréal" in r.query


def test_history_formats_and_junk():
    turns = normalise_history([
        {"role": "user", "content": "Q1"}, {"role": "assistant", "content": [{"type": "text", "text": "A1"}]},
        ("Q2", "A2"), Turn("user", "Q3"), {"role": "user", "content": ""}, None, 42,
    ])
    assert [(t.role, t.text) for t in turns] == [("user", "Q1"), ("assistant", "A1"), ("user", "Q2"),
                                                 ("assistant", "A2"), ("user", "Q3")]
    assert not resolve(analyse("Et où ?"), []).is_followup
    assert not resolve(analyse("Et où ?"), None).is_followup


def test_names_skip_capitalised_openers_and_dates():
    assert names_in("Combien le Canada engage-t-il avec l'Allemagne ?") == ["Canada", "Allemagne"]
    assert names_in("From July 4 to 17, 2024, Canada.ca ran a study") == ["Canada"]
    assert names_in("Where is Jasper National Park?") == ["Jasper National Park"]
