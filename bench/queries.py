"""Worker tasks over one index: warm `search` and `ask` latency with the process's peak
memory (`query`), and where a cold process spends its first seconds (`stages`)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from communique.bench.latency import time_queries
from communique.bench.memory import index_bytes, peak_rss_mb, rss_mb

if TYPE_CHECKING:
    from communique.assistant import Assistant


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
