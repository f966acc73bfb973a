"""SQLite record store: releases (with cleaned text) and chunks (with their FAISS ids).

One file per index generation. Writers work on a private copy; readers open a published
generation read-only and immutable, so they never see a half-written state.

Readers also keep two promises about what they return: a file changed on disk after it was
verified is refused (`ChangeWatch`: one `stat` per read, a re-hash only when the kernel says
the file changed), and a passage whose offsets fall outside its release's text is reported as
damage (`IndexCorrupted`), never returned for a caller to quietly drop.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from communique.index.errors import IndexCorrupted
from communique.index.file_watch import ChangeWatch
from communique.index.models import Chunk, Release
from communique.index.pair_lexicon import OPENING_CHARS, opening

SCHEMA = """
CREATE TABLE IF NOT EXISTS releases (
    id TEXT PRIMARY KEY,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    pair_id TEXT,
    metadata TEXT NOT NULL,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    record_hash TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS releases_pair ON releases(pair_id);
CREATE INDEX IF NOT EXISTS releases_hash ON releases(content_hash);
CREATE TABLE IF NOT EXISTS chunks (
    vid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    release_id TEXT NOT NULL REFERENCES releases(id),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_release ON chunks(release_id);
CREATE TABLE IF NOT EXISTS aliases (alias TEXT PRIMARY KEY, release_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def vector_id(chunk_id: str) -> int:
    """FAISS ids are int64: the first 15 hex digits of the (hex) chunk id."""
    return int(chunk_id[:15], 16)


@dataclass
class ChunkRow:
    vid: int
    chunk: Chunk
    tokens: str  # space-joined lexical tokens (title, metadata and text)


class RecordStore:
    def __init__(self, path: Path, *, readonly: bool, watch: ChangeWatch | None = None) -> None:
        self.path = path
        self.readonly = readonly
        self._local = threading.local()
        self._shared: sqlite3.Connection | None = None
        self._watch = watch
        self._text_lengths: dict[str, int] = {}  # release id -> len(text); a published store never changes
        if readonly:
            if not path.exists():
                raise IndexCorrupted(f"{path}: record store missing")
            try:
                if sqlite3.threadsafety == 3:  # serialized SQLite: one connection may serve every thread
                    # Opened now, it keeps the file readable after a writer cleans this generation away;
                    # a per-thread connection opened later by a new thread would find no file.
                    self._shared = self._open_readonly()
                self._connect().execute("SELECT count(*) FROM releases").fetchone()
            except sqlite3.DatabaseError as exc:
                raise IndexCorrupted(f"{path}: record store unreadable ({exc})") from exc
        else:
            conn = self._connect()
            conn.executescript(SCHEMA)
            conn.commit()

    def _open_readonly(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn

    # Writers (and readers where SQLite is not serialized): one connection per thread.
    def _connect(self) -> sqlite3.Connection:
        if self._watch is not None:
            self._watch.check()
        if self._shared is not None:
            return self._shared
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.readonly:
                conn = self._open_readonly()
            else:
                conn = sqlite3.connect(str(self.path), check_same_thread=False)
                conn.execute("PRAGMA journal_mode=OFF")
                conn.execute("PRAGMA synchronous=OFF")  # the generation is fsynced before publishing
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    def close(self) -> None:
        if self._shared is not None:
            self._shared.close()
            self._shared = None
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- reads ------------------------------------------------------------------------
    @staticmethod
    def _release(row: sqlite3.Row) -> Release:
        return Release(
            id=row["id"], lang=row["lang"], text=row["text"], title=row["title"], date=row["date"],
            url=row["url"], source=row["source"], pair_id=row["pair_id"],
            metadata=json.loads(row["metadata"]),
        )

    def get_release(self, release_id: str) -> Release | None:
        row = self._connect().execute("SELECT * FROM releases WHERE id=?", (release_id,)).fetchone()
        if row is None:
            row = self._connect().execute(
                "SELECT r.* FROM aliases a JOIN releases r ON r.id = a.release_id WHERE a.alias=?", (release_id,)
            ).fetchone()
        return self._release(row) if row else None

    def resolve_aliases(self, ids: Iterable[str]) -> dict[str, str]:
        """alias id -> stored release id, for ids that were exact duplicates of a stored release."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            for row in self._connect().execute(f"SELECT alias, release_id FROM aliases WHERE alias IN ({marks})", part):
                out[row[0]] = row[1]
        return out

    def get_releases(self, ids: Iterable[str]) -> dict[str, Release]:
        """Releases by id; an alias (a duplicate's id) maps to the stored release."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, Release] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            for row in self._connect().execute(f"SELECT * FROM releases WHERE id IN ({marks})", part):
                out[row["id"]] = self._release(row)
        missing = [i for i in ids if i not in out]
        if missing:
            aliases = self.resolve_aliases(missing)
            stored = self.get_releases(set(aliases.values())) if aliases else {}
            for alias, target in aliases.items():
                if target in stored:
                    out[alias] = stored[target]
        return out

    def release_meta(self, ids: Iterable[str]) -> dict[str, sqlite3.Row]:
        """Release fields without the (possibly large) text."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, sqlite3.Row] = {}
        cols = "id, lang, title, date, url, source, pair_id, metadata"
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            for row in self._connect().execute(f"SELECT {cols} FROM releases WHERE id IN ({marks})", part):
                out[row["id"]] = row
        return out

    def record_hash(self, release_id: str) -> str | None:
        row = self._connect().execute("SELECT record_hash FROM releases WHERE id=?", (release_id,)).fetchone()
        return row[0] if row else None

    def release_by_hash(self, content_hash: str) -> str | None:
        row = self._connect().execute(
            "SELECT id FROM releases WHERE content_hash=? LIMIT 1", (content_hash,)
        ).fetchone()
        return row[0] if row else None

    def pair_members(self, pair_id: str) -> list[str]:
        return [r[0] for r in self._connect().execute("SELECT id FROM releases WHERE pair_id=?", (pair_id,))]

    def chunks_of(self, release_id: str) -> list[Chunk]:
        rows = self._connect().execute(
            "SELECT id, release_id, start, end, text, lang FROM chunks WHERE release_id=? ORDER BY start",
            (release_id,),
        )
        return self._within_texts([Chunk(r["id"], r["release_id"], r["start"], r["end"], r["text"], r["lang"])
                                   for r in rows])

    def chunk_vids(self, release_id: str) -> list[int]:
        return [r[0] for r in self._connect().execute("SELECT vid FROM chunks WHERE release_id=?", (release_id,))]

    def chunks_by_vid(self, vids: Iterable[int]) -> dict[int, Chunk]:
        vids = [int(v) for v in vids]
        out: dict[int, Chunk] = {}
        for i in range(0, len(vids), 500):
            part = vids[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._connect().execute(
                f"SELECT vid, id, release_id, start, end, text, lang FROM chunks WHERE vid IN ({marks})", part
            )
            for r in rows:
                out[r["vid"]] = Chunk(r["id"], r["release_id"], r["start"], r["end"], r["text"], r["lang"])
        self._within_texts(list(out.values()))
        return out

    def _within_texts(self, chunks: list[Chunk]) -> list[Chunk]:
        """Raise IndexCorrupted for a passage whose span is not inside its release's text."""
        if not self.readonly or not chunks:
            return chunks
        lengths = self._lengths({c.release_id for c in chunks})
        for c in chunks:
            length = lengths.get(c.release_id)
            if length is None:
                raise IndexCorrupted(f"{self.path}: passage {c.id} belongs to release {c.release_id!r}, "
                                     "which is not stored; rebuild with `communique ingest`")
            if not (isinstance(c.start, int) and isinstance(c.end, int) and 0 <= c.start <= c.end <= length
                    and isinstance(c.text, str) and len(c.text) == c.end - c.start):
                raise IndexCorrupted(f"{self.path}: passage {c.id} of release {c.release_id!r} spans "
                                     f"{str(c.start)[:20]}-{str(c.end)[:20]}, outside its text (0-{length}) or not "
                                     "the length of its own text; rebuild with `communique ingest`")
        return chunks

    def _lengths(self, release_ids: set[str]) -> dict[str, int]:
        missing = [rid for rid in release_ids if rid not in self._text_lengths]
        for i in range(0, len(missing), 500):
            part = missing[i : i + 500]
            marks = ",".join("?" * len(part))
            # SQLite's length() stops at a NUL character: such rarities are measured in Python
            query = f"SELECT id, length(text), instr(text, char(0)) FROM releases WHERE id IN ({marks})"
            for rid, length, nul in self._connect().execute(query, part):
                if nul:
                    length = len(self._connect().execute("SELECT text FROM releases WHERE id=?", (rid,)).fetchone()[0])
                if len(self._text_lengths) > 200_000:
                    self._text_lengths.clear()  # bounded: the cache is only an optimisation
                self._text_lengths[rid] = length
        return {rid: self._text_lengths[rid] for rid in release_ids if rid in self._text_lengths}

    def iter_chunk_tokens(self) -> Iterator[tuple[int, str, str | None, str]]:
        """(vid, chunk lang, release date, tokens) for every chunk, in vid order."""
        yield from self._connect().execute(
            "SELECT c.vid, c.lang, r.date, c.tokens FROM chunks c JOIN releases r ON r.id = c.release_id ORDER BY c.vid"
        )

    def iter_pair_openings(self) -> Iterator[tuple[str, str, str]]:
        """(pair id, lang, title and opening) of every linked release: what the pair lexicon learns from."""
        for pair_id, lang, title, start in self._connect().execute(
                f"SELECT pair_id, lang, title, substr(text, 1, {OPENING_CHARS}) FROM releases WHERE pair_id IS NOT NULL "
                "ORDER BY id"):  # a pair with two releases in one language: the first by id, as translation()
            yield pair_id, lang, opening(title or "", start or "")

    def counts_by_lang(self) -> tuple[dict[str, int], dict[str, int]]:
        conn = self._connect()
        releases = {r[0]: r[1] for r in conn.execute("SELECT lang, count(*) FROM releases GROUP BY lang")}
        chunks = {r[0]: r[1] for r in conn.execute("SELECT lang, count(*) FROM chunks GROUP BY lang")}
        return releases, chunks

    def all_release_ids(self) -> list[str]:
        return [r[0] for r in self._connect().execute("SELECT id FROM releases ORDER BY id")]

    def unpaired(self) -> list[sqlite3.Row]:
        return list(
            self._connect().execute(
                "SELECT id, lang, date, title FROM releases WHERE pair_id IS NULL AND date IS NOT NULL"
            )
        )

    def distinct_values(self, key: str, limit: int = 200) -> list[str]:
        rows = self._connect().execute(
            "SELECT DISTINCT json_extract(metadata, ?) AS v FROM releases WHERE v IS NOT NULL AND v != '' "
            "ORDER BY v LIMIT ?",
            (f"$.{key}", limit),
        )
        return [str(r[0]) for r in rows]

    # -- writes -----------------------------------------------------------------------
    def put_release(self, release: Release, rows: list[ChunkRow], ingested_at: str) -> None:
        conn = self._connect()
        self.delete_release(release.id, keep_aliases=True)
        conn.execute(
            "INSERT INTO releases VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                release.id, release.lang, release.title, release.date, release.url, release.source,
                release.pair_id, json.dumps(release.metadata, ensure_ascii=False), release.text,
                release.content_hash, release.record_hash, ingested_at,
            ),
        )
        conn.executemany(
            "INSERT OR REPLACE INTO chunks VALUES (?,?,?,?,?,?,?,?)",
            [(r.vid, r.chunk.id, r.chunk.release_id, r.chunk.start, r.chunk.end, r.chunk.lang, r.chunk.text, r.tokens)
             for r in rows],
        )

    def add_alias(self, alias: str, release_id: str) -> None:
        self._connect().execute("INSERT OR REPLACE INTO aliases VALUES (?,?)", (alias, release_id))

    def delete_release(self, release_id: str, *, keep_aliases: bool = False) -> list[int]:
        conn = self._connect()
        vids = self.chunk_vids(release_id)
        if not keep_aliases:
            conn.execute("DELETE FROM aliases WHERE release_id=? OR alias=?", (release_id, release_id))
        conn.execute("DELETE FROM chunks WHERE release_id=?", (release_id,))
        conn.execute("DELETE FROM releases WHERE id=?", (release_id,))
        return vids

    def set_pair(self, release_id: str, pair_id: str) -> None:
        self._connect().execute("UPDATE releases SET pair_id=? WHERE id=?", (pair_id, release_id))

    def set_setting(self, key: str, value: str) -> None:
        self._connect().execute("INSERT OR REPLACE INTO settings VALUES (?,?)", (key, value))

    def commit(self) -> None:
        self._connect().commit()
