"""Throughput with several concurrent clients: each client is a process of its own (a chat server
with its own assistant), all start together at a barrier and run searches, then asks, for a
fixed time. For the local index each process holds its own copy of the index; for PostgreSQL
they share one database, as N `communique serve` processes behind a load balancer would.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time
from dataclasses import asdict, dataclass
from typing import Any

from communique.bench.stats import Stat

KINDS = ("search", "ask")


@dataclass
class ClientsResult:
    """Queries per second of all clients together, and the latency each query saw."""

    clients: int
    kind: str  # "search" or "ask"
    queries: int
    seconds: float
    queries_per_second: float
    latency: Stat

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["latency_ms"] = self.latency.to_dict()
        del out["latency"]
        return out


def _client(job: dict[str, Any], barrier: Any, results: Any) -> None:
    """One client: open the assistant, warm it, then each kind for `seconds` after the barrier."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from communique.bench.queries import open_assistant

        assistant = open_assistant(job["index"])
        retriever = assistant.retriever
        calls = {"search": lambda q: retriever.search(q, k=5), "ask": assistant.ask}
        texts = {"search": job["search"], "ask": job["questions"]}
        out: dict[str, Any] = {}
        for kind in KINDS:
            for q in texts[kind][:3]:
                calls[kind](q)
            barrier.wait(timeout=600)
            samples: list[float] = []
            i = job["offset"]
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < job["seconds"]:
                q = texts[kind][i % len(texts[kind])]
                t1 = time.perf_counter()
                calls[kind](q)
                samples.append((time.perf_counter() - t1) * 1000.0)
                i += 1
            out[kind] = {"samples": samples, "elapsed": time.perf_counter() - t0}
        results.put(out)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which must not wait forever
        barrier.abort()
        results.put({"error": f"{type(exc).__name__}: {exc}"})


def concurrent_clients(index: str, search: list[str], questions: list[str], *, clients: int = 4,
                       seconds: float = 10.0) -> dict[str, ClientsResult]:
    """Search and ask throughput of `clients` processes on `index` (a folder or a database URI)."""
    ctx = mp.get_context("spawn")  # no fork: FAISS, BLAS and psycopg pools do not survive one
    barrier = ctx.Barrier(clients)
    results = ctx.Queue()
    procs = []
    for n in range(clients):
        job = {"index": index, "search": search, "questions": questions, "seconds": seconds,
               "offset": n * max(1, len(search) // clients)}
        procs.append(ctx.Process(target=_client, args=(job, barrier, results), daemon=True))
    for proc in procs:
        proc.start()
    try:
        outs = [results.get(timeout=1200) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
    errors = [o["error"] for o in outs if "error" in o]
    if errors:
        raise RuntimeError(f"a client failed: {errors[0]}")
    summary = {}
    for kind in KINDS:
        samples = [s for o in outs for s in o[kind]["samples"]]
        elapsed = max(o[kind]["elapsed"] for o in outs)
        summary[kind] = ClientsResult(clients, kind, len(samples), elapsed, len(samples) / elapsed,
                                      Stat.of(samples, "ms"))
    return summary
