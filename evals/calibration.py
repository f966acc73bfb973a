"""Fit the abstention policy ("not found" or answer?) on the golden sets, measured out of sample.

For every golden question the assistant answers *as if it never abstained* (`Assistant.decide` +
`Assistant.write`); the answer is right when it passes the eval verdict (facts stated, a gold release
cited). A logistic model per case (quote in the asker's language / in the other language) then learns
from the signals whether the answer is right. What is reported is never in-sample:
- k-fold cross-validation over the **dev** split: each question's decision comes from a model (and a
  threshold) fitted on the other folds;
- the final model, fitted on the whole dev split, applied to the **held-out** split.
An answer is "right" when at least half its citations are to a gold announcement (its facts are the
extractor's concern, measured by fact coverage, not a reason to say "not found").
The threshold minimises cost = 2 × (wrong answers) + 1 × (needless "not found").

    python -m communique.evals.calibration --write      # (make calibrate) prints the report, writes assistant/abstain_model.json
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from communique.assistant.abstain import FEATURES, MODEL_FILE, Model, features, gated, probability
from communique.evals.golden import DEV, GoldenItem, load_golden
from communique.evals.runner import Equivalents
from communique.evals.scoring import score_item

WRONG_COST = 2.0
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))


@dataclass(frozen=True)
class Example:
    """One golden question: its signals (None: nothing retrieved) and whether the forced answer is right."""

    id: str
    split: str
    answerable: bool
    question_class: str
    cross: bool
    values: dict[str, float] | None
    correct: bool
    gated: bool = False  # a hard rule abstains whatever the model says (assistant.abstain.should_abstain)


def collect(assistant: Any, items: Sequence[GoldenItem]) -> list[Example]:
    """Signals and forced-answer verdicts for `items` (the assistant's own index)."""
    equivalents = Equivalents(assistant.retriever)
    out: list[Example] = []
    for item in items:
        draft = assistant.decide(item.question, history=item.history or None)
        answer = assistant.write(draft)
        equivalents.add_hits(answer.presented)
        equivalents.ensure([*item.sources, *(c.release_id for c in answer.citations)])
        result = score_item(item, retrieved_ids=[h.release_id for h in answer.presented], equivalents=equivalents,
                            answer=answer, latency_ms=0.0)
        # Right = the answer quotes the announcement that answers it (a gold release, or its translation).
        # Whether every fact made it into the quotes is the extractor's job, measured by fact coverage;
        # abstaining would not make a partial answer from the right release any better.
        precision = result.metrics.get("citation_precision")
        right = bool(item.answerable and not answer.abstained and precision is not None and precision >= 0.5)
        signals = draft.signals
        out.append(Example(item.id, item.split, item.answerable, item.question_class,
                           bool(signals and signals.cross_language), features(signals) if signals else None, right,
                           gated=bool(signals and gated(signals))))
    return out


# The direction each signal may push: more evidence never lowers the confidence, a missing word never
# raises it. Unconstrained, a fit on ~250 questions gave the cross-language model a negative weight on
# the passage's similarity and the same-language one a confidence of 0.83 with no evidence at all.
SIGNS = {"coverage": 1, "context_coverage": 1, "specifics": 1, "sentence_specifics": 1, "dense": 1, "semantic": 1,
         "cue": 1, "kind_value": 1, "followup": 0, "rarest_absent": -1, "top_hit": 1}


def fit(examples: Sequence[Example], *, l2: float = 0.3, steps: int = 3000, rate: float = 0.5) -> Model:
    """Logistic regression (full-batch projected gradient descent, L2 on the weights, each weight kept
    to its sign in SIGNS), wrong answers weighted ×2. Over five reshuffled 5-fold splits of the dev split,
    `l2` from 0.3 to 30 cost the same (0.219–0.223 per question), 100 more (0.262); from 10 up the
    same-language model flattens to "answer unless gated", so the lightest stays."""
    usable = [e for e in examples if e.values is not None and not e.gated]
    if not usable:
        return Model(0.0, {}, 0.5)
    x = np.array([[(e.values or {})[f] for f in FEATURES] for e in usable], dtype=np.float64)
    y = np.array([1.0 if e.correct else 0.0 for e in usable])
    sample_weight = np.where(y == 1.0, 1.0, WRONG_COST)
    w = np.zeros(x.shape[1])
    signs = np.array([SIGNS.get(f, 0) for f in FEATURES])
    b = 0.0
    n = sample_weight.sum()
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w + b, -30, 30)))
        g = (p - y) * sample_weight
        w -= rate * ((x.T @ g) / n + l2 * w / len(usable))
        w = np.where(signs > 0, np.maximum(w, 0.0), np.where(signs < 0, np.minimum(w, 0.0), w))
        b -= rate * g.sum() / n
    model = Model(round(float(b), 4), {f: round(float(v), 4) for f, v in zip(FEATURES, w)}, 0.5)
    return Model(model.bias, model.weights, best_threshold(model, examples))


def cost(decisions: Sequence[tuple[Example, bool]]) -> float:
    """decisions: (example, answered?). A wrong answer (citing no gold release, or any answer to an
    unanswerable question) costs 2, a needless "not found" 1. Counts, not rates: in the chat most
    questions have an answer, and weighing the few unanswerable ones as much as all the others pushed
    the policy to a third of right answers withheld (measured, dev split)."""
    total = 0.0
    for e, answered in decisions:
        if answered and not e.correct:
            total += WRONG_COST
        elif not answered and e.answerable:
            total += 1.0
    return total


def answers(model: Model, e: Example, threshold: float | None = None) -> bool:
    if e.values is None or e.gated:
        return False
    return probability(model, e.values) >= (model.threshold if threshold is None else threshold)


def best_threshold(model: Model, examples: Sequence[Example]) -> float:
    scored = [(cost([(e, answers(model, e, t)) for e in examples]), abs(t - 0.5), t) for t in THRESHOLDS]
    return min(scored)[2]


def rates(decisions: Sequence[tuple[Example, bool]]) -> dict[str, float | int]:
    answerable = [(e, a) for e, a in decisions if e.answerable]
    unanswerable = [(e, a) for e, a in decisions if not e.answerable]
    return {
        "questions": len(decisions),
        "answerable_not_found": round(sum(not a for _, a in answerable) / max(1, len(answerable)), 4),
        "answerable_wrong": round(sum(a and not e.correct for e, a in answerable) / max(1, len(answerable)), 4),
        "answerable_right": round(sum(a and e.correct for e, a in answerable) / max(1, len(answerable)), 4),
        "unanswerable_answered": round(sum(a for _, a in unanswerable) / max(1, len(unanswerable)), 4),
        "cost_per_question": round(cost(decisions) / max(1, len(decisions)), 4),
    }


def fit_both(examples: Sequence[Example]) -> dict[str, Model]:
    return {"same": fit([e for e in examples if not e.cross]), "cross": fit([e for e in examples if e.cross])}


def decide(models: dict[str, Model], e: Example, shift: float = 0.0) -> bool:
    model = models["cross" if e.cross else "same"]
    return answers(model, e, min(0.99, max(0.0, model.threshold + shift)))


def cross_validate(examples: Sequence[Example], *, k: int = 5, seed: int = 0) -> list[tuple[Example, Model, Model]]:
    """Out-of-fold: for each example, the models fitted without its fold."""
    order = list(examples)
    random.Random(seed).shuffle(order)
    folds = [order[i::k] for i in range(k)]
    out: list[tuple[Example, Model, Model]] = []
    for i, fold in enumerate(folds):
        train = [e for j, f in enumerate(folds) if j != i for e in f]
        models = fit_both(train)
        out.extend((e, models["same"], models["cross"]) for e in fold)
    return out


def report(examples: Sequence[Example], *, k: int = 5) -> tuple[dict[str, Any], dict[str, Model]]:
    dev = [e for e in examples if e.split == DEV]
    heldout = [e for e in examples if e.split != DEV]
    oof = cross_validate(dev, k=k)
    curve = []
    for shift in (-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3):
        decisions = [(e, decide({"same": s, "cross": c}, e, shift)) for e, s, c in oof]
        curve.append({"threshold_shift": shift, **rates(decisions)})
    final = fit_both(dev)
    by_class: dict[str, Any] = {}
    for name in sorted({e.question_class for e in heldout}):
        group = [e for e in heldout if e.question_class == name]
        by_class[name or "(none)"] = rates([(e, decide(final, e)) for e in group])
    result = {
        "dev_cross_validated": rates([(e, decide({"same": s, "cross": c}, e)) for e, s, c in oof]),
        "dev_curve": curve,
        "heldout": rates([(e, decide(final, e)) for e in heldout]),
        "heldout_by_class": by_class,
        "k": k,
        "dev_questions": len(dev),
        "heldout_questions": len(heldout),
    }
    return result, final


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m communique.evals.calibration", description=__doc__.split("\n")[0])
    parser.add_argument("--set", nargs=2, action="append", metavar=("GOLDEN", "INDEX"), required=True,
                        help="a golden file and the index it is written against (repeatable)")
    parser.add_argument("--write", action="store_true", help=f"write the fitted models to {MODEL_FILE}")
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args(argv)
    from communique.assistant.assistant import Assistant

    examples: list[Example] = []
    for golden, index in args.set:
        assistant = Assistant.open(index)
        examples += collect(assistant, load_golden(golden))
    result, final = report(examples, k=args.k)
    print(json.dumps(result, indent=2))
    if args.write:
        data = {name: {"bias": m.bias, "weights": m.weights, "threshold": m.threshold} for name, m in final.items()}
        data["fitted_on"] = {"sets": [g for g, _ in args.set], "split": DEV, "questions": result["dev_questions"]}
        data["measured"] = {"dev_cross_validated": result["dev_cross_validated"], "heldout": result["heldout"]}
        MODEL_FILE.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
