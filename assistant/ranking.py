"""A learnt correction to the hand-weighted sentence score: which candidate holds the fact.

The hand weights of `extractive.score` were set by reading dev questions; on the dev pools (every
candidate labelled by whether it states a golden fact) they put a fact-bearing sentence first for
59 % of questions. A linear correction fitted to those labels (`evals/ranking.py`, a conditional
logit per question, 5-fold cross-validated) did better out of sample. The correction is added to the
score, not substituted for it, so the score keeps its scale: `extractive.select` compares candidates
by their ratio to the best one, which assumes the best scores above zero
(it did for all 252 dev questions with the shipped model).

Data, not code: `rank_model.json`, written by `python -m communique.evals.ranking --write`
(`make calibrate`). Without the file (or with `COMMUNIQUE_RANKER=0`) scores are left as they are.
"""
from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from communique.assistant.extractive import Sentence, best_dense, relative_dense

log = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("rank_model.json")
FEATURES = ("coverage", "focus_coverage", "context_coverage", "release_coverage", "cue", "lead", "cross",
            "length", "rank_prior", "dense", "lexical", "semantic", "early", "cue_unasked", "coverage_cross")


@dataclass(frozen=True)
class RankModel:
    """Weights per feature (`FEATURES`); `beta` is the fitted temperature of the base score."""

    weights: dict[str, float]  # recorded with eval runs (dataclasses.asdict), so a plain dict
    beta: float = 10.0

    def correction(self, values: Sequence[float]) -> float:
        return sum(self.weights.get(name, 0.0) * v for name, v in zip(FEATURES, values))


def features(sentences: Sequence[Sentence], qlang: str, kind: str) -> list[list[float]]:
    """One row of `FEATURES` per candidate; dense and lexical scores relative to the pool's best."""
    max_dense = best_dense(list(sentences))
    max_lexical = max([s.hit.lexical_score or 0.0 for s in sentences] + [0.1])
    unasked = 1.0 if kind == "other" else 0.0  # a cue when no kind was asked is a weak hint
    rows = []
    for s in sentences:
        cross = 1.0 if s.lang != qlang else 0.0
        rows.append([s.coverage, s.focus_coverage, s.context_coverage, s.release_coverage, s.cue, float(s.lead),
                     cross, math.log(len(s.text) + 1) / 6, 1.0 / max(s.hit.rank, 1),
                     relative_dense(s, max_dense), (s.hit.lexical_score or 0.0) / max_lexical,
                     s.semantic, 1.0 if s.start < 400 else 0.0, s.cue * unasked, s.coverage * cross])
    return rows


def rerank(sentences: list[Sentence], qlang: str, kind: str, model: RankModel | None) -> None:
    """Add the model's correction to every candidate's score (in place)."""
    if model is None or not sentences:
        return
    for sent, row in zip(sentences, features(sentences, qlang, kind)):
        sent.score += model.correction(row)


def load_model(path: Path = MODEL_FILE) -> RankModel | None:
    """The fitted model, or None (scores unchanged) when absent, switched off or unreadable."""
    if os.environ.get("COMMUNIQUE_RANKER", "1") == "0":  # read on every call: the switch works at any time
        return None
    return _read_model(path)


@lru_cache(maxsize=4)
def _read_model(path: Path) -> RankModel | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        beta = float(data.get("beta", 10.0))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.error("%s: not a ranking model (%s); sentence scores left unchanged", path, exc)
        return None
    if not all(math.isfinite(v) for v in [*weights.values(), beta]):
        log.error("%s: a weight is not a finite number; sentence scores left unchanged", path)
        return None
    unknown = sorted(set(weights) - set(FEATURES))
    if unknown:
        log.error("%s: unknown features %s ignored", path, ", ".join(unknown))
    return RankModel({k: v for k, v in weights.items() if k in FEATURES}, beta)
