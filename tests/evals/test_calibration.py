"""Fitting the abstention policy (evals/calibration.py) on synthetic examples: signed weights,
the cost-minimising threshold, and out-of-fold decisions."""
from __future__ import annotations

import random

from communique.assistant.abstain import FEATURES
from communique.evals.calibration import SIGNS, Example, cost, cross_validate, fit, fit_both


def _example(i: int, *, coverage: float, dense: float, correct: bool, answerable: bool = True,
             cross: bool = False) -> Example:
    values = {f: 0.0 for f in FEATURES} | {"coverage": coverage, "dense": dense, "specifics": 1.0}
    return Example(f"q{i}", "dev", answerable, "", cross, values, correct)


def _examples(n: int = 120, seed: int = 1) -> list[Example]:
    """Right answers have high coverage; `dense` is (by chance) higher on the wrong ones."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        correct = i % 3 != 0
        coverage = rng.uniform(0.5, 1.0) if correct else rng.uniform(0.0, 0.5)
        dense = rng.uniform(0.2, 0.4) if correct else rng.uniform(0.4, 0.6)
        out.append(_example(i, coverage=coverage, dense=dense, correct=correct, answerable=correct or i % 2 == 0))
    return out


def test_every_feature_has_a_sign():
    assert set(SIGNS) == set(FEATURES)


def test_evidence_weights_never_turn_negative():
    model = fit(_examples())
    assert model.weights["coverage"] > 1.0  # the signal that separates them is learnt
    assert model.weights["dense"] == 0.0  # the spurious negative correlation is not


def test_the_threshold_is_the_cheapest_one():
    examples = _examples()
    model = fit(examples)
    from communique.evals.calibration import THRESHOLDS, answers
    costs = {t: cost([(e, answers(model, e, t)) for e in examples]) for t in THRESHOLDS}
    assert costs[model.threshold] == min(costs.values())


def test_decisions_are_out_of_fold():
    examples = _examples(60)
    oof = cross_validate(examples, k=5)
    assert sorted(e.id for e, _, _ in oof) == sorted(e.id for e in examples)
    # each fold's models come from the other folds, not from the whole set
    full = fit_both(examples)["same"]
    assert any(s.bias != full.bias for _, s, _ in oof)
