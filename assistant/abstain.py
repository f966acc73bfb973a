"""Decide whether the retrieved sentences answer the question, or to say "not found".

A confident wrong answer is the worst outcome, an unnecessary "not found" the second worst.
The decision is a logistic score over signals that fail differently:
- `coverage`: how much of the question's own weighted words the best sentence holds;
- `context_coverage`: the same with the release title and the other chosen sentences;
- `specifics`: whether the question's names and numbers occur in the cited release at all —
  the typical near miss ("New Brunswick" asked, only Nova Scotia announced);
- `dense`: the retrieval similarity of the passage;
- `semantic`: question/sentence cosine with the index's multilingual embedder, computed only
  when the sentence is in the other language, where words cannot match;
- `cue`: whether the sentence holds the kind of thing asked for (an amount for "how much").

Same-language and cross-language answers get separate weights: across languages the lexical
signals are blind and the semantic and cue signals carry the decision. The weights were fitted
(logistic regression, a wrong answer weighted twice a false "not found") on the 247 golden
questions of `evals/golden/samples.jsonl` and `shared.jsonl`, then rounded; the thresholds
were read off the cross-validated error curves. `assistant/README.md` gives both error rates.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Signals:
    coverage: float  # 0..1
    context_coverage: float  # 0..1
    specifics: float  # share of the question's names/numbers found in the cited release(s); 1.0 if none
    n_specifics: int
    dense: float  # cosine of the best passage (0 if unknown)
    cue: float  # 0..1, 1.0 when the question asks for no particular kind
    cross_language: bool  # the best sentence is not in the question's language
    semantic: float | None = None  # question/sentence cosine (cross-language only)
    followup: bool = False

    def to_dict(self) -> dict[str, float | int | bool | None]:
        return asdict(self)


@dataclass(frozen=True)
class Policy:
    threshold: float = 0.60  # same-language answers
    threshold_cross: float = 0.50  # answers quoted from the other language (cost-minimising, see README)


# (intercept, weights) of the two logistic models.
_SAME = (-4.85, {"coverage": 2.2, "context_coverage": 1.0, "specifics": 3.05, "dense": 3.9})
_CROSS = (-5.95, {"context_coverage": 2.3, "specifics": 1.8, "semantic": 2.45, "cue": 2.9})


def confidence(s: Signals) -> float:
    """Probability-like 0..1 score that the answer is right (see the module docstring)."""
    bias, weights = _CROSS if s.cross_language else _SAME
    values = {
        "coverage": s.coverage,
        "context_coverage": s.context_coverage,
        "specifics": s.specifics,
        "dense": s.dense,
        "semantic": s.semantic if s.semantic is not None else s.dense,
        "cue": min(1.0, s.cue),
    }
    z = bias + sum(w * values[name] for name, w in weights.items())
    return round(1.0 / (1.0 + math.exp(-z)), 4)


def should_abstain(s: Signals, policy: Policy = Policy()) -> bool:
    threshold = policy.threshold_cross if s.cross_language else policy.threshold
    return confidence(s) < threshold
