"""End to end: a French question over an English release whose French version is partial.

The answer quotes the asker-language counterpart only when it keeps what the original states
(`crosslang.loses_information`); here the French version of the funding sentence drops the
amount, so the English original is quoted; the faithful sentence pair is quoted in French.
"""
from __future__ import annotations

import pytest

from communique.assistant.assistant import Assistant
from tests.assistant.conftest import tiny_assistant

EN = (
    "HALIFAX — The Government of Canada is investing $7.4 million to rebuild the Sambro harbour breakwater. "
    "Work on the breakwater will begin in May 2025 and is expected to finish in the fall of 2026.\n\n"
    "The harbour is home to about 60 fishing vessels."
)
FR = (
    "HALIFAX — Le gouvernement du Canada investit pour reconstruire le brise-lames du port de Sambro. "
    "Les travaux sur le brise-lames commenceront en mai 2025 et devraient se terminer à l'automne 2026.\n\n"
    "Le port accueille environ 60 bateaux de pêche."
)


@pytest.fixture(scope="module")
def partial_pair(tmp_path_factory) -> Assistant:
    records = [
        {"id": "pt-sambro-en", "lang": "en", "title": "Sambro harbour breakwater to be rebuilt",
         "date": "2025-03-12", "pair_id": "pt-sambro", "text": EN},
        {"id": "pt-sambro-fr", "lang": "fr", "title": "Reconstruction du brise-lames du port de Sambro",
         "date": "2025-03-12", "pair_id": "pt-sambro", "text": FR},
    ]
    return tiny_assistant(tmp_path_factory, "partial-translation", records)


def test_a_counterpart_that_drops_the_amount_is_not_quoted(partial_pair):
    answer = partial_pair.ask("Combien le gouvernement investit-il pour reconstruire le brise-lames du port de Sambro ?")
    assert not answer.abstained
    assert answer.lead is not None and "7,4" in answer.lead.shown  # rendered the French way
    first = answer.citations[0]
    assert first.release_id == "pt-sambro-en" and "$7.4 million" in first.quote


def test_a_faithful_counterpart_is_quoted_in_the_askers_language(partial_pair):
    answer = partial_pair.ask("Quand les travaux sur le brise-lames du port de Sambro commenceront-ils ?")
    assert not answer.abstained
    first = answer.citations[0]
    assert first.release_id == "pt-sambro-fr" and "mai 2025" in first.quote
