"""BM25 index: folding, elisions, persistence without pickle."""
from __future__ import annotations

import numpy as np

from communique.index.language import guess_language
from communique.index.lexical import LexicalIndex
from communique.index.text import fold, tokenize


def test_tokenize_folds_case_accents_and_elisions():
    assert tokenize("L'Agence d'Évaluation qu'elle Montréal") == ["agence", "evaluation", "montreal"]
    assert tokenize("600 000 $ et 600,000 dollars") == ["600000", "600000", "dollars"]
    assert fold("Œuvre ÉTÉ") == "oeuvre ete"


def test_guess_language_on_short_questions():
    assert guess_language("Combien pour le port de Cornwall ?") == "fr"
    assert guess_language("Et où ?") == "fr"
    assert guess_language("How much did Ottawa give?") == "en"
    assert guess_language("Qui a annoncé le financement") == "fr"


def _index() -> LexicalIndex:
    rows = [
        (1, " ".join(tokenize("Funding for the Cornwall harbour in Ontario"))),
        (2, " ".join(tokenize("Financement du port de Cornwall en Ontario"))),
        (3, " ".join(tokenize("A statement on the national day of mourning"))),
    ]
    return LexicalIndex.build(rows)


def test_bm25_ranks_matching_rows_and_ignores_unknown_terms():
    lex = _index()
    scores = lex.scores(tokenize("Cornwall harbour funding zzzunknown"))
    assert scores[0] > scores[1] > 0
    assert scores[2] == 0
    assert lex.document_frequency("cornwall") == 2


def test_save_and_load_round_trip(tmp_path):
    lex = _index()
    lex.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    query = tokenize("port Cornwall")
    np.testing.assert_allclose(loaded.scores(query), lex.scores(query))
    assert loaded.vids.tolist() == [1, 2, 3]  # languages and dates: tests/index/test_row_columns.py
    assert loaded.size == 3


def test_bm25_arrays_of_an_older_generation_load(tmp_path):
    """Files written before row columns had their own file also hold langs and dates: ignored here."""
    lex = _index()
    lex.save(tmp_path)
    with open(tmp_path / "lexical.npz", "wb") as handle:
        np.savez(handle, indptr=lex.indptr, rows=lex.rows, weights=lex.weights, vids=lex.vids,
                 langs=np.array([0, 1, 0], np.uint8), dates=np.array([738886, 738917, -1], np.int32))
    query = tokenize("port Cornwall")
    np.testing.assert_allclose(LexicalIndex.load(tmp_path).scores(query), lex.scores(query))
