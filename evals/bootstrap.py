"""95 % bootstrap confidence intervals for every eval metric, from per-question results.

Why: a golden set of 100-300 questions is noisy; a 3-point change in fact coverage over 40
questions of one class is often chance. The interval says how far a metric would move if
the same kind of questions were asked again.

Method (percentile bootstrap): draw the group's questions with replacement `resamples`
times, recompute each metric exactly as `evals.metrics.aggregate` does (mean over the items
it applies to; latency percentiles over all timed items), take the 2.5th and 97.5th
percentiles of those values. All metrics of a group share the same draws. The draws come
from a generator seeded with `seed` and the group's label, so a run's intervals are
reproducible and do not depend on the order groups are computed in.
"""
from __future__ import annotations

import zlib
from typing import Mapping, Sequence

import numpy as np

from communique.evals.metrics import ANSWER_METRICS, RETRIEVAL_METRICS

RESAMPLES = 1000
LEVEL = 0.95
SEED = 20261201

Interval = tuple[float, float]


def _generator(seed: int, label: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(label.encode("utf-8"))])


def _interval(samples: np.ndarray, level: float) -> Interval | None:
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return None
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(samples, [tail, 100.0 - tail])
    return float(low), float(high)


def _mean_of_draws(values: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Per draw: mean of the drawn values that are not NaN (NaN when none applies)."""
    picked = values[draws]
    present = ~np.isnan(picked)
    counts = present.sum(axis=1)
    sums = np.where(present, picked, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def bootstrap_intervals(
    per_item: Sequence[Mapping[str, float | None]],
    latencies_ms: Sequence[float | None],
    *,
    label: str = "overall",
    resamples: int = RESAMPLES,
    level: float = LEVEL,
    seed: int = SEED,
) -> dict[str, Interval | None]:
    """metric → (low, high) for one group of questions; None where the metric never applies.

    `per_item[i]` are question i's metric values (None = does not apply); `latencies_ms[i]`
    its latency, or None when it is not timed (it raised).
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")
    if len(latencies_ms) != len(per_item):
        raise ValueError("per_item and latencies_ms must describe the same questions")
    names = RETRIEVAL_METRICS + ANSWER_METRICS
    out: dict[str, Interval | None] = {name: None for name in names}
    out["latency_p50_ms"] = out["latency_p95_ms"] = None
    n = len(per_item)
    if n == 0:
        return out
    draws = _generator(seed, label).integers(0, n, size=(resamples, n))
    for name in names:
        values = np.array([np.nan if (v := item.get(name)) is None else float(v) for item in per_item])
        if not np.isnan(values).all():
            out[name] = _interval(_mean_of_draws(values, draws), level)
    timed = np.array([np.nan if v is None else float(v) for v in latencies_ms])
    if not np.isnan(timed).all():
        picked = timed[draws]
        for name, q in (("latency_p50_ms", 50), ("latency_p95_ms", 95)):
            if np.isnan(timed).any():
                rows = np.array([np.percentile(row[~np.isnan(row)], q) if (~np.isnan(row)).any() else np.nan
                                 for row in picked])
            else:
                rows = np.percentile(picked, q, axis=1)
            out[name] = _interval(rows, level)
    return out


def outside(value: float | None, interval: Sequence[float] | None) -> bool:
    """True when `value` lies outside `interval` (both known)."""
    if value is None or interval is None:
        return False
    low, high = interval
    return value < low - 1e-12 or value > high + 1e-12
