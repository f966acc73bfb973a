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

- `sentence_specifics`: the same names and numbers in the cited *sentences* themselves;
- `kind_value`: whether a cited sentence holds a value of the kind asked (an amount, a place…);
- `top_hit`: 1/rank of the retrieved announcement the best sentence comes from (a release and its
  translation one): retrieval and sentence choice agreeing is a sign of a right answer, a sentence
  found far down a sign of a topic match (5-fold cross-validation over the dev split: cost 0.230 → 0.220 per question);
- `rarest_absent`: the IDF weight of the rarest of the question's words absent from every cited
  release (translations count): the asked thing itself missing ("the new arena", « le Carnaval »);
- `numbers_present`: every number and year of the question occurs in the cited releases (title,
  date, text, translation). Not weighed but a gate: on the dev split it blocked 11 of 38 unanswerable
  questions and 3 of 195 right answers (before decimals were matched across "9.8"/« 9,8 »).

Same-language and cross-language answers get separate logistic models: across languages the lexical
signals are blind and the semantic and cue signals carry the decision. The weights and thresholds are
data, not code: `abstain_model.json`, written by `communique eval --calibrate` (`evals/calibration.py`):
fitted on the golden sets' *dev* split only, threshold chosen by k-fold cross-validation at the least
cost (a wrong answer costs twice a needless "not found"); the held-out split is then measured with it.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("abstain_model.json")
FEATURES = ("coverage", "context_coverage", "specifics", "sentence_specifics", "dense", "semantic", "cue",
            "kind_value", "followup", "rarest_absent", "top_hit")


@dataclass(frozen=True)
class Signals:
    coverage: float  # 0..1
    context_coverage: float  # 0..1
    specifics: float  # share of the question's names/numbers found in the cited release(s); 1.0 if none
    n_specifics: int
    dense: float  # cosine of the best passage (0 if unknown)
    cue: float  # 0..1, 1.0 when the question asks for no particular kind
    cross_language: bool  # the best sentence is not in the question's language
    semantic: float | None = None  # question/sentence cosine with the index's embedder
    followup: bool = False
    sentence_specifics: float = 1.0  # share of the question's names/numbers in the cited sentences
    kind_value: float = 1.0  # 1 when a cited sentence holds a value of the kind asked (always 1 for "other")
    numbers_present: float = 1.0  # 0 when a number or year of the question occurs nowhere in the cited releases
    dates_present: float = 1.0  # 0 when a date the question names as content is in no cited sentence
    rarest_absent: float = 0.0  # weight (0..1) of the rarest question word absent from the cited releases
    places_present: float = 1.0  # 0 when a province the question names is in no cited release, another is
    hit_rank: int = 0  # the retrieval rank of the best sentence's announcement (1 = first; 0 unknown)
    amount_asked: bool = False  # a sum or share asked by name ("what amount", « quel montant »), not yes/no

    def to_dict(self) -> dict[str, float | int | bool | None]:
        return asdict(self)


@dataclass(frozen=True)
class Model:
    """One logistic model: `bias + Σ weights[f] · features[f]`, answered when the probability ≥ threshold."""

    bias: float
    weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.5


@dataclass(frozen=True)
class Policy:
    """Thresholds to use instead of the fitted ones (None: the model's own)."""

    threshold: float | None = None  # same-language answers
    threshold_cross: float | None = None  # answers quoted from the other language


# Used only when abstain_model.json is missing: the first round's weights.
_FALLBACK = {
    "same": Model(-4.85, {"coverage": 2.2, "context_coverage": 1.0, "specifics": 3.05, "dense": 3.9}, 0.60),
    "cross": Model(-5.95, {"context_coverage": 2.3, "specifics": 1.8, "semantic": 2.45, "cue": 2.9}, 0.50),
}


@lru_cache(maxsize=4)
def load_models(path: Path = MODEL_FILE) -> dict[str, Model]:
    """The fitted models ("same", "cross") from JSON; the fallback when the file is absent."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {name: Model(float(data[name]["bias"]), {str(k): float(v) for k, v in data[name]["weights"].items()
                                                        if k in FEATURES}, float(data[name]["threshold"]))
                for name in ("same", "cross")}
    except FileNotFoundError:
        return dict(_FALLBACK)


def features(s: Signals) -> dict[str, float]:
    return {
        "coverage": s.coverage,
        "context_coverage": s.context_coverage,
        "specifics": s.specifics,
        "sentence_specifics": s.sentence_specifics,
        "dense": s.dense,
        "semantic": s.semantic if s.semantic is not None else s.dense,
        "cue": min(1.0, s.cue),
        "kind_value": s.kind_value,
        "followup": 1.0 if s.followup else 0.0,
        "rarest_absent": s.rarest_absent,
        "top_hit": 1.0 / s.hit_rank if s.hit_rank > 0 else 0.0,
    }


def probability(model: Model, values: dict[str, float]) -> float:
    z = model.bias + sum(w * values.get(name, 0.0) for name, w in model.weights.items())
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))


def confidence(s: Signals) -> float:
    """Probability-like 0..1 score that the answer is right (see the module docstring)."""
    model = load_models()["cross" if s.cross_language else "same"]
    return round(probability(model, features(s)), 4)


def gated(s: Signals) -> bool:
    """The hard rules, before any weighing: a number of the question absent from the cited releases
    ("the rate for 2026"), or fewer than half of its names and numbers present ("in Whistler", "Jean
    Chrétien"), or a date named as content ("as of June 30, 2024") said in no cited sentence and not
    the release's own date, or a sum asked and none cited: a near miss whatever the topic overlap says."""
    return (s.numbers_present < 1.0 or s.dates_present < 1.0 or s.places_present < 1.0 or (s.n_specifics > 0 and s.specifics < 0.5)
            or _no_word_in_common(s) or _no_amount(s))


def _no_amount(s: Signals) -> bool:
    """A sum asked by name ("what amount", "how much funding", « quel montant ») and no cited sentence
    states one, other than a figure the question names itself ("How much of the $2 billion …?" answered
    by "up to $2 billion combined"): the asked detail is absent, whatever the topic overlap. Not for a
    yes/no question ("Is the fine $500?" is settled by the question's own figure), nor for "how much"
    alone ("how much land?": "1,200 hectares"); nor for counts, whose noun is often written otherwise
    ("Seven new members" for "how many Albertans"), nor dates."""
    return s.amount_asked and s.kind_value < 1.0


def _no_word_in_common(s: Signals) -> bool:
    """A sentence in the asker's language sharing no word with the question, even with its release's
    title: whatever the model extrapolates from "no names asked", it is not evidence. (Across languages
    words rarely match, so the semantic signal decides there.)"""
    return not s.cross_language and s.coverage <= 0.0 and s.context_coverage <= 0.0


def should_abstain(s: Signals, policy: Policy = Policy()) -> bool:
    if gated(s):
        return True
    model = load_models()["cross" if s.cross_language else "same"]
    override = policy.threshold_cross if s.cross_language else policy.threshold
    threshold = model.threshold if override is None else override
    return confidence(s) < threshold
