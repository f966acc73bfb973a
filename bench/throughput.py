"""Embedder throughput alone versus the whole ingest at the same embedder, on the same records.

The embedder-alone figure embeds exactly the texts the ingest embedded (read back from the
index the ingest built), in the ingest's batch size, so the ratio isolates what ingest adds:
reading, cleaning, language detection, chunking, SQLite, BM25, FAISS, the manifest.
Ingest and embedding runs are interleaved so load changes on the machine hit both alike.

`throughput_section` is the `throughput` section of `communique bench` (with, in a full run,
the full-corpus build's own rate and peak memory).
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from communique.bench.context import TARGETS, SectionResult, keeping, pct
from communique.bench.corpus import write_sample
from communique.bench.report import Figure
from communique.bench.stats import Stat, rates

if TYPE_CHECKING:
    from communique.bench.context import BenchContext


@dataclass
class ThroughputResult:
    embedder: str
    threads: int  # embedding threads, the same for the ingest and the embedder alone
    records: int
    chunks: int
    mean_chars: float
    embed_rate: Stat  # chunks/s, embedder alone
    ingest_rate: Stat  # chunks/s, whole ingest
    overhead: Stat  # ingest time / embedding time - 1, paired per run
    in_run_overhead: Stat  # ingest seconds / its own embed_seconds - 1 (IngestReport)
    cpu_overhead: Stat  # the same as `overhead` in CPU seconds: steadier on a loaded machine

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        for key in ("embed_rate", "ingest_rate", "overhead", "in_run_overhead", "cpu_overhead"):
            out[key] = getattr(self, key).to_dict()
        return out


def ingested_texts(index_dir: Path) -> list[str]:
    """The texts the ingest gave the embedder, in ingest order."""
    from communique.index.passage_text import embedding_text
    from communique.index.storage.local import LocalStorage

    store = LocalStorage(index_dir).open_snapshot(verify=False).store
    ids = store.all_release_ids()
    releases = store.get_releases(ids)
    return [embedding_text(releases[rid], c) for rid in ids for c in store.chunks_of(rid)]


def embed_seconds(embedder, texts: list[str], batch: int, threads: int = 1) -> tuple[float, float]:
    """(wall, CPU) seconds to embed `texts` in batches of `batch` on `threads` threads, as the ingest does."""
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), batch):
        embedder.encode_documents_threaded(texts[i : i + batch], threads)
    return time.perf_counter() - t0, time.process_time() - c0


def measure_throughput(corpus: Path, workdir: Path, embedder_name: str, *, teasers: int, provincial: int,
                       runs: int) -> ThroughputResult:
    """`runs` interleaved (ingest, embed) pairs on the first `teasers` + `provincial` records."""
    from communique.index.embedders import get_embedder
    from communique.ingest.pipeline import EMBED_BATCH, default_ingest_threads, ingest_paths

    threads = default_ingest_threads()  # the ingest's own setting: both sides on the same threads

    sample = write_sample(corpus, workdir / f"sample-{embedder_name}.jsonl", teasers=teasers, provincial=provincial)
    embedder = get_embedder(embedder_name)
    _ = embedder.model  # load the weights before any timing: both sides are measured warm
    # One untimed tiny ingest loads what every ingest process loads once (language models,
    # tokenizers): the figure is the steady-state rate; one-time costs are in the cold start.
    warm = write_sample(corpus, workdir / "warm-up.jsonl", teasers=2, provincial=1)
    ingest_paths([warm], workdir / "warm-up-index", embedder_name=embedder_name, progress=False)
    shutil.rmtree(workdir / "warm-up-index", ignore_errors=True)
    ingest_s, ingest_chunks, in_run, embed_s, ingest_cpu, embed_cpu = [], [], [], [], [], []
    texts: list[str] = []
    for run in range(runs):
        index_dir = workdir / f"ingest-{embedder_name}-{run}"
        shutil.rmtree(index_dir, ignore_errors=True)
        c0 = time.process_time()
        report = ingest_paths([sample], index_dir, embedder_name=embedder_name, progress=False,
                              checkpoint_seconds=1e9)
        ingest_cpu.append(time.process_time() - c0)
        ingest_s.append(report.seconds)
        ingest_chunks.append(report.chunks)
        in_run.append(report.seconds / report.embed_seconds - 1.0 if report.embed_seconds else 0.0)
        if not texts:
            texts = ingested_texts(index_dir)
        shutil.rmtree(index_dir, ignore_errors=True)
        wall, cpu = embed_seconds(embedder, texts, EMBED_BATCH, threads)
        embed_s.append(wall)
        embed_cpu.append(cpu)
    n = len(texts)
    paired = [(i / c) / (e / n) - 1.0 for i, c, e in zip(ingest_s, ingest_chunks, embed_s)]
    paired_cpu = [(i / c) / (e / n) - 1.0 for i, c, e in zip(ingest_cpu, ingest_chunks, embed_cpu)]
    return ThroughputResult(
        embedder=embedder_name, threads=threads, records=teasers + provincial, chunks=n,
        mean_chars=sum(map(len, texts)) / max(n, 1),
        embed_rate=rates([n] * runs, embed_s, "chunks/s"),
        ingest_rate=rates(ingest_chunks, ingest_s, "chunks/s"),
        overhead=Stat.of(paired, "ratio"), in_run_overhead=Stat.of(in_run, "ratio"),
        cpu_overhead=Stat.of(paired_cpu, "ratio"),
    )


def throughput_section(ctx: BenchContext) -> SectionResult:
    """Embedder alone vs whole ingest (use; e5 on a subset), and the full-corpus build's rate."""
    cfg = ctx.config
    out = SectionResult()
    plans = [("use", cfg.throughput_sample, "")]
    if not cfg.quick:
        plans.append(("e5", cfg.e5_sample, "e5 on a subset (~15 chunks/s)"))
    with keeping(out):
        for name, (teasers, provincial), note in plans:
            ctx.log(f"throughput {name}: {teasers} teasers + {provincial} provincial releases, {cfg.runs} run(s)…")
            r = measure_throughput(ctx.corpus, ctx.tmp / "throughput", name, teasers=teasers, provincial=provincial,
                                   runs=cfg.runs)
            out.details.setdefault("throughput", {})[name] = r.to_dict()
            section = f"ingest ({name})"
            sample = (f"{r.chunks} chunks of {teasers + provincial} records, {r.mean_chars:.0f} chars; "
                      f"{r.threads} embedding thread(s)")
            out.add(Figure.of(section, "embedder alone", r.embed_rate, note=sample + (f"; {note}" if note else "")))
            out.add(Figure.of(section, "whole ingest", r.ingest_rate))
            inline = r.in_run_overhead.scaled(100.0, "%")
            out.add(Figure.of(section, "ingest overhead", inline, target="≤ 10 %",
                              met=inline.median <= TARGETS["overhead"] * 100,
                              note="whole ingest vs its own embedding time (same run); separate "
                                   f"embedding pass: {pct(r.overhead.median):.0f} % wall, "
                                   f"{pct(r.cpu_overhead.median):.0f} % CPU"))
        if not cfg.quick:
            _full_build_figures(ctx, out)
    return out


def _full_build_figures(ctx: BenchContext, out: SectionResult) -> None:
    build = ctx.ensure_full()
    overhead = build.seconds / build.embed_seconds - 1 if build.embed_seconds else None
    when = f"build of {build.built_at}" + (" (reused)" if build.reused else "")
    out.add(Figure("ingest (use)", "full corpus ingest, default config", build.chunks_per_second,
                   "chunks/s", "1 run", "≥ 100 chunks/s", build.chunks_per_second >= TARGETS["ingest_rate"],
                   f"{build.chunks:,} chunks in {build.seconds:.0f} s; {when}"))
    if overhead is not None:
        out.add(Figure("ingest (use)", "full corpus ingest overhead", pct(overhead), "%", "1 run",
                       "≤ 10 %", overhead <= TARGETS["overhead"], "IngestReport.embed_seconds"))
    if build.peak_rss_mb:
        out.add(Figure("memory", "peak RSS, full corpus ingest", build.peak_rss_mb, "MB", "1 run",
                       note=f"{build.chunks:,} chunks"))
