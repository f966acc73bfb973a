"""Ours against the plain LangChain recipe, measured in the same run on the same records and
embedder: ingest time, query latency, and recall@5 on the shared golden set (per kind too).

Recall is counted per announcement: a gold release's translation (same `pair_id` in the
corpus) counts, and several chunks of one announcement count once. The recipe is given the
benefit of that deduplication: it fetches 25 chunks and keeps its first 5 announcements
(`recall@5`); `recall@5 plain` is what its k=5 chunks alone hold.

`versus_section` is the `versus` section of `communique bench`: its build of ours becomes the
~10k-chunk index the later sections reuse.
"""
from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from communique.bench.context import SHARED_PROVINCIAL, SectionResult, keeping
from communique.bench.corpus import Query, pair_map
from communique.bench.latency import time_interleaved
from communique.bench.report import Figure
from communique.bench.stats import Stat

if TYPE_CHECKING:
    from communique.bench.context import BenchContext

K = 5
BASELINE_FETCH = 25


@dataclass
class VersusResult:
    records_files: list[str]
    ours_chunks: int
    baseline_chunks: int
    ours_ingest_s: Stat
    baseline_ingest_s: Stat
    ingest_ratio: Stat  # ours seconds / baseline seconds, paired per run
    ours_search_ms: Stat
    baseline_search_ms: Stat  # the recipe as shipped: FAISS at its default thread count
    baseline_search_1t_ms: Stat  # the recipe with FAISS on one thread (our setting)
    recall: dict[str, dict[str, float | None]] = field(default_factory=dict)  # kind -> system -> recall@5
    questions: dict[str, int] = field(default_factory=dict)  # kind -> answerable questions
    index_dir: str = ""

    @property
    def latency_ratio(self) -> float:
        return self.ours_search_ms.median / self.baseline_search_ms.median

    def to_dict(self) -> dict[str, Any]:
        out = {k: (v.to_dict() if isinstance(v, Stat) else v) for k, v in self.__dict__.items()}
        out["latency_ratio"] = self.latency_ratio
        return out


def release_recall(ranked_ids: Sequence[str], gold: Sequence[str], keys: dict[str, str], k: int = K) -> float:
    """Share of gold announcements among the first k distinct announcements of `ranked_ids`."""
    from communique.evals.metrics import recall_at_k

    value = recall_at_k(list(ranked_ids), list(gold), k, keys)
    return 0.0 if value is None else value


def _faiss_threads(n: int | None) -> int:
    import faiss

    previous = faiss.omp_get_max_threads()
    if n is not None:
        faiss.omp_set_num_threads(n)
    return previous


def measure_versus(sources: list[Path], queries: list[Query], workdir: Path, *, runs: int, passes: int,
                   embedder_name: str = "use", keep_index: Path | None = None,
                   reuse: tuple[Path, float, int] | None = None) -> VersusResult:
    """Build both `runs` times (interleaved), then score and time both on the last builds.

    `reuse=(index_dir, build_seconds, chunks)` skips our builds (quick runs): our ingest time
    is then the recorded one, not measured in this run."""
    import os

    from communique.bench import langchain_baseline as lc
    from communique.index.embedders import get_embedder
    from communique.index.retriever import Retriever
    from communique.ingest.pipeline import ingest_paths

    embedding = get_embedder(embedder_name)
    _ = embedding.model  # loaded before timing
    ours_s, theirs_s, ratios = [], [], []
    ours_dir = workdir / "ours-index"
    build = None
    ours_chunks = 0
    for _run in range(runs):
        if reuse is None:
            shutil.rmtree(ours_dir, ignore_errors=True)
            report = ingest_paths(sources, ours_dir, embedder_name=embedder_name, progress=False,
                                  checkpoint_seconds=1e9)
            ours_chunks, seconds = report.chunks, report.seconds
        else:
            ours_dir, seconds, ours_chunks = reuse
        build = lc.build(sources, embedding)
        ours_s.append(seconds)
        theirs_s.append(build.seconds)
        ratios.append(seconds / build.seconds)
    assert build is not None
    if keep_index is not None and reuse is None:
        shutil.rmtree(keep_index, ignore_errors=True)
        shutil.move(str(ours_dir), str(keep_index))
        ours_dir = keep_index

    retriever = Retriever.open(ours_dir, verify=False, auto_reload=False)
    keys = pair_map(sources)
    per_kind: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for q in queries:
        if not q.answerable or not q.sources:
            continue
        ours = [h.release_id for h in retriever.search(q.search_text, k=K)]
        theirs = lc.search_ids(build.store, q.search_text, BASELINE_FETCH)
        plain = lc.search_ids(build.store, q.search_text, K)
        for kind in (q.kind, "all"):
            per_kind[kind]["ours"].append(release_recall(ours, q.sources, keys))
            per_kind[kind]["langchain"].append(release_recall(theirs, q.sources, keys))
            per_kind[kind]["langchain_plain"].append(release_recall(plain, q.sources, keys))
    recall: dict[str, dict[str, float | None]] = {
        kind: {name: sum(v) / len(v) for name, v in systems.items()} for kind, systems in per_kind.items()}
    counts = {kind: len(systems["ours"]) for kind, systems in per_kind.items()}

    texts = [q.search_text for q in queries]
    default_threads = int(os.environ.get("OMP_NUM_THREADS", 0)) or (os.cpu_count() or 1)

    def baseline_default(q: str) -> Any:
        previous = _faiss_threads(default_threads)
        try:
            return build.store.similarity_search(q, k=K)
        finally:
            _faiss_threads(previous)

    def baseline_one(q: str) -> Any:
        previous = _faiss_threads(1)
        try:
            return build.store.similarity_search(q, k=K)
        finally:
            _faiss_threads(previous)

    lat = time_interleaved({"ours": lambda q: retriever.search(q, k=K), "langchain": baseline_default,
                            "langchain_1t": baseline_one}, texts, passes=passes)
    return VersusResult(
        records_files=[p.name for p in sources], ours_chunks=ours_chunks, baseline_chunks=build.chunks,
        ours_ingest_s=Stat.of(ours_s, "s"), baseline_ingest_s=Stat.of(theirs_s, "s"),
        ingest_ratio=Stat.of(ratios, "ratio"), ours_search_ms=lat["ours"], baseline_search_ms=lat["langchain"],
        baseline_search_1t_ms=lat["langchain_1t"], recall=recall, questions=counts, index_dir=str(ours_dir),
    )


def versus_section(ctx: BenchContext) -> SectionResult:
    """Ours vs the plain LangChain recipe on the shared evaluation corpus (quick: ours reused)."""
    from communique.bench.indexes import current_build, stamp_for
    from communique.evals.shared_corpus import shared_sources

    cfg = ctx.config
    sources = shared_sources(ctx.corpus, ctx.tmp / "shared-src", SHARED_PROVINCIAL)
    stamp = stamp_for(ctx.shared_sources(), "use", SHARED_PROVINCIAL)  # before building: the code built
    reuse = None
    if cfg.quick:
        recorded = current_build(ctx.shared_index, stamp)
        if recorded is not None:
            reuse = (ctx.shared_index, recorded.seconds, recorded.chunks)
            ctx.builds["shared"] = recorded
    ctx.log(f"ours vs LangChain recipe on the shared corpus, {cfg.runs} build(s) each"
            + (" (ours: the recorded build of the reused index)" if reuse else "") + "…")
    result = measure_versus(sources, ctx.queries, ctx.tmp, runs=cfg.runs, passes=cfg.passes,
                            keep_index=ctx.shared_index, reuse=reuse)
    if reuse is None:
        _stamp_shared(ctx, result, stamp)
    out = SectionResult(details={"versus": result.to_dict()})
    with keeping(out):
        _versus_figures(out, result, reused=reuse is not None)
    return out


def _versus_figures(out: SectionResult, result: VersusResult, *, reused: bool) -> None:
    section = "vs LangChain"
    add = out.add
    add(Figure(section, "chunks (ours / recipe)", f"{result.ours_chunks:,} / {result.baseline_chunks:,}",
               note="ours ~200 tokens + title; recipe 1000/200 characters"))
    add(Figure.of(section, "ingest time, ours", result.ours_ingest_s, note="recorded build, not this run" if reused else ""))
    add(Figure.of(section, "ingest time, recipe", result.baseline_ingest_s))
    add(Figure.of(section, "ingest time ratio ours/recipe", result.ingest_ratio,
                  note="ours also cleans, pairs, builds BM25 + SQLite"))
    add(Figure.of(section, "search latency, ours", result.ours_search_ms, note="hybrid, k=5"))
    add(Figure.of(section, "search latency, recipe", result.baseline_search_ms, note="FAISS default threads"))
    add(Figure.of(section, "search latency, recipe (1 thread)", result.baseline_search_1t_ms))
    add(Figure(section, "search latency ratio ours/recipe", result.latency_ratio, "×"))
    kinds = sorted(k for k in result.recall if k != "all") + ["all"]
    for kind in kinds:
        r = {name: value or 0.0 for name, value in result.recall[kind].items()}
        add(Figure(section, f"recall@5 {kind} (n={result.questions[kind]})",
                   f"{r['ours']:.3f} vs {r['langchain']:.3f} ({r['langchain_plain']:.3f} plain k=5)",
                   target="ours > recipe", met=r["ours"] > r["langchain"],
                   note=f"ratio {r['ours'] / r['langchain']:.2f}" if r["langchain"] else ""))


def _stamp_shared(ctx: BenchContext, result: VersusResult, stamp: dict[str, Any]) -> None:
    """The versus build of ours is the shared index: record it so later runs may reuse it."""
    import json
    import time
    from dataclasses import asdict

    from communique.bench.indexes import BuildInfo, stamp_path

    build = BuildInfo(index_dir=str(ctx.shared_index), chunks=result.ours_chunks, releases=0,
                      seconds=result.ours_ingest_s.median, embed_seconds=0.0, peak_rss_mb=None,
                      built_at=time.strftime("%Y-%m-%dT%H:%M:%S"))
    stamp_path(ctx.shared_index).write_text(json.dumps({"stamp": stamp, "build": asdict(build)}, indent=1),
                                            encoding="utf-8")
    ctx.builds["shared"] = build
