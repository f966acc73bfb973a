"""Where an `ask` spends its time: cProfile over warm asks, as ms per ask by function.

`profile_section` is the `profile` section of `communique bench`.
"""
from __future__ import annotations

import cProfile
import pstats
from typing import TYPE_CHECKING, Any

from communique.bench.context import SectionResult
from communique.bench.queries import open_assistant
from communique.bench.report import Figure

if TYPE_CHECKING:
    from communique.bench.context import BenchContext


def _label(func: tuple[str, int, str]) -> str:
    path, line, name = func
    if path == "~":
        return name
    parts = path.replace("\\", "/").split("/")
    tail = "/".join(parts[-2:]) if "site-packages" not in path else "/".join(parts[parts.index("site-packages") + 1 :][:2])
    return f"{tail}:{line}({name})"


def top_functions(stats: pstats.Stats, calls: int, key: str, n: int) -> list[dict[str, Any]]:
    """The `n` functions with the highest `key` ('tottime' or 'cumtime'), in ms per call of the profiled path."""
    rows = []
    for func, (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": _label(func), "self_ms": tt * 1000.0 / calls, "cumulative_ms": ct * 1000.0 / calls,
                     "calls_per_ask": nc / calls})
    field = "self_ms" if key == "tottime" else "cumulative_ms"
    return sorted(rows, key=lambda r: -r[field])[:n]


def profile_task(args: dict[str, Any]) -> dict[str, Any]:
    """Worker: profile warm asks."""
    assistant = open_assistant(args["index"])
    questions: list[dict[str, Any]] = args["queries"]

    def call(q: dict[str, Any]) -> Any:
        return assistant.ask(q["question"], history=q.get("history") or None)

    target = "ask"
    for q in questions[:3]:
        call(q)  # warm: models and caches loaded
    profiler = cProfile.Profile()
    profiler.enable()
    for q in questions:
        call(q)
    profiler.disable()
    stats = pstats.Stats(profiler)
    n = int(args.get("top", 15))
    total_seconds: float = stats.total_tt  # type: ignore[attr-defined]  # pstats keeps it untyped
    return {"target": target, "calls": len(questions), "total_ms_per_call": total_seconds * 1000.0 / len(questions),
            "by_self": top_functions(stats, len(questions), "tottime", n),
            "by_cumulative": top_functions(stats, len(questions), "cumtime", n)}


def profile_section(ctx: BenchContext) -> SectionResult:
    """cProfile of warm asks on the main index: the row, and the top functions for the table's foot."""
    from communique.bench.subprocess_task import run_task

    index_dir = ctx.main_index()
    ctx.log("profiling warm asks…")
    res = run_task("profile", {"index": str(index_dir), "queries": ctx.worker_queries(30 if ctx.config.quick else 60)})
    top = res["by_self"][0] if res.get("by_self") else None
    return SectionResult(
        figures=[Figure("profile", f"{res['target']} under cProfile", res["total_ms_per_call"], "ms",
                        note=f"top own time: {top['function']} {top['self_ms']:.1f} ms" if top else "")],
        details={"profile": res})
