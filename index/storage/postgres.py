"""The PostgreSQL + pgvector backend: reading one published generation (see `pg_schema`).

Dense search: one HNSW index per language group (partial indexes, `WHERE grp = 'fr'`), the
group literal in the SQL text so the planner can use the partial index; sequential and bitmap
scans are switched off for that one statement, because pgvector's cost estimate chose them
(112 ms, every vector detoasted) over the HNSW index (11.6 ms for one language) at 8k vectors. Lexical search:
BM25 over the `postings` table (see `pg_schema`) of the same folded tokens the local index
holds, with the same formula (k1 = 1.2, b = 0.75) and statistics, so the fusion gives the same
scores as the local folder (`tests/index/test_storage_contract.py` checks hit for hit).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import numpy as np

from communique.index.errors import IndexNotFound
from communique.index.lexical import K1, B
from communique.index.models import Chunk, Release
from communique.index.pair_lexicon import OPENING_CHARS, LexiconOnce, PairLexicon, opening
from communique.index.pair_lexicon import build as build_pair_lexicon
from communique.index.row_columns import date_ordinal
from communique.index.storage.contract import DenseMatch, Filters, LexicalMatch, ReleaseMeta, SnapshotInfo, Translation
from communique.index.storage.pg_rows import CHUNK_COLS, RELEASE_COLS, chunk_of, meta_of, release_of, visible
from communique.index.storage.pg_schema import (
    GROUPS,
    DatabaseUnavailable,
    display_uri,
    parse_vector,
    pool_for,
    require_index,
    unavailable,
    vector_text,
)
from communique.index.vectors import group_of

# For the dense statement only: with sequential and bitmap scans off the planner takes the HNSW
# index it otherwise under-rates below ~100k vectors (measured at 12.5k: 112 ms seq/bitmap scan
# against the index scan; recall of the top 60 per language 1.0 against the exact scan).
HNSW_ONLY = ("enable_seqscan = off", "enable_bitmapscan = off")


class PostgresStorage:
    """An index in a PostgreSQL database, reached through a shared connection pool."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.location = display_uri(uri)
        self.pool = pool_for(uri)

    @classmethod
    def connect(cls, uri: str) -> "PostgresStorage":
        return cls(uri)

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A pooled connection; a lost or refused database becomes DatabaseUnavailable."""
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self.pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise unavailable(self.location, exc) from exc

    def run(self, sql: str, params: dict[str, Any], *, local_settings: tuple[str, ...] = ()) -> list[tuple]:
        """Rows of one read (`local_settings`: SET LOCAL for this statement only); on a lost
        connection the pool drops its broken connections and the read is tried once more
        before DatabaseUnavailable."""
        import psycopg

        for attempt in (1, 2):
            try:
                with self.connection() as conn:
                    if not local_settings:
                        return conn.execute(sql, params).fetchall()
                    with conn.transaction():
                        for setting in local_settings:
                            conn.execute(f"SET LOCAL {setting}")
                        return conn.execute(sql, params).fetchall()
            except DatabaseUnavailable as exc:
                if attempt == 2 or not isinstance(exc.__cause__, psycopg.OperationalError):
                    raise
                self.pool.check()
        raise AssertionError("unreachable")

    def current_name(self) -> str | None:
        gen = self.current_generation()
        return None if gen is None else generation_name(gen)

    def current_generation(self) -> int | None:
        rows = self.run("SELECT current FROM communique_state", {})
        return rows[0][0] if rows else None

    def open_snapshot(self, *, verify: bool) -> "PostgresSnapshot":
        """The published generation; `verify` has nothing to check here (PostgreSQL keeps its own pages)."""
        with self.connection() as conn:
            embedder, dim = require_index(conn, self.location)
            row = conn.execute(
                "SELECT g.gen, g.releases, g.chunks, g.releases_by_lang, g.chunks_by_lang, g.avgdl, g.last_ingest, "
                "s.created FROM communique_state s JOIN generations g ON g.gen = s.current"
            ).fetchone()
        if row is None:
            raise IndexNotFound(f"{self.location}: no published index yet; build one with "
                                f"`communique ingest PATH --index {self.location}`")
        return PostgresSnapshot(self, embedder=embedder, dim=dim, gen=row[0], releases=row[1], chunks=row[2],
                                releases_by_lang=row[3], chunks_by_lang=row[4], avgdl=row[5], last_ingest=row[6],
                                created=row[7])


def generation_name(gen: int) -> str:
    return f"gen-{gen:06d}"


class PostgresSnapshot:
    """Generation `gen` of a database index: every query filters on it."""

    def __init__(self, storage: PostgresStorage, *, embedder: str, dim: int, gen: int, releases: int, chunks: int,
                 releases_by_lang: dict[str, int], chunks_by_lang: dict[str, int], avgdl: float, last_ingest: str,
                 created: str) -> None:
        self.storage = storage
        self.gen = gen
        self.name = generation_name(gen)
        self._embedder, self._dim = embedder, dim
        self._releases, self._chunks = releases, chunks
        self._releases_by_lang, self._chunks_by_lang = dict(releases_by_lang), dict(chunks_by_lang)
        self.avgdl = avgdl or 1.0
        self._last_ingest, self._created = last_ingest, created
        self._pair_lexicon = LexiconOnce(self._learn_pair_lexicon)

    @property
    def embedder(self) -> str:
        return self._embedder

    @property
    def dim(self) -> int:
        return self._dim

    def _rows(self, sql: str, **params: Any) -> list[tuple]:
        return self.storage.run(sql, {"g": self.gen, **params})

    def info(self) -> SnapshotInfo:
        departments = [r[0] for r in self._rows(
            "SELECT DISTINCT metadata->>'department' AS v FROM releases WHERE " + visible("releases")
            + " AND coalesce(metadata->>'department', '') <> '' ORDER BY v LIMIT 200")]
        size = self._rows("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                          "WHERE c.relname IN ('releases', 'passages', 'aliases', 'generations')")[0][0]
        return SnapshotInfo(
            generation=self.name, embedder=self._embedder, dim=self._dim, releases=self._releases,
            chunks=self._chunks, releases_by_lang=dict(self._releases_by_lang), chunks_by_lang=dict(self._chunks_by_lang),
            size_bytes=int(size), created=self._created, last_ingest=self._last_ingest, departments=departments,
        )

    # -- records --------------------------------------------------------------------------
    def release(self, release_id: str) -> Release | None:
        return self.releases([release_id]).get(release_id)

    def _resolve_aliases(self, ids: list[str]) -> dict[str, str]:
        rows = self._rows("SELECT alias, release_id FROM aliases WHERE alias = ANY(%(ids)s) AND " + visible("aliases"),
                          ids=ids)
        return {a: r for a, r in rows}

    def releases(self, ids: Iterable[str]) -> dict[str, Release]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        rows = self._rows(f"SELECT {RELEASE_COLS}, text FROM releases WHERE id = ANY(%(ids)s) AND "
                          + visible("releases"), ids=ids)
        out = {row[0]: release_of(row) for row in rows}
        missing = [i for i in ids if i not in out]
        if missing:
            aliases = self._resolve_aliases(missing)
            stored = self.releases(list(set(aliases.values()))) if aliases else {}
            out.update({alias: stored[target] for alias, target in aliases.items() if target in stored})
        return out

    def release_meta(self, ids: Iterable[str]) -> dict[str, ReleaseMeta]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        rows = self._rows(f"SELECT {RELEASE_COLS} FROM releases WHERE id = ANY(%(ids)s) AND " + visible("releases"),
                          ids=ids)
        return {row[0]: meta_of(row) for row in rows}

    def pair_members(self, pair_id: str) -> list[str]:
        rows = self._rows("SELECT id FROM releases WHERE pair_id = %(p)s AND " + visible("releases") + " ORDER BY id",
                          p=pair_id)
        return [r[0] for r in rows]

    def pair_lexicon(self) -> PairLexicon:
        return self._pair_lexicon.get()

    def _learn_pair_lexicon(self) -> PairLexicon:
        """From this generation's pairs, on first use (one query, ~1 s per 3,000 pairs), then kept."""
        rows = self._rows(f"SELECT pair_id, lang, title, left(text, {OPENING_CHARS}) FROM releases "
                          "WHERE pair_id IS NOT NULL AND " + visible("releases") + " ORDER BY id")
        return build_pair_lexicon((p, lang, opening(t or "", x or "")) for p, lang, t, x in rows)

    def pairs(self, pair_ids: Iterable[str]) -> dict[str, list[str]]:
        wanted = list(dict.fromkeys(pair_ids))
        out: dict[str, list[str]] = {p: [] for p in wanted}
        if wanted:
            for pair_id, rid in self._rows("SELECT pair_id, id FROM releases WHERE pair_id = ANY(%(p)s) AND "
                                           + visible("releases") + " ORDER BY id", p=wanted):
                out[pair_id].append(rid)
        return out

    def chunks_of(self, release_id: str) -> list[Chunk]:
        rows = self._rows(f"SELECT {CHUNK_COLS} FROM passages WHERE release_id = %(r)s AND " + visible("passages")
                          + " ORDER BY start", r=release_id)
        return [chunk_of(r) for r in rows]

    def translation(self, pair_id: str, lang: str, exclude: str) -> Translation | None:
        rows = self._rows(
            f"SELECT {', '.join('r.' + c for c in RELEASE_COLS.split(', '))}, p.vid, p.chunk_id, p.release_id, p.start, "
            'p."end", p.text, p.lang, p.embedding::text FROM releases r JOIN passages p ON p.release_id = r.id '
            "WHERE r.pair_id = %(p)s AND r.lang = %(lang)s AND r.id <> %(ex)s AND " + visible("r") + " AND "
            + visible("p") + " ORDER BY r.id, p.start", p=pair_id, lang=lang, ex=exclude)
        if not rows:
            return None
        first = rows[0][0]
        rows = [r for r in rows if r[0] == first]
        chunks = [chunk_of(r[8:15]) for r in rows]
        vectors = {int(r[8]): parse_vector(r[15]) for r in rows} if group_of(lang) == group_of(rows[0][1]) else {}
        return Translation(meta_of(rows[0][:8]), chunks, vectors)

    def chunks_by_vid(self, vids: Iterable[int]) -> dict[int, Chunk]:
        vids = [int(v) for v in vids]
        if not vids:
            return {}
        rows = self._rows(f"SELECT {CHUNK_COLS} FROM passages WHERE vid = ANY(%(v)s) AND " + visible("passages"),
                          v=vids)
        return {int(r[0]): chunk_of(r) for r in rows}

    def vectors_of(self, group: str, vids: Iterable[int]) -> dict[int, np.ndarray]:
        vids = [int(v) for v in vids]
        if not vids:
            return {}
        rows = self._rows("SELECT vid, embedding::text FROM passages WHERE vid = ANY(%(v)s) AND grp = %(grp)s AND "
                          + visible("passages"), v=vids, grp=group_of(group))
        return {int(v): parse_vector(e) for v, e in rows}

    # -- search ---------------------------------------------------------------------------
    def groups(self) -> list[str]:
        present = {group_of(lang) for lang, n in self._chunks_by_lang.items() if n}
        return [g for g in GROUPS if g in present]

    @staticmethod
    def _date_clause(filters: Filters, alias: str) -> tuple[str, dict[str, Any]]:
        if not filters.by_date:
            return "", {}
        lo = date_ordinal(filters.date_from) if filters.date_from else 0
        hi = date_ordinal(filters.date_to) if filters.date_to else 10**9
        return (f" AND {alias}.day >= %(lo)s AND {alias}.day <= %(hi)s AND {alias}.day >= 0",
                {"lo": lo, "hi": hi})

    def dense_search(self, groups: list[str], query: np.ndarray, n: int, filters: Filters) -> dict[str, list[DenseMatch]]:
        """All groups in one round trip: one ORDER BY … LIMIT branch per group, each on its own
        partial HNSW index (the group is a literal from GROUPS, never user text)."""
        groups = [g for g in groups if g in GROUPS]
        out: dict[str, list[DenseMatch]] = {g: [] for g in groups}
        if not groups or n <= 0:
            return out
        dates, params = self._date_clause(filters, "passages")
        branches = [f"(SELECT '{g}' AS grp, vid, -(embedding <#> %(q)s::vector) AS cos FROM passages "
                    f"WHERE grp = '{g}' AND " + visible("passages") + dates
                    + " ORDER BY embedding <#> %(q)s::vector LIMIT %(n)s)" for g in groups]
        sql = " UNION ALL ".join(branches)
        for group, vid, cosine in self.storage.run(sql, {"g": self.gen, "q": vector_text(query), "n": n, **params},
                                                   local_settings=HNSW_ONLY):
            out[group].append(DenseMatch(int(vid), float(cosine)))
        for matches in out.values():  # relaxed_order iterative scans may return rows slightly out of order
            matches.sort(key=lambda m: (-m.cosine, m.vid))
        return out

    def lexical_search(self, terms: list[str], n: int, filters: Filters) -> list[LexicalMatch]:
        """BM25 over this generation's passages, the same formula and statistics as `index.lexical`."""
        terms = list(dict.fromkeys(t for t in terms if t))
        if not terms or n <= 0:
            return []
        where, params = self._date_clause(filters, "h")
        if filters.lang:
            where += " AND h.grp = %(grp)s"
            params["grp"] = group_of(filters.lang)
        rows = self._rows(
            """
            WITH hits AS (
                SELECT p.vid, p.grp, p.day, p.tf, p.n_tokens, count(*) OVER (PARTITION BY p.term)::float8 AS df
                FROM postings p WHERE p.term = ANY(%(terms)s) AND """ + visible("p") + """
            )
            SELECT h.vid, h.grp, sum(
                ln(1.0 + (%(docs)s - h.df + 0.5) / (h.df + 0.5))
                * h.tf * (%(k1)s + 1.0) / (h.tf + %(k1)s * (1.0 - %(b)s + %(b)s * h.n_tokens / %(avgdl)s))) AS score
            FROM hits h
            WHERE true""" + where + """
            GROUP BY h.vid, h.grp ORDER BY score DESC, h.vid LIMIT %(n)s
            """,
            terms=terms, docs=float(self._chunks), k1=K1, b=B, avgdl=float(self.avgdl), n=n, **params)
        return [LexicalMatch(int(v), float(s), g) for v, g, s in rows if s > 0]

    def document_frequency(self, term: str) -> int:
        return int(self._rows("SELECT count(*) FROM postings p WHERE p.term = %(t)s AND " + visible("p"),
                              t=term)[0][0])

    @property
    def passages(self) -> int:
        return self._chunks

    def close(self) -> None:
        """Nothing held: connections go back to the pool after each read."""
