"""`communique bench`: every measurement in order, one table, `bench-output/latest.json`.

Sections (each can fail alone without losing the others):
  versus        ours vs the plain LangChain recipe on the shared evaluation corpus (its build of
                ours becomes the ~10k-chunk index)
  throughput    embedder alone vs whole ingest (use; e5 on a subset)
  latency       warm search/ask latency, peak RSS and disk size at ~10k chunks and the full corpus
  search-modes  hybrid vs dense-only vs lexical-only search side by side in one process, and its parts
  coldstart     process start to first answer, and its imports
  threads       FAISS/OpenBLAS thread settings, alone and with two queries in flight
  profile       cProfile of warm asks
  scale         exact vs IVF/HNSW vector search up to 1M synthetic vectors
  pgvector      pgvector HNSW at 1M vectors (load, build, disk, ef_search sweep) beside the local IVF
  postgres      the full corpus through PostgreSQL beside the local index: latency, 4 clients, ingest rates

Each section is a function of the shared `BenchContext` (`bench.context`) that returns its own
rows and details (`SectionResult`); it lives beside the code it measures (`SECTION_FUNCTIONS`).
This module only runs the chosen ones in order and merges what they return into one report.
"""
from __future__ import annotations

import importlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

from communique.bench.context import SECTIONS, BenchConfig, BenchContext, SectionFailed, SectionResult
from communique.bench.corpus import PROVINCIAL_FILE
from communique.bench.report import BenchReport, machine_info, render_table

__all__ = ["SECTIONS", "SECTION_FUNCTIONS", "BenchConfig", "run_bench", "run_sections", "write_report"]

Section = Callable[[BenchContext], SectionResult]
# Section name → "module:function", imported when the section runs: a section whose module cannot
# be imported (an extra not installed) fails alone, as any other failure does.
SECTION_FUNCTIONS: dict[str, str] = {
    "versus": "communique.bench.versus:versus_section",
    "throughput": "communique.bench.throughput:throughput_section",
    "latency": "communique.bench.queries:latency_section",
    "search-modes": "communique.bench.search_modes:search_modes_section",
    "coldstart": "communique.bench.coldstart:coldstart_section",
    "threads": "communique.bench.threads:threads_section",
    "profile": "communique.bench.profiling:profile_section",
    "scale": "communique.bench.scale_report:scale_section",
    "pgvector": "communique.bench.run:pgvector_section",
    "postgres": "communique.bench.run:postgres_section",
}


def section_function(name: str) -> Section:
    module, function = SECTION_FUNCTIONS[name].split(":")
    fn: Section = getattr(importlib.import_module(module), function)
    return fn


def pgvector_section(ctx: BenchContext) -> SectionResult:
    """`bench.pg_report.run_pgvector`, which adds to a run's report, on a report of its own."""
    from communique.bench.pg_report import run_pgvector

    result = SectionResult()
    run_pgvector(ctx.reporting(result))
    return result


def postgres_section(ctx: BenchContext) -> SectionResult:
    """`bench.pg_report.run_postgres` on a report of its own (as `pgvector_section`)."""
    from communique.bench.pg_report import run_postgres

    result = SectionResult()
    run_postgres(ctx.reporting(result))
    return result


def merge(report: BenchReport, result: SectionResult) -> None:
    report.figures.extend(result.figures)
    report.details.update(result.details)


def run_sections(ctx: BenchContext, sections: dict[str, Section] | None = None,
                 out_dir: Path | None = None) -> BenchReport:
    """Run `ctx.config.sections` in order (`sections`: name → function, by default `SECTION_FUNCTIONS`'),
    each alone: a failure is recorded in `report.errors` with what the section had measured kept,
    and the report is written after each section (to `out_dir`) so a run killed later keeps it."""
    config = ctx.config
    report = BenchReport(machine=machine_info(), config=config.to_dict())
    for name in config.sections:
        if config.quick and name == "scale":
            report.skipped.append("scale (1M vectors): not in --quick")
            continue
        started = time.perf_counter()
        try:
            fn = sections[name] if sections is not None else section_function(name)
            merge(report, fn(ctx))
        except SectionFailed as failed:
            merge(report, failed.partial)
            _record_failure(ctx, report, name, failed.cause)
        except Exception as exc:  # noqa: BLE001 - one broken section must not lose the others
            _record_failure(ctx, report, name, exc)
        report.details.setdefault("section_seconds", {})[name] = time.perf_counter() - started
        report.machine["complete"] = False
        if out_dir is not None:
            write_report(report, out_dir)
    report.machine["complete"] = True
    report.machine["load_average_end"] = list(os.getloadavg())
    report.details["builds"] = {k: v.to_dict() for k, v in ctx.builds.items()}
    return report


def _record_failure(ctx: BenchContext, report: BenchReport, name: str, exc: BaseException) -> None:
    report.errors.append(f"{name}: {type(exc).__name__}: {str(exc)[:600]}")
    ctx.log(f"{name} failed: {type(exc).__name__}: {exc}")


def run_bench(config: BenchConfig) -> BenchReport | None:
    """Run the configured sections; None (with a message) when the shared corpus is absent."""
    from communique.bench.corpus import SHARED_CORPUS, shared_corpus_dir

    corpus = config.corpus or shared_corpus_dir()
    if corpus is None or not (Path(corpus) / PROVINCIAL_FILE).exists():
        config.log(f"communique bench: shared corpus not found at {config.corpus or SHARED_CORPUS}: nothing to measure "
                   "(the benchmarks run on ../shared/corpus beside the repository)")
        return None
    ctx = BenchContext(config, Path(corpus))
    try:
        report = run_sections(ctx, out_dir=ctx.out)
    finally:
        shutil.rmtree(ctx.tmp, ignore_errors=True)
    write_report(report, Path(config.out_dir))
    return report


def write_report(report: BenchReport, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "latest.json"
    path.write_text(json.dumps(report.to_dict(), indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    (out_dir / "latest.md").write_text(render_table(report) + "\n", encoding="utf-8")
    return path
