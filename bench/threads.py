"""Thread settings: FAISS (OpenMP), numpy/OpenBLAS (the USE forward pass) and the e5 engine on
a 2-core machine. Single queries are timed with one and with two threads per library, alone
and with two queries in flight at once (two chat users), to show oversubscription.

`threads_section` is the `threads` section of `communique bench`.
"""
from __future__ import annotations

import functools
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from communique.bench.context import SectionResult
from communique.bench.latency import time_queries
from communique.bench.report import Figure
from communique.bench.stats import Stat

if TYPE_CHECKING:
    from communique.bench.context import BenchContext
    from communique.index.storage.local import LocalSnapshot


def pools() -> list[dict[str, Any]]:
    """The native thread pools loaded in this process (threadpoolctl)."""
    from threadpoolctl import threadpool_info

    return [{k: p.get(k) for k in ("user_api", "internal_api", "num_threads", "prefix")} for p in threadpool_info()]


def _faiss_search_fn(snapshot: LocalSnapshot, group: str) -> Callable[[Any], Any]:
    index = snapshot.vectors.indexes[group]

    def run(qvec: Any) -> Any:
        return index.search(qvec.reshape(1, -1), 60)

    return run


def concurrent(fn: Callable[[str], Any], queries: Sequence[str], workers: int) -> dict[str, Any]:
    """`workers` threads each running all queries: per-query ms and total queries/s."""
    samples: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        local = []
        for q in queries:
            t0 = time.perf_counter()
            fn(q)
            local.append((time.perf_counter() - t0) * 1000.0)
        with lock:
            samples.extend(local)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"latency_ms": Stat.of(samples, "ms").to_dict(), "queries_per_second": len(samples) / wall}


def threads_task(args: dict[str, Any]) -> dict[str, Any]:
    """Worker: the same queries under each thread setting."""
    import faiss
    import numpy as np

    from communique.index.embedders import E5Embedder, USEEmbedder
    from communique.index.retriever import Retriever
    from communique.index.storage.local import LocalStorage

    index_dir = Path(args["index"])
    queries: list[str] = args["queries"]
    passes = int(args.get("passes", 1))
    cores = os.cpu_count() or 1
    use = {1: USEEmbedder(threads=1), cores: USEEmbedder(threads=cores)}
    retrievers = {n: Retriever.open(index_dir, embedder=e, verify=False, auto_reload=False) for n, e in use.items()}
    for e in use.values():
        _ = e.model  # loaded before timing
    out: dict[str, Any] = {"cores": cores, "pools": pools(), "faiss_default_threads": faiss.omp_get_max_threads()}

    base = retrievers[1]
    snapshot = LocalStorage(index_dir).open_snapshot(verify=False)  # the raw FAISS indexes, timed alone
    indexes = snapshot.vectors.indexes
    group = max(indexes, key=lambda g: indexes[g].ntotal)
    qvecs = {str(i): base.embedder.encode_query(q) for i, q in enumerate(queries)}
    search_group = _faiss_search_fn(snapshot, group)
    out["faiss_vectors"] = int(indexes[group].ntotal)
    for n in (1, cores):
        faiss.omp_set_num_threads(n)
        out[f"faiss_query_ms_{n}t"] = time_queries(lambda i: search_group(qvecs[i]), list(qvecs),
                                                   passes=passes).to_dict()
        out[f"use_query_ms_{n}t"] = time_queries(use[n].encode_query, queries, passes=passes).to_dict()
        texts = queries * max(1, 256 // max(len(queries), 1))
        t0 = time.perf_counter()
        use[n].encode_documents(texts)
        out[f"use_batch_per_s_{n}t"] = len(texts) / (time.perf_counter() - t0)
        search_top5 = functools.partial(retrievers[n].search, k=5)
        out[f"search_ms_{n}t"] = time_queries(search_top5, queries, passes=passes).to_dict()
        out[f"search_2users_{n}t"] = concurrent(search_top5, queries, workers=2)
    faiss.omp_set_num_threads(1)
    if args.get("e5", False):
        for n in (1, cores):
            e5 = E5Embedder(threads=n)
            _ = e5.model  # loaded before timing
            out[f"e5_query_ms_{n}t"] = time_queries(e5.encode_query, queries[:20], passes=1).to_dict()
    out["numpy"] = np.__version__
    return out


def threads_section(ctx: BenchContext) -> SectionResult:
    """FAISS/OpenBLAS thread settings on the main index, alone and with two queries in flight."""
    from communique.bench.subprocess_task import run_task

    index_dir = ctx.main_index()
    ctx.log("thread settings…")
    res = run_task("threads", {"index": str(index_dir), "queries": [q.search_text for q in ctx.queries[:40]],
                               "passes": 1 if ctx.config.quick else 2, "e5": not ctx.config.quick})
    out = SectionResult(details={"threads": res})
    n = res["cores"]
    s = "threads"
    for key, name in (("faiss_query_ms", f"FAISS flat, one query ({res['faiss_vectors']:,} vectors)"),
                      ("use_query_ms", "USE query embedding"), ("search_ms", "search (1 user)")):
        one, many = Stat(**res[f"{key}_1t"]), Stat(**res[f"{key}_{n}t"])
        out.add(Figure(s, name, f"{one.median:.2f} / {many.median:.2f} ms", note=f"1 / {n} threads"))
    out.add(Figure(s, "USE batch embedding", f"{res['use_batch_per_s_1t']:.0f} / {res[f'use_batch_per_s_{n}t']:.0f} chunks/s",
                   note=f"1 / {n} BLAS threads"))
    one, many = res["search_2users_1t"], res[f"search_2users_{n}t"]
    out.add(Figure(s, "search, 2 users at once", f"{one['latency_ms']['median']:.1f} / {many['latency_ms']['median']:.1f} ms",
                   note=f"{one['queries_per_second']:.0f} / {many['queries_per_second']:.0f} queries/s; 1 / {n} threads"))
    if "e5_query_ms_1t" in res:
        out.add(Figure(s, "e5 query embedding", f"{res['e5_query_ms_1t']['median']:.1f} / {res[f'e5_query_ms_{n}t']['median']:.1f} ms",
                       note=f"1 / {n} threads"))
    return out
