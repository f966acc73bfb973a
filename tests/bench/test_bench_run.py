"""`bench.run` and `bench.context`: every section is a function of the context that returns its own
rows and details; the runner runs them in order, alone, and merges them. Workers and builds are
replaced by canned results here (no timings asserted); the real workers are tests/bench/test_bench_worker.py."""
from __future__ import annotations

import json
import os

import pytest

from communique.bench import coldstart, indexes, pg_report, subprocess_task, throughput, versus
from communique.bench.context import BenchConfig, BenchContext, SectionFailed, SectionResult, keeping
from communique.bench.report import Figure
from communique.bench.run import SECTION_FUNCTIONS, SECTIONS, run_sections, section_function, write_report
from communique.bench.stats import Stat

CORES = os.cpu_count() or 1


def ms(median: float, n: int = 20) -> dict:
    return Stat.of([median] * n, "ms").to_dict()


def canned(task: str, args: dict) -> dict:
    """What each worker task returns, in shape (see bench/queries.py, threads.py, profiling.py, scale.py)."""
    full = "full" in args.get("index", "")
    if task == "query":
        return {"chunks": 50_000 if full else 10_000, "index_bytes": 3e8 if full else 7e7, "rss_open_mb": 200.0,
                "peak_rss_mb": 330.0 if full else 250.0, "search_ms": ms(9.0), "embed_query_ms": ms(2.6),
                "dense_ms": ms(6.0), "lexical_ms": ms(1.0), "ask_ms": ms(40.0)}
    if task == "stages":
        return {"marks": {"interpreter": 0.05, "import assistant": 0.6, "first answer": 1.4}}
    if task == "threads":
        out = {"cores": CORES, "faiss_vectors": 48_000, "e5_query_ms_1t": ms(20), f"e5_query_ms_{CORES}t": ms(15)}
        for n in {1, CORES}:
            out |= {f"faiss_query_ms_{n}t": ms(1.7), f"use_query_ms_{n}t": ms(2.6), f"search_ms_{n}t": ms(6.0),
                    f"use_batch_per_s_{n}t": 150.0, f"search_2users_{n}t": {"latency_ms": ms(9), "queries_per_second": 200.0}}
        return out
    if task == "profile":
        return {"target": "ask", "total_ms_per_call": 55.0, "by_self": [{"function": "f", "self_ms": 3.2, "calls_per_ask": 2}]}
    if task == "scale":
        point = {"nprobe": 64, "recall@10": 0.97, "recall@60": 0.95, "latency_ms": ms(8)}
        return {"vectors": "real", "dim": 512, "search_k": 60,
                "exact": [{"size": 25_000, "latency_ms": ms(2), "bytes": 5e7}, {"size": 1_000_000, "latency_ms": ms(80), "bytes": 2e9}],
                "approximate": [{"kind": "ivf", "size": 1_000_000, "build_seconds": 100.0, "points": [point]}]}
    if task == "search_modes":
        return {"chunks": 10_000, "groups": ["en", "fr"], "candidates": 60, "k": 5, "questions": 3, "passes": 4,
                "ms": {name: ms(m) for name, m in (("hybrid", 6.1), ("dense", 5.7), ("lexical", 1.0),
                                                     ("embedding", 2.6), ("faiss", 1.7), ("bm25", 0.3))},
                "rest_ms": {"hybrid": ms(1.5), "dense": ms(1.4), "lexical": ms(0.7)},
                "ratio_hybrid_dense": 6.1 / 5.7, "ratio_hybrid_dense_p95": 1.1, "paired_ratio_median": 1.06}
    raise AssertionError(f"no canned result for {task}")


def build_info(index_dir, *_args, **_kwargs) -> indexes.BuildInfo:
    return indexes.BuildInfo(index_dir=str(index_dir), chunks=10_000, releases=7_000, seconds=80.0, embed_seconds=70.0,
                             peak_rss_mb=400.0, built_at="2026-12-01T00:00:00")


def stat(value: float, unit: str, n: int = 3) -> Stat:
    return Stat.of([value] * n, unit)


@pytest.fixture
def tasks(monkeypatch) -> list[str]:
    """Worker tasks, builds and the in-process measurements replaced by canned results; the tasks run, in order."""
    called: list[str] = []

    def run_task(task, args, **_kwargs):
        called.append(task)
        return canned(task, args)

    monkeypatch.setattr(subprocess_task, "run_task", run_task)
    monkeypatch.setattr(indexes, "ensure_index", build_info)
    monkeypatch.setattr(indexes, "stamp_for", lambda *_a, **_k: {"stamp": 1})
    monkeypatch.setattr(indexes, "current_build", lambda *_a: None)
    monkeypatch.setattr("communique.evals.shared_corpus.shared_sources", lambda *_a, **_k: [])
    monkeypatch.setattr(versus, "measure_versus", lambda *_a, **_k: versus.VersusResult(
        ["a.jsonl"], 10_000, 20_000, stat(80, "s"), stat(130, "s"), stat(0.6, "ratio"), stat(7, "ms", 20),
        stat(4, "ms", 20), stat(3, "ms", 20), {"all": {"ours": 0.9, "langchain": 0.7, "langchain_plain": 0.6}}, {"all": 2}))
    monkeypatch.setattr(throughput, "measure_throughput", lambda _c, _w, name, **_k: throughput.ThroughputResult(
        name, 2, 330, 900, 800.0, stat(170, "chunks/s"), stat(150, "chunks/s"), stat(0.1, "ratio"), stat(0.08, "ratio"),
        stat(0.05, "ratio")))
    monkeypatch.setattr(coldstart, "measure_cold_start", lambda *_a, **_k: coldstart.ColdStart(
        "communique ask", stat(2.0, "s"), help_seconds=0.4))

    def pg_section(task):
        def run(view) -> None:  # as bench.pg_report does: rows into run.report, details under its name
            called.append(task)
            view.report.add(Figure(task, "server", "PostgreSQL 18", note=str(view.main_index())))
            view.report.details[task] = {"size": 1}
        return run

    monkeypatch.setattr(pg_report, "run_pgvector", pg_section("pgvector"))
    monkeypatch.setattr(pg_report, "run_postgres", pg_section("postgres"))
    return called


def context(tmp_path, sample_queries, *, quick: bool = False, sections: tuple[str, ...] = SECTIONS) -> BenchContext:
    config = BenchConfig(out_dir=tmp_path / "out", quick=quick, corpus=tmp_path, sections=sections, log=lambda _m: None)
    return BenchContext(config, tmp_path, queries=sample_queries)


OWN = {  # section -> (its worker tasks, its keys of details, the section column of its rows), a full run
    "versus": ((), {"versus"}, {"vs LangChain"}),
    "throughput": ((), {"throughput"}, {"ingest (use)", "ingest (e5)", "memory"}),
    "latency": (("query", "query"), {"latency"}, {"query @ ~10k chunks", "query @ full corpus", "memory"}),
    "search-modes": (("search_modes", "search_modes"), {"search_modes"},
                     {"search modes @ ~10k chunks", "search modes @ full corpus"}),
    "coldstart": (("stages",), {"cold_start"}, {"cold start"}),
    "threads": (("threads",), {"threads"}, {"threads"}),
    "profile": (("profile",), {"profile"}, {"profile"}),
    "scale": (("scale",), {"scale"}, {"scale (vectors only)"}),
    "pgvector": (("pgvector",), {"pgvector"}, {"pgvector"}),
    "postgres": (("postgres",), {"postgres"}, {"postgres"}),
}


def test_every_section_has_a_function_and_the_same_order():
    assert tuple(SECTION_FUNCTIONS) == SECTIONS == tuple(OWN)


@pytest.mark.parametrize("name", SECTIONS)
def test_each_section_returns_its_own_figures_and_runs_only_its_own_work(name, tasks, tmp_path, sample_queries):
    ctx = context(tmp_path, sample_queries, sections=(name,))
    result = section_function(name)(ctx)
    own_tasks, own_details, own_rows = OWN[name]
    assert isinstance(result, SectionResult)
    assert all(isinstance(f, Figure) for f in result.figures)
    assert {f.section for f in result.figures} == own_rows
    assert set(result.details) == own_details
    assert tuple(tasks) == own_tasks
    assert not hasattr(ctx, "report")  # nothing shared to write into: the rows are returned


def test_a_failing_section_loses_neither_the_others_nor_what_it_had_measured(tasks, tmp_path, sample_queries):
    def threads_fails(ctx: BenchContext) -> SectionResult:
        raise RuntimeError("no threads here")

    def latency_half(ctx: BenchContext) -> SectionResult:
        result = SectionResult(figures=[Figure("query @ ~10k chunks", "search", 5.0, "ms")])
        with keeping(result):
            raise OSError("full corpus gone")
        return result

    sections = {name: section_function(name) for name in ("profile", "coldstart")}
    sections |= {"threads": threads_fails, "latency": latency_half}
    ctx = context(tmp_path, sample_queries, sections=("profile", "threads", "latency", "coldstart"))
    report = run_sections(ctx, sections, out_dir=ctx.out)
    assert report.errors == ["threads: RuntimeError: no threads here", "latency: OSError: full corpus gone"]
    assert [f.section for f in report.figures] == ["profile", "query @ ~10k chunks", "cold start", "cold start",
                                                   "cold start"]
    assert {"profile", "cold_start", "section_seconds", "builds"} <= set(report.details)
    assert list(report.details["section_seconds"]) == ["profile", "threads", "latency", "coldstart"]
    assert report.machine["complete"] is True
    written = json.loads(write_report(report, ctx.out).read_text())
    assert list(written) == ["machine", "config", "figures", "details", "skipped", "errors"]
    assert written["errors"] == report.errors and len(written["figures"]) == 5


def test_keeping_hands_over_the_partial_result_and_the_cause():
    result = SectionResult()
    with pytest.raises(SectionFailed) as caught:
        with keeping(result):
            result.add(Figure("s", "measured first", 1.0))
            raise KeyError("then this")
    assert caught.value.partial is result and isinstance(caught.value.cause, KeyError)
    assert [f.name for f in caught.value.partial.figures] == ["measured first"]


def test_quick_run_skips_scale_and_measures_the_small_index_only(tasks, tmp_path, sample_queries):
    ctx = context(tmp_path, sample_queries, quick=True, sections=("latency", "scale"))
    report = run_sections(ctx)
    assert report.skipped == ["scale (1M vectors): not in --quick"] and not report.errors
    assert tasks == ["query"] and list(report.details["latency"]) == ["~10k chunks"]
    assert list(report.details["builds"]) == ["shared"]


def test_the_postgresql_sections_see_the_context_and_fill_only_their_result(tasks, tmp_path, sample_queries):
    ctx = context(tmp_path, sample_queries, quick=True, sections=("pgvector",))
    result = section_function("pgvector")(ctx)
    assert result.details == {"pgvector": {"size": 1}}
    assert [f.note for f in result.figures] == [str(ctx.shared_index)]  # the context's main index, through the view
