"""`communique bench`: every measurement in order, one table, `bench-output/latest.json`.

Sections (each can fail alone without losing the others):
  versus      ours vs the plain LangChain recipe on the shared evaluation corpus (its build of
              ours becomes the ~10k-chunk index)
  throughput  embedder alone vs whole ingest (use; e5 on a subset)
  latency     warm search/ask latency, peak RSS and disk size at ~10k chunks and the full corpus
  coldstart   process start to first answer, and its imports
  threads     FAISS/OpenBLAS thread settings, alone and with two queries in flight
  profile     cProfile of warm asks
  scale       exact vs IVF/HNSW vector search up to 1M synthetic vectors
  pgvector    pgvector HNSW at 1M vectors (load, build, disk, ef_search sweep) beside the local IVF
  postgres    the full corpus through PostgreSQL beside the local index: latency, 4 clients, ingest rates
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from communique.bench.corpus import PROVINCIAL_FILE, SHARED_GOLDEN, full_sources, load_queries
from communique.bench.report import BenchReport, Figure, machine_info, render_table
from communique.bench.stats import Stat

REPO_ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("versus", "throughput", "latency", "coldstart", "threads", "profile", "scale", "pgvector", "postgres")
SHARED_PROVINCIAL = 1000
TARGETS = {"overhead": 0.10, "ingest_rate": 100.0, "search_ms": 20.0, "ask_ms": 150.0, "search_1m_ms": 50.0,
           "cold_s": 3.0, "rss_mb": 1024.0}
VECTOR_BUDGET_MS = 10.0  # share of the 20 ms search target left to the vector search itself
MIN_ANN_RECALL = 0.95


@dataclass
class BenchConfig:
    out_dir: Path = REPO_ROOT / "bench-output"
    quick: bool = False
    corpus: Path | None = None
    golden: Path = SHARED_GOLDEN
    sections: tuple[str, ...] = SECTIONS
    runs: int = 0  # repeated builds (ingest, throughput); 0: 1 when quick, else 3
    passes: int = 0  # passes over the questions for latencies; 0: 1 when quick, else 3
    throughput_sample: tuple[int, int] = (0, 0)  # (teasers, provincial releases); (0, 0): by `quick`
    e5_sample: tuple[int, int] = (60, 6)
    scale: dict[str, Any] = field(default_factory=dict)  # overrides of bench.scale.DEFAULTS
    pgvector: dict[str, Any] = field(default_factory=dict)  # overrides of bench.pgvector.PgVectorSpec (size, …)
    log: Callable[[str], None] = field(default=lambda msg: print(msg, file=sys.stderr, flush=True))

    def __post_init__(self) -> None:
        unknown = set(self.sections) - set(SECTIONS)
        if unknown:
            raise ValueError(f"unknown bench section(s) {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
        if not self.runs:
            self.runs = 1 if self.quick else 3
        if not self.passes:
            self.passes = 1 if self.quick else 3
        if self.throughput_sample == (0, 0):
            self.throughput_sample = (300, 30) if self.quick else (1000, 100)

    def to_dict(self) -> dict[str, Any]:
        out = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items() if k != "log"}
        out["sections"] = list(self.sections)
        return out


def _pct(ratio: float) -> float:
    return ratio * 100.0


class _Run:
    """One benchmark run: shared state between the sections."""

    def __init__(self, config: BenchConfig, corpus: Path) -> None:
        self.config = config
        self.corpus = corpus
        self.out = Path(config.out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.report = BenchReport(machine=machine_info(), config=config.to_dict())
        self.queries = load_queries(config.golden)
        self.shared_index = self.out / "shared-index"
        self.full_index = self.out / "full-index"
        self.builds: dict[str, Any] = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="communique-bench-"))

    # -- helpers ------------------------------------------------------------------------
    def log(self, msg: str) -> None:
        self.config.log(f"[bench] {msg}")

    def worker_queries(self, limit: int | None = None) -> list[dict[str, Any]]:
        qs = self.queries[:limit] if limit else self.queries
        return [{"search": q.search_text, "question": q.question, "history": list(q.history)} for q in qs]

    def shared_sources(self) -> list[Path]:
        from communique.evals.shared_corpus import GC_FILES

        return [self.corpus / name for name in (*GC_FILES, PROVINCIAL_FILE)]

    def ensure_shared(self):
        from communique.bench.indexes import ensure_index

        if "shared" not in self.builds:
            self.builds["shared"] = ensure_index(self.shared_index, self.shared_sources(), embedder="use",
                                                 provincial_limit=SHARED_PROVINCIAL, log=self.log)
        return self.builds["shared"]

    def ensure_full(self):
        from communique.bench.indexes import ensure_index

        if "full" not in self.builds:
            self.log("full corpus index (all GC files + all provincial releases, use): built once, then reused")
            self.builds["full"] = ensure_index(self.full_index, full_sources(self.corpus), embedder="use", log=self.log)
        return self.builds["full"]

    def main_index(self) -> Path:
        """The index the single-index sections use: the full corpus, or ~10k chunks when quick."""
        if self.config.quick:
            self.ensure_shared()
            return self.shared_index
        self.ensure_full()
        return self.full_index

    def indexes(self) -> list[tuple[str, Path]]:
        out = [("~10k chunks", self.shared_index)]
        if not self.config.quick:
            out.append(("full corpus", self.full_index))
        return out

    # -- sections -----------------------------------------------------------------------
    def versus(self) -> None:
        from communique.bench.indexes import stamp_for
        from communique.bench.versus import measure_versus
        from communique.evals.shared_corpus import shared_sources

        cfg = self.config
        sources = shared_sources(self.corpus, self.tmp / "shared-src", SHARED_PROVINCIAL)
        stamp = stamp_for(self.shared_sources(), "use", SHARED_PROVINCIAL)  # before building: the code built
        reuse = None
        if cfg.quick:
            from communique.bench.indexes import current_build

            recorded = current_build(self.shared_index, stamp)
            if recorded is not None:
                reuse = (self.shared_index, recorded.seconds, recorded.chunks)
                self.builds["shared"] = recorded
        self.log(f"ours vs LangChain recipe on the shared corpus, {cfg.runs} build(s) each"
                 + (" (ours: the recorded build of the reused index)" if reuse else "") + "…")
        result = measure_versus(sources, self.queries, self.tmp, runs=cfg.runs, passes=cfg.passes,
                                keep_index=self.shared_index, reuse=reuse)
        if reuse is None:
            self._stamp_shared(result, stamp)
        self.report.details["versus"] = result.to_dict()
        section = "vs LangChain"
        add = self.report.add
        add(Figure(section, "chunks (ours / recipe)", f"{result.ours_chunks:,} / {result.baseline_chunks:,}",
                   note="ours ~200 tokens + title; recipe 1000/200 characters"))
        add(Figure.of(section, "ingest time, ours", result.ours_ingest_s,
                      note="recorded build, not this run" if reuse else ""))
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

    def _stamp_shared(self, result, stamp: dict[str, Any]) -> None:
        """The versus build of ours is the shared index: record it so later runs may reuse it."""
        from communique.bench.indexes import BuildInfo, stamp_path

        build = BuildInfo(index_dir=str(self.shared_index), chunks=result.ours_chunks, releases=0,
                          seconds=result.ours_ingest_s.median, embed_seconds=0.0, peak_rss_mb=None,
                          built_at=time.strftime("%Y-%m-%dT%H:%M:%S"))
        stamp_path(self.shared_index).write_text(json.dumps({"stamp": stamp, "build": asdict(build)}, indent=1),
                                                  encoding="utf-8")
        self.builds["shared"] = build

    def throughput(self) -> None:
        from communique.bench.throughput import measure_throughput

        cfg = self.config
        plans = [("use", cfg.throughput_sample, "")]
        if not cfg.quick:
            plans.append(("e5", cfg.e5_sample, "e5 on a subset (~15 chunks/s)"))
        for name, (teasers, provincial), note in plans:
            self.log(f"throughput {name}: {teasers} teasers + {provincial} provincial releases, {cfg.runs} run(s)…")
            r = measure_throughput(self.corpus, self.tmp / "throughput", name, teasers=teasers, provincial=provincial,
                                   runs=cfg.runs)
            self.report.details.setdefault("throughput", {})[name] = r.to_dict()
            section = f"ingest ({name})"
            sample = (f"{r.chunks} chunks of {teasers + provincial} records, {r.mean_chars:.0f} chars; "
                      f"{r.threads} embedding thread(s)")
            self.report.add(Figure.of(section, "embedder alone", r.embed_rate, note=sample + (f"; {note}" if note else "")))
            self.report.add(Figure.of(section, "whole ingest", r.ingest_rate))
            inline = r.in_run_overhead.scaled(100.0, "%")
            self.report.add(Figure.of(section, "ingest overhead", inline, target="≤ 10 %",
                                      met=inline.median <= TARGETS["overhead"] * 100,
                                      note="whole ingest vs its own embedding time (same run); separate "
                                           f"embedding pass: {_pct(r.overhead.median):.0f} % wall, "
                                           f"{_pct(r.cpu_overhead.median):.0f} % CPU"))
        if not cfg.quick:
            build = self.ensure_full()
            overhead = build.seconds / build.embed_seconds - 1 if build.embed_seconds else None
            when = f"build of {build.built_at}" + (" (reused)" if build.reused else "")
            self.report.add(Figure("ingest (use)", "full corpus ingest, default config", build.chunks_per_second,
                                   "chunks/s", "1 run", "≥ 100 chunks/s",
                                   build.chunks_per_second >= TARGETS["ingest_rate"],
                                   f"{build.chunks:,} chunks in {build.seconds:.0f} s; {when}"))
            if overhead is not None:
                self.report.add(Figure("ingest (use)", "full corpus ingest overhead", _pct(overhead), "%", "1 run",
                                       "≤ 10 %", overhead <= TARGETS["overhead"], "IngestReport.embed_seconds"))
            if build.peak_rss_mb:
                self.report.add(Figure("memory", "peak RSS, full corpus ingest", build.peak_rss_mb, "MB", "1 run",
                                       note=f"{build.chunks:,} chunks"))

    def latency(self) -> None:
        from communique.bench.subprocess_task import run_task

        cfg = self.config
        measured: dict[str, dict[str, Any]] = {}
        for label, index_dir in self.indexes():
            build = self.ensure_shared() if index_dir == self.shared_index else self.ensure_full()
            self.log(f"latency and memory at {label} ({build.chunks:,} chunks)…")
            res = run_task("query", {"index": str(index_dir), "queries": self.worker_queries(), "passes": cfg.passes,
                                     "ask_passes": 1 if cfg.quick else 2})
            measured[label] = res
            full = label == "full corpus"
            section = f"query @ {label}"
            search = Stat(**res["search_ms"])
            self.report.add(Figure.of(section, "search (hybrid, k=5)", search,
                                      target="≤ 20 ms" if full else "", met=search.median <= TARGETS["search_ms"] if full else None,
                                      note=f"{res['chunks']:,} chunks; query embedding {res['embed_query_ms']['median']:.1f} ms"))
            self.report.add(Figure.of(section, "search dense only", Stat(**res["dense_ms"])))
            self.report.add(Figure.of(section, "search lexical only", Stat(**res["lexical_ms"])))
            ask = Stat(**res["ask_ms"])
            self.report.add(Figure.of(section, "ask (extractive)", ask, target="≤ 150 ms" if full else "",
                                      met=ask.median <= TARGETS["ask_ms"] if full else None))
            rss = res["peak_rss_mb"]
            self.report.add(Figure("memory", f"peak RSS, search+ask @ {label}", rss, "MB", "1 process",
                                   "≤ 1 GB" if full else "", rss <= TARGETS["rss_mb"] if full else None,
                                   f"after open {res['rss_open_mb']:.0f} MB"))
            per100k = res["index_bytes"] / res["chunks"] * 1e5 / 1e6
            self.report.add(Figure("memory", f"index on disk @ {label}", res["index_bytes"] / 1e6, "MB",
                                   note=f"{per100k:.0f} MB per 100k chunks"))
        self.report.details["latency"] = measured
        if len(measured) == 2:
            small, big = measured["~10k chunks"], measured["full corpus"]
            delta = (big["peak_rss_mb"] - small["peak_rss_mb"]) / (big["chunks"] - small["chunks"]) * 1e5
            self.report.add(Figure("memory", "RSS per 100k chunks (marginal)", delta, "MB",
                                   note="(full − 10k) peak RSS / chunks added"))

    def coldstart(self) -> None:
        from communique.bench.coldstart import measure_cold_start
        from communique.bench.subprocess_task import run_task

        index_dir = self.main_index()
        question = self.queries[0].question
        self.log("cold start…")
        cold = measure_cold_start(index_dir, question, runs=2 if self.config.quick else 5)
        stages = run_task("stages", {"index": str(index_dir), "question": question})
        self.report.details["cold_start"] = {**cold.to_dict(), "stages": stages}
        if cold.seconds is None:
            self.report.add(Figure("cold start", "process start → first answer", "error", note=cold.error or ""))
            return
        marks = stages.get("marks", {})
        steps = ", ".join(f"{k} {v:.2f}" for k, v in marks.items() if v is not None)
        self.report.add(Figure.of("cold start", "process start → first answer", cold.seconds, target="< 3 s",
                                  met=cold.seconds.median < TARGETS["cold_s"], note=f"{cold.command}"))
        self.report.add(Figure("cold start", "stages (s since start)", steps[:200]))
        if cold.help_seconds is not None:
            self.report.add(Figure("cold start", "communique --help", cold.help_seconds, "s",
                                   note="the command line's own start-up"))

    def threads(self) -> None:
        from communique.bench.subprocess_task import run_task

        index_dir = self.main_index()
        self.log("thread settings…")
        res = run_task("threads", {"index": str(index_dir), "queries": [q.search_text for q in self.queries[:40]],
                                   "passes": 1 if self.config.quick else 2, "e5": not self.config.quick})
        self.report.details["threads"] = res
        n = res["cores"]
        s = "threads"
        for key, name in (("faiss_query_ms", f"FAISS flat, one query ({res['faiss_vectors']:,} vectors)"),
                          ("use_query_ms", "USE query embedding"), ("search_ms", "search (1 user)")):
            one, many = Stat(**res[f"{key}_1t"]), Stat(**res[f"{key}_{n}t"])
            self.report.add(Figure(s, name, f"{one.median:.2f} / {many.median:.2f} ms", note=f"1 / {n} threads"))
        self.report.add(Figure(s, "USE batch embedding", f"{res['use_batch_per_s_1t']:.0f} / {res[f'use_batch_per_s_{n}t']:.0f} chunks/s",
                               note=f"1 / {n} BLAS threads"))
        one, many = res["search_2users_1t"], res[f"search_2users_{n}t"]
        self.report.add(Figure(s, "search, 2 users at once", f"{one['latency_ms']['median']:.1f} / {many['latency_ms']['median']:.1f} ms",
                               note=f"{one['queries_per_second']:.0f} / {many['queries_per_second']:.0f} queries/s; 1 / {n} threads"))
        if "e5_query_ms_1t" in res:
            self.report.add(Figure(s, "e5 query embedding", f"{res['e5_query_ms_1t']['median']:.1f} / {res[f'e5_query_ms_{n}t']['median']:.1f} ms",
                                   note=f"1 / {n} threads"))

    def profile(self) -> None:
        from communique.bench.subprocess_task import run_task

        index_dir = self.main_index()
        self.log("profiling warm asks…")
        res = run_task("profile", {"index": str(index_dir), "queries": self.worker_queries(30 if self.config.quick else 60)})
        self.report.details["profile"] = res
        top = res["by_self"][0] if res.get("by_self") else None
        self.report.add(Figure("profile", f"{res['target']} under cProfile", res["total_ms_per_call"], "ms",
                               note=f"top own time: {top['function']} {top['self_ms']:.1f} ms" if top else ""))

    def scale(self) -> None:
        from communique.bench import scale as sc
        from communique.bench.subprocess_task import run_task

        source = self.main_index()
        args = {**sc.DEFAULTS, **self.config.scale, "index": str(source),
                "queries": [q.search_text for q in self.queries], "cache": str(self.out / "scale-cache")}
        self.log(f"scale: exact vs approximate search up to {max(args['sizes']):,} vectors (long)…")
        res = run_task("scale", args)
        self.report.details["scale"] = res
        s = "scale (vectors only)"
        self.report.add(Figure(s, "vectors", res["vectors"], note=f"{res['dim']}-d, one query, one thread, k={res['search_k']}"))
        for point in res["exact"]:
            lat = Stat(**point["latency_ms"])
            big = point["size"] >= 1_000_000
            self.report.add(Figure.of(s, f"exact IndexFlatIP @ {point['size']:,}", lat,
                                      target="≤ 50 ms" if big else "", met=lat.median <= TARGETS["search_1m_ms"] if big else None,
                                      note=f"{point['bytes'] / 1e6:.0f} MB"))
        for result in res["approximate"]:
            best = sc.operating_point(result, MIN_ANN_RECALL)
            if best is None:
                continue
            param = next((p for p in ("nprobe", "efSearch") if p in best), None)
            lat = Stat(**best["latency_ms"])
            big = result["size"] >= 1_000_000
            build = f"build {result['build_seconds']:.0f} s" + (" (cached)" if result.get("cached") else "")
            label = f"{result['kind']} @ {result['size']:,}" + (f" ({param}={best[param]})" if param else "")
            self.report.add(Figure.of(s, label, lat,
                                      target="≤ 50 ms" if big else "", met=lat.median <= TARGETS["search_1m_ms"] if big else None,
                                      note=f"recall@10 {best['recall@10']:.3f}, @60 {best['recall@60']:.3f}; {build}"))
        product = res.get("product")
        if product:
            lat = Stat(**product["latency_ms"])
            build = f"; built in {product['build_seconds']:.0f} s" if product.get("build_seconds") else " (cached)"
            self.report.add(Figure.of(s, f"the product's VectorStore @ {product['size']:,}: {product['kind']}"
                                      + (f" (nlist={product['nlist']}, nprobe={product['nprobe']})" if product.get("nlist") else ""),
                                      lat, target="≤ 50 ms", met=lat.median <= TARGETS["search_1m_ms"],
                                      note=f"recall@10 {product['recall@10']:.3f}, @60 {product['recall@60']:.3f}{build}"))
        threshold = sc.flat_threshold(res["exact"], VECTOR_BUDGET_MS)
        res["flat_threshold"] = threshold
        if threshold is not None:
            self.report.add(Figure(s, f"exact search reaches {VECTOR_BUDGET_MS:.0f} ms at", float(threshold), "vectors",
                                   note="per language index, from the measured cost per vector (bench/README.md)"))

    def pgvector(self) -> None:
        from communique.bench.pg_report import run_pgvector

        run_pgvector(self)

    def postgres(self) -> None:
        from communique.bench.pg_report import run_postgres

        run_postgres(self)

    # -- driver -------------------------------------------------------------------------
    def run(self) -> BenchReport:
        for name in self.config.sections:
            if self.config.quick and name == "scale":
                self.report.skipped.append("scale (1M vectors): not in --quick")
                continue
            started = time.perf_counter()
            try:
                getattr(self, name)()
            except Exception as exc:  # noqa: BLE001 - one broken section must not lose the others
                self.report.errors.append(f"{name}: {type(exc).__name__}: {str(exc)[:600]}")
                self.log(f"{name} failed: {type(exc).__name__}: {exc}")
            self.report.details.setdefault("section_seconds", {})[name] = time.perf_counter() - started
            self.report.machine["complete"] = False
            write_report(self.report, self.out)  # a run killed later keeps what it measured
        self.report.machine["complete"] = True
        self.report.machine["load_average_end"] = list(os.getloadavg())
        self.report.details["builds"] = {k: v.to_dict() for k, v in self.builds.items()}
        shutil.rmtree(self.tmp, ignore_errors=True)
        return self.report


def run_bench(config: BenchConfig) -> BenchReport | None:
    """Run the configured sections; None (with a message) when the shared corpus is absent."""
    from communique.bench.corpus import SHARED_CORPUS, shared_corpus_dir

    corpus = config.corpus or shared_corpus_dir()
    if corpus is None or not (Path(corpus) / PROVINCIAL_FILE).exists():
        config.log(f"communique bench: shared corpus not found at {config.corpus or SHARED_CORPUS}: nothing to measure "
                   "(the benchmarks run on ../shared/corpus beside the repository)")
        return None
    report = _Run(config, Path(corpus)).run()
    write_report(report, Path(config.out_dir))
    return report


def write_report(report: BenchReport, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "latest.json"
    path.write_text(json.dumps(report.to_dict(), indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    (out_dir / "latest.md").write_text(render_table(report) + "\n", encoding="utf-8")
    return path
