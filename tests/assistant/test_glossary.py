"""French ↔ English equivalents (assistant/glossary.py) and where they count: sentence matching,
counts of the asked noun, and the names an answer's release must contain."""
from __future__ import annotations

from communique.assistant.glossary import entries, equivalents
from communique.assistant.text import fold, stem
from communique.assistant.values import find_value


def test_equivalents_go_both_ways():
    assert stem("jobs") in equivalents(stem("emplois"))
    assert stem("emplois") in equivalents(stem("jobs"))
    assert stem("hatchery") in equivalents(stem(fold("écloserie")))  # stems are of folded words
    assert stem("korea") in equivalents(stem(fold("Corée")))


def test_a_word_is_never_its_own_equivalent_and_unknown_words_have_none():
    assert stem("budget") not in equivalents(stem("budget"))
    assert equivalents(stem("zzzyx")) == frozenset()


def test_every_entry_has_two_sides():
    assert len(entries()) > 200
    for french, english in entries():
        assert french.strip() and english.strip()


def test_a_french_count_question_finds_the_count_of_jobs_in_english():
    sentence = "The project will cost $4.5 million and create about 14 construction jobs in Lac La Biche."
    value = find_value("count", sentence, 0, noun=stem("emplois"))
    assert value is not None and value.text == "about 14 construction"
    assert find_value("count", sentence, 0, noun=stem("écoles")) is None
