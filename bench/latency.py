"""Warm single-query latency: every query timed alone, several passes, median and p95.

When two systems are compared they are timed query by query in turn (interleaved), so
load changes on the machine hit both alike and their ratio stays meaningful.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Mapping, Sequence

from communique.bench.stats import Stat


def time_interleaved(systems: Mapping[str, Callable[[str], Any]], queries: Sequence[str], *, passes: int,
                     warmup: int = 3) -> dict[str, Stat]:
    """Milliseconds per query for each system; each query is run by every system in turn."""
    if not queries:
        raise ValueError("no queries to time")
    for fn in systems.values():
        for q in queries[:warmup]:
            fn(q)
    samples: dict[str, list[float]] = {name: [] for name in systems}
    for _ in range(passes):
        for q in queries:
            for name, fn in systems.items():
                t0 = time.perf_counter()
                fn(q)
                samples[name].append((time.perf_counter() - t0) * 1000.0)
    return {name: Stat.of(values, "ms") for name, values in samples.items()}


def time_queries(fn: Callable[[str], Any], queries: Sequence[str], *, passes: int, warmup: int = 3) -> Stat:
    return time_interleaved({"only": fn}, queries, passes=passes, warmup=warmup)["only"]


def time_alternating(systems: Mapping[str, Callable[[str], Any]], queries: Sequence[str], *, passes: int,
                     warmup: int = 3) -> dict[str, list[float]]:
    """Milliseconds of every (pass, query) for each system, aligned across systems (sample i of
    one is the same pass and query as sample i of another, so they can be paired or subtracted).

    Each query is run by every system in turn, in the given order on even passes and reversed on
    odd ones: whatever running first or last costs (a cache the previous call warmed, a burst of
    load) falls evenly on every system over an even number of passes."""
    if not queries:
        raise ValueError("no queries to time")
    names = list(systems)
    for q in queries[:warmup]:
        for fn in systems.values():
            fn(q)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for p in range(passes):
        order = names if p % 2 == 0 else names[::-1]
        for q in queries:
            for name in order:
                fn = systems[name]
                t0 = time.perf_counter()
                fn(q)
                samples[name].append((time.perf_counter() - t0) * 1000.0)
    return samples
