"""Fit the sentence-score correction (`assistant/ranking.py`) on the golden sets' dev split.

For every answerable dev question, every candidate sentence is labelled by whether it states one of
the question's golden facts. The model is a conditional logit per question over
`beta × (hand score + w · features)`: it learns which candidates hold the fact, and stays a correction
of the hand score (L2 pulls `w` to zero; `FLOORS` keep evidence from counting against a sentence). What is reported is out of sample: 5-fold cross-validation
over dev questions, "a fact-bearing sentence ranked first" with and without the correction. The
held-out split is never read here.

    python -m communique.evals.ranking --write   # (make calibrate) prints the report, writes assistant/rank_model.json
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from communique.assistant.ranking import FEATURES, MODEL_FILE, features
from communique.evals.golden import DEV, GoldenItem, load_golden
from communique.evals.matching import facts_present

L2 = 0.01
BETAS = (5.0, 10.0, 20.0, 30.0, 50.0)
STEPS = 300
LEARNING_RATE = 0.05
# More evidence never lowers a score: a correction may cut an evidence feature's hand weight
# (extractive._base/_with_cue; the smaller of its same- and cross-language weights) to zero, not below.
# The others are free: lede, length, language, position, and `cue_unasked` — a cue is evidence only for
# the kind a question asks (the hand score gives it no weight when none is asked). `rank_prior` is 1/rank,
# steeper than the hand prior 1/(1 + 0.35 (rank - 1)): at its floor the rank of the passage no longer
# favours the first one (the shipped fit sits there: ranks 2-5 end up to 0.024 above rank 1).
FLOORS = {"coverage": -0.25, "context_coverage": -0.05, "release_coverage": -0.10, "cue": -0.20, "dense": -0.10,
          "rank_prior": -0.10, "semantic": -1.0, "lexical": 0.0, "focus_coverage": 0.0}
_FLOOR = np.array([FLOORS.get(name, -np.inf) for name in FEATURES])


@dataclass(frozen=True)
class Pool:
    """One question's candidates: features, hand scores, and which state a golden fact."""

    id: str
    rows: np.ndarray
    base: np.ndarray
    labels: np.ndarray


def collect(assistant: Any, items: Sequence[GoldenItem]) -> list[Pool]:
    """The uncorrected candidate pools of the answerable dev questions (`assistant` without a ranker)."""
    pools = []
    for item in items:
        if item.split != DEV or not item.answerable or not item.facts:
            continue
        draft = assistant.decide(item.question, history=item.history or None)
        if not draft.pool:
            continue
        kind = (draft.question.kinds or (draft.question.kind,))[0]
        labels = [1.0 if any(facts_present(item.facts, s.text)) else 0.0 for s in draft.pool]
        pools.append(Pool(item.id, np.array(features(draft.pool, draft.question.lang, kind)),
                          np.array([s.score for s in draft.pool]), np.array(labels)))
    return pools


def _loss_and_gradient(w: np.ndarray, beta: float, pools: Sequence[Pool]) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood that a fact-bearing candidate is first, and its gradient (log-sum-exp
    throughout, so a pool whose facts score very low cannot underflow to a NaN fit)."""
    loss, gradient, n = 0.0, np.zeros_like(w), 0
    for pool in pools:
        positive = pool.labels > 0
        if not positive.any():
            continue
        n += 1
        logits = beta * (pool.base + pool.rows @ w)
        log_all = _logsumexp(logits)
        log_positive = _logsumexp(logits[positive])
        p = np.exp(logits - log_all)
        q = np.zeros_like(p)
        q[positive] = np.exp(logits[positive] - log_positive)
        loss -= log_positive - log_all
        gradient += beta * (pool.rows.T @ (p - q))
    return loss / max(n, 1), gradient / max(n, 1)


def _logsumexp(values: np.ndarray) -> float:
    top = float(values.max())
    return top + math.log(float(np.exp(values - top).sum()))


def fit_beta(pools: Sequence[Pool]) -> float:
    """The temperature under which the hand score alone explains the labels best."""
    zero = np.zeros(len(FEATURES))
    return min(BETAS, key=lambda b: _loss_and_gradient(zero, b, pools)[0])


def fit(pools: Sequence[Pool], beta: float, l2: float = L2) -> np.ndarray:
    w = np.zeros(len(FEATURES))
    for _ in range(STEPS):
        _, gradient = _loss_and_gradient(w, beta, pools)
        w = np.maximum(w - LEARNING_RATE * (gradient + l2 * w), _FLOOR)  # projected onto the floors
    return w


def first_is_fact(w: np.ndarray, pools: Sequence[Pool]) -> list[float]:
    return [float(p.labels[int(np.argmax(p.base + p.rows @ w))]) for p in pools]


def report(pools: Sequence[Pool], k: int = 5, seed: int = 0) -> tuple[dict[str, Any], np.ndarray, float]:
    """Cross-validated "fact-bearing sentence first" rates, and the model fitted on all pools."""
    order = list(range(len(pools)))
    random.Random(seed).shuffle(order)
    corrected: dict[int, float] = {}
    for fold in range(k):
        test = sorted(order[fold::k])
        held = set(test)
        train = [pools[i] for i in order if i not in held]
        w = fit(train, fit_beta(train))
        corrected.update(zip(test, first_is_fact(w, [pools[i] for i in test])))
    beta = fit_beta(pools)
    final = fit(pools, beta)
    hand = first_is_fact(np.zeros(len(FEATURES)), pools)
    result = {
        "dev_questions": len(pools),
        "with_a_fact_sentence": int(sum(p.labels.any() for p in pools)),
        "fact_first_hand": round(float(np.mean(hand)), 4),
        "fact_first_corrected_cross_validated": round(float(np.mean([corrected[i] for i in range(len(pools))])), 4),
        "fact_first_corrected_in_sample": round(float(np.mean(first_is_fact(final, pools))), 4),
    }
    return result, final, beta


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m communique.evals.ranking", description=__doc__.split("\n")[0])
    parser.add_argument("--set", nargs=2, action="append", metavar=("GOLDEN", "INDEX"), required=True,
                        help="a golden file and the index it is written against (repeatable)")
    parser.add_argument("--write", action="store_true", help=f"write the fitted model to {MODEL_FILE}")
    args = parser.parse_args(argv)
    from communique.assistant.assistant import Assistant

    pools: list[Pool] = []
    for golden, index in args.set:
        assistant = Assistant.open(index, ranker=None, pool=10_000)
        pools += collect(assistant, load_golden(golden))
    result, final, beta = report(pools)
    print(json.dumps(result, indent=2))
    if args.write:
        data = {"weights": {name: round(float(v), 4) for name, v in zip(FEATURES, final)}, "beta": beta,
                "fitted_on": {"sets": [g for g, _ in args.set], "split": DEV, "questions": len(pools)},
                "measured": result}
        MODEL_FILE.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
