"""Fusion and candidate pooling as plain functions: no model, no index."""
from __future__ import annotations

import pytest

from communique.index.fusion import Candidate, SearchSettings, dense_pool, fuse, merge
from communique.index.storage.contract import DenseMatch, LexicalMatch

SETTINGS = SearchSettings()


def test_cross_language_cosines_are_shifted_before_the_languages_compete():
    pool = dense_pool({"en": [DenseMatch(1, 0.50)], "fr": [DenseMatch(2, 0.45)]}, "en", 10, SETTINGS)
    assert [c.vid for c in pool] == [2, 1]  # 0.45 + 0.1 offset beats 0.50
    assert pool[0].dense == 0.45 and pool[0].group == "fr"  # the raw cosine is kept
    assert len(dense_pool({"en": [DenseMatch(i, 1 - i / 10) for i in range(5)]}, "en", 3, SETTINGS)) == 3


def test_convex_fusion_scores():
    dense = [Candidate(1, "en", dense=0.6), Candidate(2, "fr", dense=0.4)]
    lexical = [LexicalMatch(2, 8.0, "fr"), LexicalMatch(3, 4.0, "en")]
    ranked = fuse(merge(dense, lexical), "en", SETTINGS)
    scores = {c.vid: c.score for c in ranked}
    assert scores[1] == pytest.approx(0.6)
    assert scores[2] == pytest.approx(0.4 + 0.1 + 0.2 * 8.0 / 8.0)
    assert scores[3] == pytest.approx(0.4 + 0.2 * 4.0 / 8.0)  # no cosine: the lowest one among candidates
    assert [c.vid for c in ranked] == [2, 1, 3]


def test_lexical_only_and_dense_only():
    only_lexical = fuse(merge([], [LexicalMatch(5, 2.0, "fr"), LexicalMatch(6, 1.0, "fr")]), "fr", SETTINGS)
    assert [(c.vid, round(c.score, 6)) for c in only_lexical] == [(5, 0.2), (6, 0.1)]
    only_dense = fuse(merge([Candidate(7, "en", dense=0.3)], []), "en", SETTINGS)
    assert only_dense[0].score == pytest.approx(0.3) and only_dense[0].lexical is None
