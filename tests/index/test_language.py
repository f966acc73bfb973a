"""One language detector for search and answers: the retriever and the assistant agree."""
from __future__ import annotations

import pytest

from communique.assistant.question import analyse
from communique.index.language import detect_language, guess_language, identifier, question_language

QUERIES = ["Combien pour le port de Cornwall ?", "Et où ?", "How much did Ottawa give?", "Qui a annoncé le financement",
           "Who is the minister of housing?", "Quel est le montant accordé à Montréal?", "What about Jasper?",
           "l'an dernier", "Scale AI", "Canadarm3"]


@pytest.mark.parametrize("query", QUERIES)
def test_search_and_assistant_read_the_same_language(query):
    assert guess_language(query) == analyse(query).lang == question_language(query)[0]


def test_bare_names_are_not_confident_and_documents_get_a_probability():
    assert question_language("Jasper") == ("en", False)
    assert question_language("Où ?") == ("fr", True)
    lang, confidence = detect_language("Le gouvernement du Canada a annoncé aujourd'hui un investissement. " * 3)
    assert lang == "fr" and confidence > 0.9


def test_one_loader_per_language_set():
    assert identifier(("fr", "en")) is identifier(("fr", "en"))
    assert identifier() is not identifier(("fr", "en"))
