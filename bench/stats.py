"""Summaries of repeated measurements: the median with its spread, never a single run.

The machine is shared and noisy, so every figure is a median of several runs, and ratios
between two systems are computed from runs interleaved in the same process.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from typing import Any, Callable, Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty sequence."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass(frozen=True)
class Stat:
    """Median, p95, min and max of `n` samples in `unit`."""

    median: float
    p95: float
    min: float
    max: float
    n: int
    unit: str

    @classmethod
    def of(cls, values: Sequence[float], unit: str) -> "Stat":
        values = [float(v) for v in values]
        return cls(median=percentile(values, 50), p95=percentile(values, 95), min=min(values), max=max(values),
                   n=len(values), unit=unit)

    def scaled(self, factor: float, unit: str) -> "Stat":
        """The same samples in another unit (factor > 0 keeps the order)."""
        return Stat(self.median * factor, self.p95 * factor, self.min * factor, self.max * factor, self.n, unit)

    def spread(self) -> str:
        """p95 for many samples (latencies), min–max for a few runs (throughputs)."""
        if self.n >= 10:
            return f"p95 {fmt_number(self.p95)}"
        if self.n <= 1:
            return "1 run"
        return f"{fmt_number(self.min)}–{fmt_number(self.max)} ({self.n} runs)"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fmt_number(value: float | None) -> str:
    """Three significant figures, no scientific notation for ordinary sizes."""
    if value is None:
        return "–"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def time_calls(fn: Callable[[], Any], runs: int, warmup: int = 0) -> list[float]:
    """Seconds taken by each of `runs` calls of `fn` after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def rates(counts: Sequence[float], seconds: Sequence[float], unit: str) -> Stat:
    """Items per second of paired (count, seconds) runs."""
    return Stat.of([c / s for c, s in zip(counts, seconds) if s > 0], unit)
