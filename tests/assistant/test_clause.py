"""The second question of a two-part question (assistant/clause.py): its kind, its words, its count."""
from __future__ import annotations

from communique.assistant.clause import Clause, second_clause
from communique.assistant.followup import resolve
from communique.assistant.question import analyse
from communique.assistant.terms import Terms, question_terms
from tests.assistant.test_extractive import CLEANUP, _setup

QUESTION = "How many tonnes of marine debris did the cleanup remove, and how many people did it employ?"


def test_the_second_clause_is_read_from_the_question():
    q = analyse(QUESTION)
    clause = second_clause(q, question_terms(resolve(q, None), lambda token: None))
    assert clause is not None and clause.kind == "count" and clause.noun == "peopl"
    assert "employ" in clause.stems and "tonn" not in clause.stems
    assert second_clause(analyse("How many tonnes of debris were removed?"), Terms()) is None


def test_a_count_not_of_the_noun_answers_only_beside_the_clause_words():
    # "180 crew members" is no count of people by its noun
    sentence = next(s for s in _setup(QUESTION, CLEANUP, "Marine debris cleanup") if "180" in s.text)
    terms = Terms(weights={"employ": 1.0}, focus=frozenset({"employ"}))
    clause = Clause("count", frozenset({"employ"}), noun="person")
    assert not clause.holds(sentence, terms) and clause.holds(sentence, terms, loosely=True)
    assert not Clause("count", frozenset({"vessel"}), noun="person").holds(sentence, terms, loosely=True)


def test_who_will_run_it_is_answered_by_a_body():
    sentence = next(s for s in _setup("Who will run the shelter?", "Turning Points Collaborative Society will "
                                      "operate the shelter.\n", "Shelter") if "Turning" in s.text)
    assert Clause("person", frozenset()).holds(sentence, Terms())


def test_a_second_question_with_no_value_needs_its_own_words():
    sentence = next(s for s in _setup("What will the clinics offer?", "Applications open on September 15, 2024.\n",
                                      "Clinics") if "Applications" in s.text)
    terms = Terms(weights={"clinic": 1.0, "offer": 1.0}, focus=frozenset({"clinic", "offer"}))
    assert not Clause("other", frozenset({"clinic", "offer"})).could_answer(sentence, terms)
    assert Clause("date", frozenset({"clinic"})).could_answer(sentence, terms)  # it states a date
