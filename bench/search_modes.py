"""Hybrid vs dense-only vs lexical-only search, side by side in one process, and where the time goes.

On each index of the run (~10k chunks; the full corpus too unless --quick), one worker process
opens the index as the product does and times `Retriever.search(q, k=5, mode=…)` for the three
modes on the shared golden set's questions, together with the parts a search is made of, timed
alone on a second copy of the same generation, with the arguments `Retriever.search` gives them:

  embedding  `embedder.encode_query` (hybrid and dense pay it, lexical does not)
  FAISS      `Snapshot.dense_search` over every language group, on a ready query vector
  BM25       `tokenize` + `Snapshot.lexical_search`
  the rest   per (pass, question): hybrid − embedding − FAISS − BM25, and dense − embedding − FAISS:
             fusion, the language guess, collapsing pairs, the SQLite reads of the hits

All six run on one question before the next, in one order on even passes and the reverse on odd
ones (`bench.latency.time_alternating`), so warm-up and noise fall on every mode alike and their
ratio is meaningful on a loaded machine. The target is the issue's: hybrid no slower than dense
(hybrid / dense medians ≤ 1.0×). Search behaviour is not changed by any of this.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from communique.bench.context import TARGETS, SectionResult, keeping
from communique.bench.latency import time_alternating
from communique.bench.report import Figure
from communique.bench.stats import Stat

if TYPE_CHECKING:
    from communique.bench.context import BenchConfig, BenchContext

K = 5
MODES = ("hybrid", "dense", "lexical")
PARTS = ("embedding", "faiss", "bm25")


def section_passes(config: BenchConfig) -> int:
    """An even number of passes (the order alternates), at least 2: 2 when quick, else 4."""
    passes = max(2, config.passes)
    return passes + passes % 2


def search_modes_task(args: dict[str, Any]) -> dict[str, Any]:
    """Worker: the three modes and the parts, interleaved, on `args["queries"]` (search texts)."""
    from communique.index.retriever import Retriever
    from communique.index.storage import open_storage
    from communique.index.storage.contract import Filters
    from communique.index.text import tokenize

    index_dir, queries = args["index"], list(args["queries"])
    k, passes = int(args.get("k", K)), int(args.get("passes", 2))
    retriever = Retriever.open(index_dir)  # as the product opens it (verified, reload checks on)
    _ = retriever.embedder.model  # loaded before timing
    snapshot = open_storage(index_dir).open_snapshot(verify=False)  # the parts, timed alone
    groups = snapshot.groups()
    n = max(retriever.settings.candidates, k * 4)  # what Retriever.search asks of each signal
    everything = Filters()
    vectors = {q: retriever.embedder.encode_query(q) for q in queries}  # FAISS is timed on ready vectors

    def bm25(q: str) -> Any:
        terms = tokenize(q)
        return snapshot.lexical_search(terms, n * 2, everything) if terms else []

    systems = {
        "hybrid": lambda q: retriever.search(q, k=k, mode="hybrid"),
        "dense": lambda q: retriever.search(q, k=k, mode="dense"),
        "lexical": lambda q: retriever.search(q, k=k, mode="lexical"),
        "embedding": retriever.embedder.encode_query,
        "faiss": lambda q: snapshot.dense_search(groups, vectors[q], n, everything),
        "bm25": bm25,
    }
    ms = time_alternating(systems, queries, passes=passes)
    rest = {
        "hybrid": [h - e - f - b for h, e, f, b in zip(ms["hybrid"], ms["embedding"], ms["faiss"], ms["bm25"])],
        "dense": [d - e - f for d, e, f in zip(ms["dense"], ms["embedding"], ms["faiss"])],
        "lexical": [lx - b for lx, b in zip(ms["lexical"], ms["bm25"])],
    }
    stats = {name: Stat.of(values, "ms") for name, values in ms.items()}
    hybrid, dense = stats["hybrid"], stats["dense"]
    paired = sorted(h / d for h, d in zip(ms["hybrid"], ms["dense"]) if d > 0)
    return {
        "chunks": retriever.stats().chunks, "groups": groups, "candidates": n, "k": k, "questions": len(queries),
        "passes": passes, "order": list(systems), "ms": {name: s.to_dict() for name, s in stats.items()},
        "rest_ms": {mode: Stat.of(values, "ms").to_dict() for mode, values in rest.items()},
        "ratio_hybrid_dense": hybrid.median / dense.median if dense.median else None,
        "ratio_hybrid_dense_p95": hybrid.p95 / dense.p95 if dense.p95 else None,
        "paired_ratio_median": paired[len(paired) // 2] if paired else None,
    }


def search_modes_section(ctx: BenchContext) -> SectionResult:
    """The `search-modes` section: the task on each index of the run, and its rows."""
    from communique.bench.subprocess_task import run_task

    out = SectionResult()
    measured: dict[str, dict[str, Any]] = {}
    passes = section_passes(ctx.config)
    texts = [q.search_text for q in ctx.queries]
    with keeping(out):
        for label, index_dir in ctx.indexes():
            build = ctx.ensure(index_dir)
            ctx.log(f"search modes side by side at {label} ({build.chunks:,} chunks), {passes} passes…")
            res = run_task("search_modes", {"index": str(index_dir), "queries": texts, "passes": passes, "k": K})
            measured[label] = res
            out.details["search_modes"] = measured
            search_modes_figures(out, res, label)
    return out


def search_modes_figures(out: SectionResult, res: dict[str, Any], label: str) -> None:
    s = f"search modes @ {label}"
    ms = {name: Stat(**value) for name, value in res["ms"].items()}
    rest = {name: Stat(**value) for name, value in res["rest_ms"].items()}
    timed = f"{res['chunks']:,} chunks; {res['questions']} questions × {res['passes']} passes, interleaved"
    out.add(Figure.of(s, f"hybrid (k={res['k']})", ms["hybrid"], note=timed))
    out.add(Figure.of(s, f"dense only (k={res['k']})", ms["dense"]))
    out.add(Figure.of(s, f"lexical only (k={res['k']})", ms["lexical"]))
    ratio = res["ratio_hybrid_dense"]
    target = TARGETS["hybrid_dense_ratio"]
    gap = ms["hybrid"].median - ms["dense"].median
    fusion_gap = rest["hybrid"].median - rest["dense"].median
    note = f"hybrid − dense {gap:+.2f} ms: BM25 {ms['bm25'].median:.2f} ms, fusion + hits {fusion_gap:+.2f} ms"
    if res["paired_ratio_median"] is not None:
        note += f"; per-question ratio {res['paired_ratio_median']:.2f}×"
    p95 = res["ratio_hybrid_dense_p95"]
    out.add(Figure(s, "hybrid / dense (medians)", ratio, "×", f"p95 {p95:.2f}×" if p95 is not None else "",
                   f"≤ {target:.1f}×", ratio <= target if ratio is not None else None, note))
    out.add(Figure.of(s, "part: query embedding", ms["embedding"], note="encode_query; hybrid and dense pay it"))
    out.add(Figure.of(s, "part: FAISS", ms["faiss"],
                      note=f"dense_search over {', '.join(res['groups'])}, {res['candidates']} candidates each"))
    out.add(Figure.of(s, "part: BM25", ms["bm25"], note=f"tokenize + lexical_search, {res['candidates'] * 2} candidates"))
    out.add(Figure.of(s, "part: fusion + hits, hybrid", rest["hybrid"],
                      note="hybrid − embedding − FAISS − BM25 per question: fusion, language, collapse, SQLite"))
    out.add(Figure.of(s, "part: fusion + hits, dense", rest["dense"], note="dense − embedding − FAISS per question"))
