"""The ingest run: files → releases → chunks → vectors → a new published index generation.

A reader thread reads, cleans and chunks while the main thread embeds and stores in batches
(the cost). Every step that touches one record runs under `ingest.guard.attempt`, so a bad
file or record is reported (file, line, stage, error) and skipped, never raised; checkpoints
publish what is done every few minutes so a killed ingest loses little, and the next run skips
everything already stored (ids and hashes are stable). Index folders are never read as input.
"""
from __future__ import annotations

import os
import queue
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, TextIO

import numpy as np

from communique.index.models import Chunk, Release
from communique.index.passage_text import embedding_text
from communique.index.writer import IndexWriter
from communique.ingest.chunking import chunk_release
from communique.ingest.guard import attempt, describe
from communique.ingest.normalize import normalize_release
from communique.ingest.pairing import pair_translations
from communique.ingest.problems import Problem
from communique.ingest.readers import LINE_KEY, read_file
from communique.ingest.report import EXIT_OK, EXIT_REJECTED, IngestReport
from communique.ingest.sources import Skipped, iter_source_files

EMBED_BATCH = 256  # chunks per embedding call: large enough to amortise, small enough for memory
THREADS_ENV = "COMMUNIQUE_INGEST_THREADS"


@dataclass
class _Prepared:
    """A release ready to embed, and where it came from (for any later rejection or warning)."""

    release: Release
    chunks: list[Chunk]
    path: str
    line: int | None


def read_releases(paths: Iterable[str | Path], report: IngestReport, *, exclude: Iterable[str | Path] = ()
                  ) -> Iterator[tuple[Release, str, int | None]]:
    """Every normalised release under `paths` with its file and line; problems recorded, never raised."""
    for entry in iter_source_files(paths, exclude=exclude):
        if isinstance(entry, Skipped):
            report.warn(entry.path, None, entry.reason)
            continue
        if isinstance(entry, Problem):
            report.reject(entry)
            continue
        where = str(entry)
        try:
            for item in read_file(entry):
                if isinstance(item, Problem):
                    report.reject(item)
                    continue
                line = item.metadata.pop(LINE_KEY, None) if item.metadata else None
                normalised = attempt("normalise", where, line, normalize_release, item, path=where, line=line)
                if isinstance(normalised, Problem):
                    report.reject(normalised)
                    continue
                for warning in normalised.metadata.get("warnings", []):
                    report.warn(where, line, str(warning))
                yield normalised, where, line
        except Exception as exc:  # noqa: BLE001 - the file's own reader failed between records
            report.reject(Problem(where, None, f"could not read further: {describe(exc)}"))


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
                 stream: TextIO | None = None, threads: int | None = None, dask: str | None = None) -> IngestReport:
    """Ingest files or folders into the index at `index_dir` (created if absent).

    Reading, cleaning and chunking run in a background thread while embedding runs on
    `threads` threads (default: one per core): the embedder spends its time in numpy, which
    releases the GIL, so the preparation is mostly hidden behind it and the cores add up.
    """
    stream = stream or sys.stderr
    threads = threads or default_ingest_threads()
    started = time.perf_counter()
    with IndexWriter.open(index_dir, embedder_name=embedder_name) as writer:
        if dask:  # `dask`: a scheduler address; only the embedding goes to its workers
            from communique.index.dask_embedding import DaskEmbedder

            writer.embedder = DaskEmbedder(writer.embedder, dask)
        report = IngestReport(index_dir=str(index_dir), embedder=writer.embedder.name)
        prepared: queue.Queue = queue.Queue(maxsize=PREFETCH_RELEASES)
        producer = threading.Thread(target=_produce, args=(paths, writer.embedder, report, prepared, (Path(index_dir),)),
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


def _produce(paths, embedder, report: IngestReport, out: queue.Queue, exclude: tuple[Path, ...] = ()) -> None:
    """Background thread: releases with their chunks, or the exception that stopped reading."""
    try:
        for release, where, line in read_releases(paths, report, exclude=exclude):
            chunks = attempt("chunk", where, line, chunk_release, release, max_tokens=embedder.max_tokens,
                             overlap_tokens=embedder.max_tokens // 5, count_tokens=embedder.count_tokens)
            if isinstance(chunks, Problem):
                report.reject(chunks)
                continue
            if not chunks:
                report.reject(Problem(where, line, "no text left to index"))
                continue
            out.put(_Prepared(release, chunks, where, line))
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
    seen_ids: dict[str, tuple[str, str]] = {}  # id -> (record hash, "file:line" of its first occurrence)
    seen_content: dict[str, str] = {}
    for item in items:
        keep = attempt("decide", item.path, item.line, _decide_one, writer, item, report, seen_ids, seen_content)
        if isinstance(keep, Problem):
            report.reject(keep)
        elif keep:
            yield item


def _decide_one(writer: IndexWriter, item: _Prepared, report: IngestReport,
                seen_ids: dict[str, tuple[str, str]], seen_content: dict[str, str]) -> bool:
    release = item.release
    here = f"{item.path}:{item.line}" if item.line is not None else item.path
    if release.id in seen_ids:  # same id twice in one batch: first one wins
        report.duplicates += 1
        first_hash, first_where = seen_ids[release.id]
        if first_hash != release.record_hash:
            report.warn(item.path, item.line, f"id {release.id} appears twice with different content: "
                        f"first at {first_where}, again here; kept the first")
        return False
    seen_ids[release.id] = (release.record_hash, here)
    if release.content_hash in seen_content:
        report.duplicates += 1
        writer.add_alias(release.id, seen_content[release.content_hash])
        return False
    seen_content[release.content_hash] = release.id
    status = writer.status_of(release)
    if status is None:
        return True
    if status.status == "unchanged":
        report.unchanged += 1
    else:
        report.duplicates += 1
        if status.duplicate_of:
            writer.add_alias(release.id, status.duplicate_of)
    return False


def _store_batch(writer: IndexWriter, batch: list[_Prepared], report: IngestReport, bar, threads: int = 1) -> None:
    """Embed the batch in one go; if that fails, each release alone, so only the bad one is rejected."""
    if not batch:
        return
    t0 = time.perf_counter()
    together = attempt("embed", batch[0].path, batch[0].line, _embed, writer, batch, bar, threads) if len(batch) > 1 else None
    vectors = together if isinstance(together, np.ndarray) else None
    report.embed_seconds += time.perf_counter() - t0
    offset = 0
    for item in batch:
        n = len(item.chunks)
        if vectors is not None:
            mine = vectors[offset : offset + n]
            offset += n
        else:
            t0 = time.perf_counter()
            alone = attempt("embed", item.path, item.line, _embed, writer, [item], bar, threads)
            report.embed_seconds += time.perf_counter() - t0
            if isinstance(alone, Problem):
                report.reject(alone)
                continue
            mine = alone
        result = writer.upsert(item.release, item.chunks, mine)
        if result.status == "added":
            report.added += 1
        elif result.status == "updated":
            report.updated += 1
        report.chunks += result.chunks


def _embed(writer: IndexWriter, batch: list[_Prepared], bar, threads: int) -> np.ndarray:
    texts = [embedding_text(p.release, c) for p in batch for c in p.chunks]
    parts = []
    for i in range(0, len(texts), EMBED_BATCH):  # one huge release must still move the bar
        parts.append(writer.embedder.encode_documents_threaded(texts[i : i + EMBED_BATCH], threads))
        if bar is not None:
            bar.update(len(parts[-1]))
    vectors = parts[0] if len(parts) == 1 else np.vstack(parts)
    if len(vectors) != len(texts):
        raise ValueError(f"embedder returned {len(vectors)} vectors for {len(texts)} passages")
    return vectors


def _progress_bar(enabled: bool, stream: TextIO):
    """Chunks embedded, with the rate; the total is unknown while files are still being read."""
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit="chunk", desc="embedding", file=stream, smoothing=0.1, mininterval=0.5)


def remove_releases(index_dir: str | Path, release_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """Delete releases by id; returns (removed, not found)."""
    removed: list[str] = []
    missing: list[str] = []
    with IndexWriter.open(index_dir, create=False) as writer:
        for rid in release_ids:
            (removed if writer.remove(rid) else missing).append(rid)
        if removed:
            writer.commit(reopen=False)
    return removed, missing


__all__ = ["ingest_paths", "remove_releases", "IngestReport", "EXIT_OK", "EXIT_REJECTED"]
