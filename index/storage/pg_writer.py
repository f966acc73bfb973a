"""Writing an index into PostgreSQL: the same surface as `index.writer.IndexWriter`.

The writer stages generation current+1: new rows carry it as `gen_from`, replaced rows get it
as `gen_to`; none of it is visible until `commit()` moves `communique_state.current` in one
transaction. One writer at a time (a session advisory lock). A writer that died leaves rows of
an unpublished generation behind: the next writer undoes them before it starts.
"""
from __future__ import annotations

import json
import time
from collections import Counter

import numpy as np

from communique.index.embedders import BaseEmbedder, UnknownEmbedder, embedder_for_index, get_embedder
from communique.index.errors import EmbedderMismatch, IndexBusy, IndexNotFound
from communique.index.models import Chunk, Release
from communique.index.row_columns import date_ordinal
from communique.index.storage.contract import UpsertResult, now_iso
from communique.index.storage.pg_schema import (
    KEEP_PREVIOUS,
    OPEN,
    SCHEMA_VERSION,
    VERSIONED_TABLES,
    as_array,
    check_schema,
    ddl,
    display_uri,
    unavailable,
)
from communique.index.store import vector_id
from communique.index.text import tokenize
from communique.index.vectors import group_of

LOCK_KEY = 0x436F6D6D  # advisory lock id: one writer per database



class _StoreView:
    """What `ingest.pairing` reads from a writer's staged state (as on `IndexWriter.store`)."""

    def __init__(self, writer: "PostgresWriter") -> None:
        self._w = writer

    def unpaired(self) -> list[dict]:
        rows = self._w._q("SELECT id, lang, date, title FROM releases WHERE pair_id IS NULL AND date IS NOT NULL AND "
                          "gen_from <= %(s)s AND %(s)s < gen_to")
        return [dict(zip(("id", "lang", "date", "title"), r)) for r in rows]

    def chunk_vids(self, release_id: str) -> list[int]:
        return [r[0] for r in self._w._q("SELECT vid FROM passages WHERE release_id = %(r)s AND gen_from <= %(s)s "
                                          "AND %(s)s < gen_to ORDER BY start", r=release_id)]

    def record_hash(self, release_id: str) -> str | None:
        rows = self._w._q("SELECT record_hash FROM releases WHERE id = %(r)s AND gen_from <= %(s)s AND %(s)s < gen_to",
                          r=release_id)
        return rows[0][0] if rows else None


class _VectorView:
    def __init__(self, writer: "PostgresWriter") -> None:
        self._w = writer

    def reconstruct(self, lang: str, vid: int) -> np.ndarray | None:
        rows = self._w._q("SELECT embedding FROM passages WHERE vid = %(v)s AND grp = %(g)s AND gen_from <= %(s)s "
                          "AND %(s)s < gen_to", v=int(vid), g=group_of(lang))
        return as_array(rows[0][0]) if rows else None


class PostgresWriter:
    def __init__(self, uri: str, conn, embedder: BaseEmbedder) -> None:
        self.uri = uri
        self.index_dir = display_uri(uri)
        self.conn = conn
        self.embedder = embedder
        self.store = _StoreView(self)
        self.vectors = _VectorView(self)
        self._dirty = False
        state = conn.execute("SELECT current FROM communique_state").fetchone()
        self.current: int | None = state[0] if state else None
        self.staging = (self.current or 0) + 1
        self._undo_unpublished()

    @classmethod
    def open(cls, uri: str, *, embedder_name: str | None = None, create: bool = True,
             lock_timeout: float = 30.0) -> "PostgresWriter":
        import psycopg
        from pgvector.psycopg import register_vector

        location = display_uri(uri)
        try:
            conn = psycopg.connect(uri, autocommit=True)
        except psycopg.OperationalError as exc:
            raise unavailable(location, exc) from exc
        try:
            deadline = time.monotonic() + lock_timeout
            while not conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:  # type: ignore[index]
                if time.monotonic() > deadline:
                    raise IndexBusy(f"{location}: another ingest is writing this index; try again later")
                time.sleep(0.2)
            existing = check_schema(conn, location)
            if existing is None:
                if not create:
                    raise IndexNotFound(f"{location}: no index here")
                embedder = get_embedder(embedder_name)
                with conn.transaction():
                    conn.execute(ddl(embedder.dim))
                    conn.execute("INSERT INTO communique_schema VALUES (%s)", (SCHEMA_VERSION,))
                    conn.execute("INSERT INTO communique_state (current, embedder, dim, created) VALUES (NULL, %s, %s, %s)",
                                 (embedder.name, embedder.dim, now_iso()))
            else:
                built_with = existing[0]
                try:  # the database names an installed embedder; a model folder only if the user named it
                    embedder = embedder_for_index(built_with, embedder_name)
                except UnknownEmbedder as exc:
                    if embedder_name:
                        raise
                    raise EmbedderMismatch(f"{location}: {exc}") from exc
                if embedder.name != built_with:
                    raise EmbedderMismatch(f"{location}: built with embedder {built_with!r}, not {embedder.name!r}; "
                                           f"use --embedder {built_with} or another database")
            register_vector(conn)
            return cls(uri, conn, embedder)
        except BaseException:
            conn.close()
            raise

    def __enter__(self) -> "PostgresWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _q(self, sql: str, **params) -> list[tuple]:
        cur = self.conn.execute(sql, {"s": self.staging, **params})
        return cur.fetchall() if cur.description else []

    def _undo_unpublished(self) -> None:
        """Drop what a writer that died before publishing left behind."""
        published = self.current or 0
        with self.conn.transaction():
            for table in VERSIONED_TABLES:
                self.conn.execute(f"DELETE FROM {table} WHERE gen_from > %s", (published,))
                self.conn.execute(f"UPDATE {table} SET gen_to = {OPEN} WHERE gen_to > %s AND gen_to < {OPEN}",
                                  (published,))

    # -- changes ------------------------------------------------------------------------
    def status_of(self, release: Release) -> UpsertResult | None:
        if self.store.record_hash(release.id) == release.record_hash:
            return UpsertResult("unchanged")
        rows = self._q("SELECT id FROM releases WHERE content_hash = %(h)s AND gen_from <= %(s)s AND %(s)s < gen_to "
                       "ORDER BY id LIMIT 1", h=release.content_hash)
        if rows and rows[0][0] != release.id:
            return UpsertResult("duplicate", duplicate_of=rows[0][0])
        return None

    def _end(self, table: str, where: str, **params) -> None:
        """Rows matching `where` stop at the staged generation (deleted if the staging added them)."""
        self._q(f"DELETE FROM {table} WHERE gen_from = %(s)s AND {where}", **params)
        self._q(f"UPDATE {table} SET gen_to = %(s)s WHERE gen_from < %(s)s AND gen_to > %(s)s AND {where}", **params)

    def upsert(self, release: Release, chunks: list[Chunk], vectors: np.ndarray | None = None) -> UpsertResult:
        from communique.index.passage_text import lexical_text

        decided = self.status_of(release)
        if decided is not None:
            return decided
        existed = self.store.record_hash(release.id) is not None
        if vectors is None:
            vectors = self.embed_chunks(release, chunks)
        with self.conn.transaction():
            self._end("postings", "release_id = %(r)s", r=release.id)
            self._end("passages", "release_id = %(r)s", r=release.id)
            self._end("releases", "id = %(r)s", r=release.id)
            self._q("INSERT INTO releases (id, gen_from, lang, title, date, url, source, pair_id, metadata, text, "
                    "content_hash, record_hash, ingested_at) VALUES (%(id)s, %(s)s, %(lang)s, %(title)s, %(date)s, "
                    "%(url)s, %(source)s, %(pair)s, %(meta)s, %(text)s, %(ch)s, %(rh)s, %(at)s)",
                    id=release.id, lang=release.lang, title=release.title, date=release.date, url=release.url,
                    source=release.source, pair=release.pair_id,
                    meta=json.dumps(release.metadata, ensure_ascii=False, default=str), text=release.text,
                    ch=release.content_hash, rh=release.record_hash, at=now_iso())
            day = date_ordinal(release.date)
            grp = group_of(release.lang)
            rows: list[tuple] = []
            postings: list[tuple] = []
            for chunk, vector in zip(chunks, np.asarray(vectors, dtype=np.float32)):
                tokens = tokenize(lexical_text(release, chunk))
                vid = vector_id(chunk.id)
                rows.append((vid, self.staging, chunk.id, chunk.release_id, chunk.start, chunk.end, chunk.lang, grp,
                             day, chunk.text, len(tokens), vector))
                postings.extend((term, vid, self.staging, release.id, grp, day, float(tf), len(tokens))
                                for term, tf in Counter(tokens).items())
            with self.conn.cursor() as cur:
                cur.executemany('INSERT INTO passages (vid, gen_from, chunk_id, release_id, start, "end", lang, grp, '
                                "day, text, n_tokens, embedding) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                                rows)
                with cur.copy("COPY postings (term, vid, gen_from, release_id, grp, day, tf, n_tokens) FROM STDIN") as copy:
                    for posting in postings:
                        copy.write_row(posting)
        self._dirty = True
        return UpsertResult("updated" if existed else "added", chunks=len(chunks))

    def embed_chunks(self, release: Release, chunks: list[Chunk]) -> np.ndarray:
        from communique.index.passage_text import embedding_text

        return self.embedder.encode_documents([embedding_text(release, c) for c in chunks])

    def add_alias(self, alias: str, release_id: str) -> None:
        if alias == release_id:
            return
        rows = self._q("SELECT release_id FROM aliases WHERE alias = %(a)s AND gen_from <= %(s)s AND %(s)s < gen_to",
                       a=alias)
        if rows and rows[0][0] == release_id:
            return
        with self.conn.transaction():
            self._end("aliases", "alias = %(a)s", a=alias)
            self._q("INSERT INTO aliases (alias, gen_from, release_id) VALUES (%(a)s, %(s)s, %(r)s)", a=alias, r=release_id)
        self._dirty = True

    def remove(self, release_id: str) -> bool:
        if self.store.record_hash(release_id) is None:
            return False
        with self.conn.transaction():
            self._end("aliases", "(release_id = %(r)s OR alias = %(r)s)", r=release_id)
            self._end("postings", "release_id = %(r)s", r=release_id)
            self._end("passages", "release_id = %(r)s", r=release_id)
            self._end("releases", "id = %(r)s", r=release_id)
        self._dirty = True
        return True

    def set_pair(self, release_id: str, pair_id: str) -> None:
        cols = "id, lang, title, date, url, source, metadata, text, content_hash, record_hash, ingested_at"
        with self.conn.transaction():
            self._q("UPDATE releases SET pair_id = %(p)s WHERE id = %(r)s AND gen_from = %(s)s", p=pair_id, r=release_id)
            self._q(f"INSERT INTO releases ({cols}, pair_id, gen_from) SELECT {cols}, %(p)s, %(s)s FROM releases "
                    "WHERE id = %(r)s AND gen_from < %(s)s AND %(s)s < gen_to", p=pair_id, r=release_id)
            self._q("UPDATE releases SET gen_to = %(s)s WHERE id = %(r)s AND gen_from < %(s)s AND %(s)s < gen_to",
                    r=release_id)
        self._dirty = True

    # -- publication --------------------------------------------------------------------
    def commit(self, *, force: bool = False, reopen: bool = True) -> dict | None:
        """Publish the staged generation in one transaction; returns its counts (None when nothing changed)."""
        if not self._dirty and not force and self.current is not None:
            return None
        s = self.staging
        with self.conn.transaction():
            vis = "gen_from <= %(s)s AND %(s)s < gen_to"
            releases_by_lang = dict(self._q(f"SELECT lang, count(*) FROM releases WHERE {vis} GROUP BY lang"))
            chunks_by_lang = dict(self._q(f"SELECT lang, count(*) FROM passages WHERE {vis} GROUP BY lang"))
            avgdl = self._q(f"SELECT coalesce(avg(n_tokens), 1.0) FROM passages WHERE {vis}")[0][0]
            counts = {"releases": sum(releases_by_lang.values()), "chunks": sum(chunks_by_lang.values()),
                      "releases_by_lang": releases_by_lang, "chunks_by_lang": chunks_by_lang}
            self._q("INSERT INTO generations VALUES (%(s)s, %(r)s, %(c)s, %(rl)s, %(cl)s, %(avgdl)s, %(at)s)",
                    r=counts["releases"], c=counts["chunks"], rl=json.dumps(releases_by_lang),
                    cl=json.dumps(chunks_by_lang), avgdl=float(avgdl), at=now_iso())
            self._q("UPDATE communique_state SET current = %(s)s")
            for table in VERSIONED_TABLES:  # rows no generation still kept can see
                self._q(f"DELETE FROM {table} WHERE gen_to <= %(s)s - {KEEP_PREVIOUS}")
        self.current = s
        self._dirty = False
        self.staging = s + 1
        return counts

    def close(self) -> None:
        """Undo unpublished changes and release the lock (closing the session releases it)."""
        try:
            if not self.conn.closed:
                self._undo_unpublished()
        finally:
            self.conn.close()
