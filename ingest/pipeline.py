"""The ingest run: files → releases → chunks → vectors → a new published index generation.

A reader thread reads, cleans and chunks while the main thread embeds and stores in batches
(the cost). Bad files and records are reported and
skipped; checkpoints publish what is done every few minutes so a killed ingest loses little,
and the next run skips everything already stored (ids and hashes are stable).
"""
from __future__ import annotations

import os
import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, TextIO

import numpy as np

from index.models import Chunk, Release
from index.writer import IndexWriter
from ingest.chunking import chunk_release
from ingest.normalize import normalize_release
from ingest.pairing import pair_translations
from ingest.problems import Problem
from ingest.readers import read_file
from ingest.sources import iter_source_files

EMBED_BATCH = 256  # chunks per embedding call: large enough to amortise, small enough for memory
THREADS_ENV = "COMMUNIQUE_INGEST_THREADS"
EXIT_OK = 0
EXIT_REJECTED = 3  # some input was rejected; usage errors exit 2


@dataclass
class IngestReport:
    index_dir: str
    embedder: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    chunks: int = 0
    paired: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_REJECTED if self.rejected else EXIT_OK

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.duplicates} duplicates, {self.rejected} rejected; {self.chunks} chunks embedded, "
            f"{self.paired} translations paired, {self.seconds:.1f} s ({self.chunks_per_second:.0f} chunks/s)"
        )


@dataclass
class _Prepared:
    release: Release
    chunks: list[Chunk]


def read_releases(paths: Iterable[str | Path], report: IngestReport) -> Iterable[Release]:
    """Every normalised release under `paths`; problems are recorded, never raised."""
    for entry in iter_source_files(paths):
        if isinstance(entry, Problem):
            report.problems.append(entry)
            report.rejected += 1
            continue
        try:
            for item in read_file(entry):
                if isinstance(item, Problem):
                    report.problems.append(item)
                    report.rejected += 1
                    continue
                line = item.metadata.pop("_line", None) if item.metadata else None
                normalised = normalize_release(item, path=str(entry), line=line)
                if isinstance(normalised, Problem):
                    report.problems.append(normalised)
                    report.rejected += 1
                    continue
                for warning in normalised.metadata.get("warnings", []):
                    where = f"{entry}:{line}" if line else str(entry)
                    report.warnings.append(f"{where}: {warning}")
                yield normalised
        except (OSError, ValueError, UnicodeError, MemoryError) as exc:  # a reader bug must not stop the batch
            report.problems.append(Problem(str(entry), None, f"could not read: {exc}"))
            report.rejected += 1


def default_ingest_threads() -> int:
    """Embedding threads for an ingest: $COMMUNIQUE_INGEST_THREADS, else one per usable core."""
    value = os.environ.get(THREADS_ENV, "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            raise ValueError(f"{THREADS_ENV}={value!r}: not a whole number of threads") from None
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def ingest_paths(paths: Iterable[str | Path], index_dir: str | Path, *, embedder_name: str | None = None,
                 progress: bool = True, checkpoint_seconds: float = 120.0, auto_pair: bool = True,
                 stream: TextIO | None = None, threads: int | None = None) -> IngestReport:
    """Ingest files or folders into the index at `index_dir` (created if absent).

    Reading, cleaning and chunking run in a background thread while embedding runs on
    `threads` threads (default: one per core): the embedder spends its time in numpy, which
    releases the GIL, so the preparation is mostly hidden behind it and the cores add up.
    """
    stream = stream or sys.stderr
    threads = threads or default_ingest_threads()
    started = time.perf_counter()
    with IndexWriter.open(index_dir, embedder_name=embedder_name) as writer:
        report = IngestReport(index_dir=str(index_dir), embedder=writer.embedder.name)
        prepared: queue.Queue = queue.Queue(maxsize=PREFETCH_RELEASES)
        producer = threading.Thread(target=_produce, args=(paths, writer.embedder, report, prepared),
                                    name="ingest-reader", daemon=True)
        producer.start()
        bar = _progress_bar(progress, stream)
        last_checkpoint = time.monotonic()
        batch: list[_Prepared] = []
        batch_chunks = 0
        try:
            for item in _decide(writer, _drain(prepared), report):
                batch.append(item)
                batch_chunks += len(item.chunks)
                if batch_chunks >= EMBED_BATCH:
                    _store_batch(writer, batch, report, bar, threads)
                    batch, batch_chunks = [], 0
                    if time.monotonic() - last_checkpoint > checkpoint_seconds:
                        writer.commit()
                        last_checkpoint = time.monotonic()
            _store_batch(writer, batch, report, bar, threads)
        finally:
            if bar is not None:
                bar.close()
        if auto_pair:
            report.paired = pair_translations(writer)
        writer.commit(reopen=False)
    report.seconds = time.perf_counter() - started
    return report


_DONE = object()
PREFETCH_RELEASES = 512  # bounded: a huge folder never sits in memory at once


def _produce(paths, embedder, report: IngestReport, out: queue.Queue) -> None:
    """Background thread: releases with their chunks, or the exception that stopped reading."""
    try:
        for release in read_releases(paths, report):
            chunks = chunk_release(release, max_tokens=embedder.max_tokens,
                                   overlap_tokens=embedder.max_tokens // 5, count_tokens=embedder.count_tokens)
            if not chunks:
                report.problems.append(Problem(release.source or release.id, None, "no text left to index"))
                report.rejected += 1
                continue
            out.put(_Prepared(release, chunks))
    except BaseException as exc:  # re-raised in the ingesting thread
        out.put(exc)
    finally:
        out.put(_DONE)


def _drain(source: queue.Queue) -> Iterator[_Prepared]:
    while True:
        item = source.get()
        if item is _DONE:
            return
        if isinstance(item, BaseException):
            raise item
        yield item


def _decide(writer: IndexWriter, items: Iterable[_Prepared], report: IngestReport) -> Iterator[_Prepared]:
    """Keep what needs embedding; count unchanged releases and duplicates (stored once, id kept as alias)."""
    seen_ids: dict[str, str] = {}
    seen_content: dict[str, str] = {}
    for item in items:
        release = item.release
        if release.id in seen_ids:  # same id twice in one batch: first one wins
            report.duplicates += 1
            if seen_ids[release.id] != release.record_hash:
                report.warnings.append(f"{release.source or release.id}: id {release.id} appears twice with different content; kept the first")
            continue
        seen_ids[release.id] = release.record_hash
        if release.content_hash in seen_content:
            report.duplicates += 1
            writer.add_alias(release.id, seen_content[release.content_hash])
            continue
        seen_content[release.content_hash] = release.id
        status = writer.status_of(release)
        if status is not None:
            if status.status == "unchanged":
                report.unchanged += 1
            else:
                report.duplicates += 1
                writer.add_alias(release.id, status.duplicate_of)
            continue
        yield item


def _store_batch(writer: IndexWriter, batch: list[_Prepared], report: IngestReport, bar, threads: int = 1) -> None:
    if not batch:
        return
    from index.writer import embedding_text

    texts = [embedding_text(p.release, c) for p in batch for c in p.chunks]
    t0 = time.perf_counter()
    parts = []
    for i in range(0, len(texts), EMBED_BATCH):  # one huge release must still move the bar
        parts.append(writer.embedder.encode_documents_threaded(texts[i : i + EMBED_BATCH], threads))
        if bar is not None:
            bar.update(len(parts[-1]))
    vectors = parts[0] if len(parts) == 1 else np.vstack(parts)
    report.embed_seconds += time.perf_counter() - t0
    offset = 0
    for item in batch:
        n = len(item.chunks)
        result = writer.upsert(item.release, item.chunks, vectors[offset : offset + n])
        offset += n
        if result.status == "added":
            report.added += 1
        elif result.status == "updated":
            report.updated += 1
        report.chunks += result.chunks


def _progress_bar(enabled: bool, stream: TextIO):
    """Chunks embedded, with the rate; the total is unknown while files are still being read."""
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit="chunk", desc="embedding", file=stream, smoothing=0.1, mininterval=0.5)


def remove_releases(index_dir: str | Path, release_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """Delete releases by id; returns (removed, not found)."""
    removed, missing = [], []
    with IndexWriter.open(index_dir, create=False) as writer:
        for rid in release_ids:
            (removed if writer.remove(rid) else missing).append(rid)
        if removed:
            writer.commit(reopen=False)
    return removed, missing


__all__ = ["ingest_paths", "remove_releases", "IngestReport", "EXIT_REJECTED"]
