"""Fitting the sentence-score correction (evals/ranking.py) on synthetic pools: the feature that
marks the fact-bearing sentence is learnt, and the report is out of fold."""
from __future__ import annotations

import random

import numpy as np

from communique.assistant.ranking import FEATURES
from communique.evals.ranking import Pool, first_is_fact, fit, fit_beta, report

LEXICAL = FEATURES.index("lexical")


def _pools(n: int = 60, seed: int = 3) -> list[Pool]:
    """Eight candidates each; the hand score is noise, the fact sentence has the highest `lexical`."""
    rng = random.Random(seed)
    pools = []
    for i in range(n):
        rows = np.zeros((8, len(FEATURES)))
        rows[:, LEXICAL] = [rng.uniform(0.0, 0.6) for _ in range(8)]
        fact = rng.randrange(8)
        rows[fact, LEXICAL] = 1.0
        labels = np.zeros(8)
        labels[fact] = 1.0
        base = np.array([rng.uniform(0.4, 0.5) for _ in range(8)])
        pools.append(Pool(f"q{i}", rows, base, labels))
    return pools


def test_the_separating_feature_is_learnt():
    pools = _pools()
    w = fit(pools, fit_beta(pools))
    assert w[LEXICAL] > 0.1
    assert np.mean(first_is_fact(w, pools)) > np.mean(first_is_fact(np.zeros(len(FEATURES)), pools)) + 0.3


def test_the_report_is_cross_validated_and_beats_the_hand_score():
    result, final, beta = report(_pools(), k=5)
    assert result["dev_questions"] == 60 and result["with_a_fact_sentence"] == 60
    assert result["fact_first_corrected_cross_validated"] > result["fact_first_hand"] + 0.3
    assert final.shape == (len(FEATURES),) and beta > 0


def test_pools_without_a_fact_sentence_do_not_move_the_fit():
    pools = _pools(20)
    empty = Pool("none", np.ones((3, len(FEATURES))), np.zeros(3), np.zeros(3))
    beta = fit_beta(pools)
    assert np.allclose(fit(pools, beta), fit(pools + [empty], beta))


def test_pools_from_the_samples_are_uncorrected_and_labelled(samples_index):
    from communique.assistant.assistant import Assistant
    from communique.evals.golden import load_golden
    from communique.evals.ranking import collect

    items = [i for i in load_golden("evals/golden/samples.jsonl") if i.split == "dev" and i.answerable][:8]
    assistant = Assistant.open(samples_index, ranker=None, pool=10_000)
    pools = collect(assistant, items)
    assert len(pools) == len(items)
    assert all(p.rows.shape == (len(p.labels), len(FEATURES)) for p in pools)
    assert sum(p.labels.any() for p in pools) >= 6  # the samples' facts are in their candidates
    held_out = [i for i in load_golden("evals/golden/samples.jsonl") if i.split != "dev"]
    assert collect(assistant, held_out) == []  # the held-out split is never read
