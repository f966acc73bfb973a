"""Decide whether the retrieved sentences answer the question, or to say "not found".

A confident wrong answer is the worst outcome, an unnecessary "not found" the second worst.
The decision combines signals that each fail differently:
- how much of the question's own weighted words the chosen sentence (and its release title)
  covers — low when the corpus talks about something else;
- whether the question's *specifics* (names, numbers) occur in the release at all — the
  typical near-miss ("New Brunswick" asked, only Nova Scotia announced);
- the dense similarity of the best passage — the only signal that crosses languages well;
- whether the sentence holds the kind of thing asked for (an amount for "how much").
The weights and the threshold were set by measurement on the golden sets (see
`assistant/README.md`, "Abstention").
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Signals:
    coverage: float  # best sentence: weighted share of the question's own words (0..1)
    context_coverage: float  # same with the release title and the other chosen sentences
    specifics: float  # share of the question's names/numbers found in the cited release(s); 1.0 if none asked
    n_specifics: int
    dense: float  # cosine of the best passage (0 if unknown)
    cue: float  # 0..1, 1.0 when the question asks for no particular kind
    cross_language: bool  # the best sentence is not in the question's language
    semantic: float | None = None  # cosine of question and best sentence (embedded only when needed)
    followup: bool = False

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Policy:
    threshold: float = 0.42
    min_specifics: float = 0.5  # below this share of the question's names/numbers: never answer
    dense_floor: float = 0.12  # a passage this unlike the question is never an answer


def confidence(s: Signals) -> float:
    """0..1 score; the weights favour the lexical signals in one language, dense across two."""
    dense = max(0.0, min(1.0, (s.dense - 0.1) / 0.45))
    if s.cross_language:
        value = 0.25 * s.coverage + 0.15 * s.context_coverage + 0.40 * dense + 0.20 * s.cue
    else:
        value = 0.40 * s.coverage + 0.20 * s.context_coverage + 0.20 * dense + 0.20 * s.cue
    return round(value, 4)


def should_abstain(s: Signals, policy: Policy = Policy()) -> bool:
    if s.n_specifics and s.specifics < policy.min_specifics:
        return True
    if s.dense and s.dense < policy.dense_floor:
        return True
    return confidence(s) < policy.threshold
