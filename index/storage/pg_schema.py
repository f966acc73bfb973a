"""PostgreSQL + pgvector: the schema, its version check, and the connection pool.

Generations without copies: every row carries the generation that added it (`gen_from`) and
the one that replaced or removed it (`gen_to`, open-ended by default). Generation g sees the
rows with gen_from <= g < gen_to. A writer stages generation current+1 (its rows are invisible
to readers) and publishes it by moving `communique_state.current` in one transaction; a reader
pins the generation number once per question, so every read of that question sees one state.

Needs PostgreSQL >= 15 and pgvector >= 0.8 (iterative index scans keep filtered HNSW searches
complete). No `unaccent`: accents are folded in Python (`index.text.tokenize`) before indexing
and before querying, exactly as the local BM25 does.

Lexical search is BM25 over a `postings` table (term, passage, term frequency, passage length),
read through its primary key with the columns it needs included (index-only scans). A first
version kept a `tsvector` per passage and took term frequencies from `unnest(tsv)`: identical
scores, but 180 ms a query at 12.5k passages (every matching passage's whole vector unnested);
`ts_rank` is fast but is not BM25, and the `french`/`english` stemmers would rank differently
from the local index. The postings table scores the same as `index.lexical`, reading only the
postings of the query's terms, as the local index does.
"""
from __future__ import annotations

import json
import os
import re
import threading
from typing import Any

import numpy as np

from communique.index.errors import IndexCorrupted, IndexNotFound, IndexProblem

SCHEMA_VERSION = 1
OPEN = 2_147_483_647  # gen_to of a row not replaced yet
KEEP_PREVIOUS = 1  # generations kept readable behind the current one, as in the local folder


def _setting(name: str, default: int, low: int, high: int) -> int:
    """An integer server-side setting from the environment, checked (it is written into SQL)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValueError(f"{name}={raw!r}: expected a whole number from {low} to {high}")
    return int(raw)


# HNSW candidate list: above the retriever's 2 x 60 candidates per language.
EF_SEARCH = _setting("COMMUNIQUE_PG_EF_SEARCH", 200, 10, 1000)
# HNSW graph settings, used when the indexes are created. pgvector's defaults (16, 64) give recall@10
# 0.87 at ef_search 200 on 1M vectors here; 32 and 128 give 0.981 at 8.1 ms (0.955 at 4.8 ms with
# ef_search 100), for a 2.7x longer build (`communique bench --only pgvector`, docs/deployment.md).
HNSW_M = _setting("COMMUNIQUE_PG_HNSW_M", 32, 2, 100)
HNSW_EF_CONSTRUCTION = _setting("COMMUNIQUE_PG_HNSW_EF_CONSTRUCTION", 128, 4, 1000)
POOL_MAX = 8
GROUPS = ("en", "fr", "other")


class DatabaseUnavailable(IndexProblem):
    """The database cannot be reached (down, refused, network lost); retried at the next call."""


def as_array(value: Any) -> np.ndarray:
    """A float32 array from a pgvector value (a `Vector` or a list, depending on the loader)."""
    return np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=np.float32)


def display_uri(uri: str) -> str:
    """The URI without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", uri)


def ddl(dim: int) -> str:
    hnsw = "\n".join(
        f"CREATE INDEX IF NOT EXISTS passages_hnsw_{g} ON passages USING hnsw (embedding vector_ip_ops) "
        f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION}) WHERE grp = '{g}';" for g in GROUPS
    )
    return f"""
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS communique_schema (version integer NOT NULL);
CREATE TABLE IF NOT EXISTS communique_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    current integer, embedder text NOT NULL, dim integer NOT NULL, created text NOT NULL);
CREATE TABLE IF NOT EXISTS generations (
    gen integer PRIMARY KEY, releases integer NOT NULL, chunks integer NOT NULL,
    releases_by_lang jsonb NOT NULL, chunks_by_lang jsonb NOT NULL, avgdl double precision NOT NULL,
    last_ingest text NOT NULL);
CREATE TABLE IF NOT EXISTS releases (
    id text NOT NULL, gen_from integer NOT NULL, gen_to integer NOT NULL DEFAULT {OPEN},
    lang text NOT NULL, title text NOT NULL, date text, url text NOT NULL, source text NOT NULL,
    pair_id text, metadata jsonb NOT NULL, text text NOT NULL, content_hash text NOT NULL,
    record_hash text NOT NULL, ingested_at text NOT NULL, PRIMARY KEY (id, gen_from));
CREATE INDEX IF NOT EXISTS releases_pair ON releases (pair_id);
CREATE INDEX IF NOT EXISTS releases_hash ON releases (content_hash);
CREATE TABLE IF NOT EXISTS passages (
    vid bigint NOT NULL, gen_from integer NOT NULL, gen_to integer NOT NULL DEFAULT {OPEN},
    chunk_id text NOT NULL, release_id text NOT NULL, start integer NOT NULL, "end" integer NOT NULL,
    lang text NOT NULL, grp text NOT NULL, day integer NOT NULL, text text NOT NULL,
    n_tokens integer NOT NULL, embedding vector({dim}) NOT NULL,
    PRIMARY KEY (vid, gen_from));
CREATE INDEX IF NOT EXISTS passages_release ON passages (release_id);
CREATE TABLE IF NOT EXISTS postings (
    term text NOT NULL, vid bigint NOT NULL, gen_from integer NOT NULL, gen_to integer NOT NULL DEFAULT {OPEN},
    release_id text NOT NULL, grp text NOT NULL, day integer NOT NULL, tf real NOT NULL, n_tokens integer NOT NULL,
    PRIMARY KEY (term, vid, gen_from) INCLUDE (gen_to, grp, day, tf, n_tokens));
CREATE INDEX IF NOT EXISTS postings_release ON postings (release_id);
{hnsw}
CREATE TABLE IF NOT EXISTS aliases (
    alias text NOT NULL, gen_from integer NOT NULL, gen_to integer NOT NULL DEFAULT {OPEN},
    release_id text NOT NULL, PRIMARY KEY (alias, gen_from));
"""


VERSIONED_TABLES = ("releases", "passages", "postings", "aliases")


def check_schema(conn, location: str) -> tuple[str, int] | None:
    """(embedder, dim) of the index in this database, None when there is none yet."""
    found = conn.execute("SELECT to_regclass('communique_schema') IS NOT NULL").fetchone()[0]
    if not found:
        return None
    row = conn.execute("SELECT max(version) FROM communique_schema").fetchone()
    if row is None or row[0] != SCHEMA_VERSION:
        raise IndexCorrupted(f"{location}: schema version {row[0] if row else None}, this version of "
                             f"Communiqué reads version {SCHEMA_VERSION}; rebuild into a new database")
    state = conn.execute("SELECT embedder, dim FROM communique_state").fetchone()
    if state is None:
        raise IndexCorrupted(f"{location}: communique_state is empty; rebuild into a new database")
    return state[0], int(state[1])


def require_index(conn, location: str) -> tuple[str, int]:
    found = check_schema(conn, location)
    if found is None:
        raise IndexNotFound(f"{location}: no Communiqué index in this database; build one with "
                            f"`communique ingest PATH --index {location}`")
    return found


_POOLS: dict[str, Any] = {}
_POOLS_LOCK = threading.Lock()


def vector_text(vector) -> str:
    """pgvector's text form: readers send and read vectors as text, so a pooled connection needs
    no type registration (it may have been opened before the extension was created)."""
    return "[" + ",".join(repr(float(x)) for x in vector) + "]"


def parse_vector(text: str) -> np.ndarray:
    return np.asarray(json.loads(text), dtype=np.float32)


def _configure(conn) -> None:
    conn.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
    conn.execute("SET hnsw.iterative_scan = relaxed_order")  # filtered searches still return n rows


def pool_for(uri: str):
    """One pool per database per process, shared by every retriever opened on it.

    Connections are not checked at each checkout (that doubled the round trips of a search);
    a read that fails on a broken connection drops the broken ones and is retried once
    (`PostgresStorage.run`), so the first question after the database comes back is answered."""
    from psycopg_pool import ConnectionPool

    with _POOLS_LOCK:
        pool = _POOLS.get(uri)
        if pool is None:
            pool = ConnectionPool(uri, min_size=1, max_size=POOL_MAX, kwargs={"autocommit": True},
                                  configure=_configure, open=False,
                                  timeout=5.0, name="communique")
            pool.open(wait=False)
            _POOLS[uri] = pool
        return pool


def close_pools() -> None:
    """Close every pool of this process (tests, before they stop a server)."""
    with _POOLS_LOCK:
        for pool in _POOLS.values():
            pool.close()
        _POOLS.clear()


def unavailable(location: str, exc: Exception) -> DatabaseUnavailable:
    first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
    return DatabaseUnavailable(f"{location}: database unreachable ({first}); is PostgreSQL running? "
                               "Communiqué reconnects by itself when it is back")
