"""IndexWriter: the only way to change an index. Changes become visible at `commit()`.

Usage:
    with IndexWriter.open(index_dir, embedder_name="use") as writer:
        writer.upsert(release, chunks)          # embeds and stores
        writer.remove(release_id)
        writer.commit()                          # new generation published atomically
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from communique.index import generations
from communique.index.embedders import BaseEmbedder, UnknownEmbedder, embedder_for_index, get_embedder
from communique.index.errors import EmbedderMismatch, IndexNotFound
from communique.index.layout import RECORDS
from communique.index.lexical import LexicalIndex
from communique.index.manifest import Manifest, file_digest, verify_files
from communique.index.models import Chunk, Release
from communique.index.pair_lexicon import build as build_pair_lexicon
from communique.index.passage_text import embedding_text, lexical_text
from communique.index.row_columns import ColumnsBuilder
from communique.index.storage.contract import UpsertResult, now_iso
from communique.index.store import ChunkRow, RecordStore, vector_id
from communique.index.text import tokenize
from communique.index.vectors import VectorStore
from communique.index.write_guard import guarded_write


class IndexWriter:
    def __init__(self, index_dir: Path, embedder: BaseEmbedder, lock: generations.WriterLock) -> None:
        self.index_dir = index_dir
        self.embedder = embedder
        self._lock = lock
        self._staging: Path | None = None
        self.store: RecordStore
        self.vectors: VectorStore
        self.created = now_iso()
        self._dirty = False
        self._start_staging()

    @classmethod
    def open(cls, index_dir: str | Path, *, embedder_name: str | None = None, create: bool = True,
             lock_timeout: float = 30.0) -> "IndexWriter":
        from communique.index.storage import is_database_uri

        if is_database_uri(index_dir):  # a postgresql:// URI: same surface, in the database
            from communique.index.storage.pg_writer import PostgresWriter

            return PostgresWriter.open(str(index_dir), embedder_name=embedder_name, create=create,  # type: ignore[return-value]
                                       lock_timeout=lock_timeout)
        index_dir = Path(index_dir)
        if not create and not (index_dir / generations.CURRENT).exists():
            raise IndexNotFound(f"{index_dir}: no index here")
        with guarded_write(index_dir, "creating the index folder"):
            index_dir.mkdir(parents=True, exist_ok=True)
        lock = generations.WriterLock(index_dir, timeout=lock_timeout).__enter__()
        try:
            existing = cls._existing_manifest(index_dir)
            if existing is not None:
                try:  # the manifest names an installed embedder; a model folder only if the user named it
                    embedder = embedder_for_index(existing.embedder, embedder_name)
                except UnknownEmbedder as exc:
                    if embedder_name:
                        raise  # the user's own choice: a usage error
                    raise EmbedderMismatch(f"{index_dir}: {exc}") from exc
                if embedder.name != existing.embedder:
                    raise EmbedderMismatch(
                        f"{index_dir}: built with embedder {existing.embedder!r}, not {embedder.name!r}; "
                        f"use --embedder {existing.embedder} or a new --index folder"
                    )
            else:
                embedder = get_embedder(embedder_name)
            return cls(index_dir, embedder, lock)
        except BaseException:
            lock.__exit__(None, None, None)
            raise

    @staticmethod
    def _existing_manifest(index_dir: Path) -> Manifest | None:
        if not (index_dir / generations.CURRENT).exists():
            return None
        return Manifest.read(generations.current_generation(index_dir))

    def __enter__(self) -> "IndexWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- staging ------------------------------------------------------------------------
    def _start_staging(self) -> None:
        try:
            with guarded_write(self.index_dir, "copying the published generation into a new one"):
                self._copy_current()
        except BaseException:
            if self._staging is not None:  # a half-made copy must not keep filling the disk
                shutil.rmtree(self._staging, ignore_errors=True)
                self._staging = None
            raise

    def _copy_current(self) -> None:
        generations.clean_old(self.index_dir)
        name = generations.next_generation_name(self.index_dir)
        staging = self.index_dir / f"{name}.staging"
        staging.mkdir()
        self._staging = staging
        if (self.index_dir / generations.CURRENT).exists():
            current = generations.current_generation(self.index_dir)
            manifest = Manifest.read(current)
            verify_files(current, manifest, full=True)  # never re-sign an altered file into a new generation
            self.created = manifest.created or self.created
            src = sqlite3.connect(f"file:{current / RECORDS}?mode=ro", uri=True)
            dst = sqlite3.connect(str(staging / RECORDS))
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
            self.vectors = VectorStore.load(current, manifest.dim)
        else:
            self.vectors = VectorStore(self.embedder.dim)
        self.store = RecordStore(staging / RECORDS, readonly=False)
        self.store.set_setting("embedder", self.embedder.name)

    # -- changes ------------------------------------------------------------------------
    def status_of(self, release: Release) -> UpsertResult | None:
        """What upsert would do without embedding: unchanged/duplicate are decided here."""
        if self.store.record_hash(release.id) == release.record_hash:
            return UpsertResult("unchanged")
        duplicate = self.store.release_by_hash(release.content_hash)
        if duplicate is not None and duplicate != release.id:
            return UpsertResult("duplicate", duplicate_of=duplicate)
        return None

    def upsert(self, release: Release, chunks: list[Chunk], vectors: np.ndarray | None = None) -> UpsertResult:
        """Store a release and its chunks; `vectors` (one row per chunk) are computed if absent."""
        decided = self.status_of(release)
        if decided is not None:
            return decided
        existed = self.store.record_hash(release.id) is not None
        if vectors is None:
            vectors = self.embed_chunks(release, chunks)
        rows = [
            ChunkRow(vector_id(c.id), c, " ".join(tokenize(lexical_text(release, c)))) for c in chunks
        ]
        with guarded_write(self.index_dir, f"storing release {release.id[:80]!r}"):
            old_vids = self.store.delete_release(release.id, keep_aliases=True)
            self.vectors.remove(old_vids)
            self.store.put_release(release, rows, now_iso())
            # this release's old vectors were removed just above, in whichever language they were
            self.vectors.add(release.lang, np.array([r.vid for r in rows], dtype=np.int64), vectors, replace=False)
        self._dirty = True
        return UpsertResult("updated" if existed else "added", chunks=len(chunks))

    def embed_chunks(self, release: Release, chunks: list[Chunk]) -> np.ndarray:
        return self.embedder.encode_documents([embedding_text(release, c) for c in chunks])

    def add_alias(self, alias: str, release_id: str) -> None:
        """Remember a duplicate's id so that it still resolves to the stored release."""
        if alias != release_id and self.store.resolve_aliases([alias]).get(alias) != release_id:
            with guarded_write(self.index_dir, "storing an alias"):
                self.store.add_alias(alias, release_id)
            self._dirty = True

    def remove(self, release_id: str) -> bool:
        if self.store.record_hash(release_id) is None:
            return False
        with guarded_write(self.index_dir, f"removing release {release_id[:80]!r}"):
            self.vectors.remove(self.store.delete_release(release_id))
        self._dirty = True
        return True

    def set_pair(self, release_id: str, pair_id: str) -> None:
        with guarded_write(self.index_dir, "pairing translations"):
            self.store.set_pair(release_id, pair_id)
        self._dirty = True

    # -- publication --------------------------------------------------------------------
    def commit(self, *, force: bool = False, reopen: bool = True) -> Manifest | None:
        """Publish the staged generation; returns its manifest (None when nothing changed)."""
        if not self._dirty and not force and (self.index_dir / generations.CURRENT).exists():
            return None
        assert self._staging is not None
        with guarded_write(self.index_dir, f"publishing {self._staging.name.removesuffix('.staging')}"):
            manifest = self._publish()
        if reopen:
            self._start_staging()  # further changes go to a fresh copy
        return manifest

    def _publish(self) -> Manifest:
        assert self._staging is not None
        self.store.commit()
        files = [RECORDS]
        columns = ColumnsBuilder()
        lexical = LexicalIndex.build(_collecting(self.store.iter_chunk_tokens(), columns))
        files += lexical.save(self._staging)
        files += build_pair_lexicon(self.store.iter_pair_openings()).save(self._staging)
        files += self.vectors.save(self._staging)
        files += columns.finish().save(self._staging)  # last: the disk-full stages of tests/reliability count on this order
        releases_by_lang, chunks_by_lang = self.store.counts_by_lang()
        self.store.close()
        manifest = Manifest(
            embedder=self.embedder.name,
            dim=self.embedder.dim,
            releases=sum(releases_by_lang.values()),
            chunks=sum(chunks_by_lang.values()),
            releases_by_lang=releases_by_lang,
            chunks_by_lang=chunks_by_lang,
            created=self.created,
            last_ingest=now_iso(),
            files={name: file_digest(self._staging / name) for name in files},
        )
        manifest.write(self._staging)
        name = self._staging.name.removesuffix(".staging")
        generations.publish(self.index_dir, self._staging, name)
        self._staging = None
        self._dirty = False
        return manifest

    def close(self) -> None:
        """Drop unpublished changes and release the lock."""
        try:
            if self._staging is not None:
                self.store.close()
        finally:
            if self._staging is not None and self._staging.exists():
                shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
            self._lock.__exit__(None, None, None)


def _collecting(rows: Iterable[tuple[int, str, str | None, str]], columns: ColumnsBuilder) -> Iterator[tuple[int, str]]:
    """(vid, tokens) for BM25, adding each row's vid, language and date to `columns` on the way:
    one pass over the chunks' tokens (the largest column of the record store) for both tables."""
    for vid, lang, date, tokens in rows:
        columns.add(vid, lang, date)
        yield vid, tokens
