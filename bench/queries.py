"""Worker tasks over one index: warm `search` and `ask` latency with the process's peak
memory (`query`), and where a cold process spends its first seconds (`stages`).

`latency_section` is the `latency` section of `communique bench`: the `query` task at ~10k
chunks and at the full corpus, and the rows it gives.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from communique.bench.context import TARGETS, SectionResult, keeping
from communique.bench.latency import time_queries
from communique.bench.memory import index_bytes, peak_rss_mb, rss_mb
from communique.bench.report import Figure
from communique.bench.stats import Stat

if TYPE_CHECKING:
    from communique.assistant import Assistant
    from communique.bench.context import BenchContext


def open_assistant(index_dir: str) -> Assistant:
    """The assistant over `index_dir`, opened as the product opens it."""
    from communique.assistant import Assistant

    return Assistant.open(index_dir)


def query_task(args: dict[str, Any]) -> dict[str, Any]:
    """Worker: open the index as the product does, then time searches and asks."""
    index_dir = args["index"]
    queries = args["queries"]  # [{"search": str, "question": str, "history": [...]}]
    passes = int(args.get("passes", 2))
    ask_passes = int(args.get("ask_passes", 1))
    base_rss = rss_mb()
    t0 = time.perf_counter()
    assistant = open_assistant(index_dir)
    retriever = assistant.retriever
    open_s = time.perf_counter() - t0
    _ = retriever.embedder.model  # loaded with the index, as the product's first question does
    rss_open = rss_mb()
    texts = [q["search"] for q in queries]
    out: dict[str, Any] = {
        "chunks": retriever.stats().chunks, "index_bytes": index_bytes(Path(index_dir)), "open_seconds": open_s,
        "rss_start_mb": base_rss, "rss_open_mb": rss_open,
    }
    out["search_ms"] = time_queries(lambda q: retriever.search(q, k=5), texts, passes=passes).to_dict()
    out["embed_query_ms"] = time_queries(retriever.embedder.encode_query, texts, passes=passes).to_dict()
    out["dense_ms"] = time_queries(lambda q: retriever.search(q, k=5, mode="dense"), texts, passes=1).to_dict()
    out["lexical_ms"] = time_queries(lambda q: retriever.search(q, k=5, mode="lexical"), texts, passes=1).to_dict()
    by_question = {q["question"]: q for q in queries}

    def ask(question: str) -> Any:
        return assistant.ask(question, history=by_question[question].get("history") or None)

    out["ask_ms"] = time_queries(ask, list(by_question), passes=ask_passes).to_dict()
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _seconds_since_process_start() -> float | None:
    """Wall time since this process was created (from /proc, 10 ms resolution)."""
    try:
        import os

        with open("/proc/self/stat", encoding="ascii") as handle:
            start_ticks = float(handle.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def stages_task(args: dict[str, Any]) -> dict[str, Any]:
    """Worker: seconds since process start at each step of a first answer. (The command line's
    own start-up is timed from outside, as a subprocess: `bench.coldstart`.)"""
    marks: dict[str, float | None] = {"interpreter": _seconds_since_process_start()}
    t0 = time.perf_counter()
    base = marks["interpreter"] or 0.0

    def mark(name: str) -> None:
        marks[name] = base + time.perf_counter() - t0

    from communique.assistant import Assistant

    mark("import assistant")
    assistant = Assistant.open(args["index"])
    mark("open index")
    _ = assistant.retriever.embedder.model
    mark("load embedder")
    assistant.ask(args["question"])
    mark("first answer")
    assistant.ask(args["question"])
    mark("second answer")
    return {"marks": marks}


def latency_section(ctx: BenchContext) -> SectionResult:
    """Warm search/ask latency, peak RSS and disk size at ~10k chunks and the full corpus."""
    from communique.bench.subprocess_task import run_task

    cfg = ctx.config
    out = SectionResult()
    measured: dict[str, dict[str, Any]] = {}
    with keeping(out):
        for label, index_dir in ctx.indexes():
            build = ctx.ensure(index_dir)
            ctx.log(f"latency and memory at {label} ({build.chunks:,} chunks)…")
            res = run_task("query", {"index": str(index_dir), "queries": ctx.worker_queries(), "passes": cfg.passes,
                                     "ask_passes": 1 if cfg.quick else 2})
            measured[label] = res
            _latency_figures(out, res, label)
        out.details["latency"] = measured
        if len(measured) == 2:
            small, big = measured["~10k chunks"], measured["full corpus"]
            delta = (big["peak_rss_mb"] - small["peak_rss_mb"]) / (big["chunks"] - small["chunks"]) * 1e5
            out.add(Figure("memory", "RSS per 100k chunks (marginal)", delta, "MB",
                           note="(full − 10k) peak RSS / chunks added"))
    return out


def _latency_figures(out: SectionResult, res: dict[str, Any], label: str) -> None:
    full = label == "full corpus"
    section = f"query @ {label}"
    search = Stat(**res["search_ms"])
    out.add(Figure.of(section, "search (hybrid, k=5)", search,
                      target="≤ 20 ms" if full else "", met=search.median <= TARGETS["search_ms"] if full else None,
                      note=f"{res['chunks']:,} chunks; query embedding {res['embed_query_ms']['median']:.1f} ms"))
    out.add(Figure.of(section, "search dense only", Stat(**res["dense_ms"])))
    out.add(Figure.of(section, "search lexical only", Stat(**res["lexical_ms"])))
    ask = Stat(**res["ask_ms"])
    out.add(Figure.of(section, "ask (extractive)", ask, target="≤ 150 ms" if full else "",
                      met=ask.median <= TARGETS["ask_ms"] if full else None))
    rss = res["peak_rss_mb"]
    out.add(Figure("memory", f"peak RSS, search+ask @ {label}", rss, "MB", "1 process",
                   "≤ 1 GB" if full else "", rss <= TARGETS["rss_mb"] if full else None,
                   f"after open {res['rss_open_mb']:.0f} MB"))
    per100k = res["index_bytes"] / res["chunks"] * 1e5 / 1e6
    out.add(Figure("memory", f"index on disk @ {label}", res["index_bytes"] / 1e6, "MB",
                   note=f"{per100k:.0f} MB per 100k chunks"))
