"""What the retriever, the assistant and `info` need from storage, and nothing more.

Two backends implement it: the local folder (FAISS + SQLite + BM25 arrays, `index.storage.local`)
and PostgreSQL + pgvector (`index.storage.postgres`). The retriever only ever talks to one
`Snapshot`: one published generation, read whole for one question, so that a search and the
reads after it (release texts to quote, chunks, translations) agree even while an ingest in
another process publishes a newer generation. `tests/index/test_storage_contract.py` runs the
same tests against both backends: that suite is the definition of "works".

Why these methods: dense search is per language group (the retriever gives each language its
own candidates, see `index.fusion`), with the language/date filter pushed into the store so a
filtered query still gets `n` candidates; lexical search returns BM25 scores computed from the
same tokens (`index.text.tokenize`) on both backends, so fusion gives the same scores.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol, runtime_checkable

import numpy as np

from communique.index.models import Chunk, Release
from communique.index.pair_lexicon import PairLexicon


def now_iso() -> str:
    """The time of a write, as both writers record it (UTC, seconds)."""
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class UpsertResult:
    """What a writer did with one release."""

    status: str  # "added", "updated", "unchanged", "duplicate"
    chunks: int = 0
    duplicate_of: str | None = None


@dataclass(frozen=True)
class Filters:
    """Restrictions on the passages searched: source language and inclusive ISO dates."""

    lang: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    @property
    def by_date(self) -> bool:
        return self.date_from is not None or self.date_to is not None


@dataclass(frozen=True)
class DenseMatch:
    vid: int
    cosine: float


@dataclass(frozen=True)
class LexicalMatch:
    vid: int
    bm25: float
    group: str  # language group of the passage ("en", "fr", "other")


@dataclass(frozen=True)
class ReleaseMeta:
    """A release's fields without its (possibly large) text."""

    id: str
    lang: str
    title: str
    date: str | None
    url: str
    source: str
    pair_id: str | None
    metadata: dict[str, Any]


@dataclass
class Translation:
    """The version of an announcement in another language, with its passages and their vectors
    (what the retriever needs to show the asker's language version: one read, not four)."""

    meta: ReleaseMeta
    chunks: list[Chunk]  # in text order
    vectors: dict[int, np.ndarray]  # by vector id (index.store.vector_id of the chunk id)


@dataclass
class SnapshotInfo:
    """What `communique info` and `Retriever.stats()` report about one generation."""

    generation: str
    embedder: str
    dim: int
    releases: int
    chunks: int
    releases_by_lang: dict[str, int]
    chunks_by_lang: dict[str, int]
    size_bytes: int
    created: str
    last_ingest: str
    departments: list[str] = field(default_factory=list)


@runtime_checkable
class Snapshot(Protocol):
    """One published generation, never changing under its reader."""

    name: str  # the generation's name ("gen-000007"): two snapshots with one name hold the same data

    @property
    def embedder(self) -> str: ...
    @property
    def dim(self) -> int: ...

    def info(self) -> SnapshotInfo: ...

    # records
    def release(self, release_id: str) -> Release | None: ...  # an alias (a duplicate's id) resolves
    def releases(self, ids: Iterable[str]) -> dict[str, Release]: ...
    def release_meta(self, ids: Iterable[str]) -> dict[str, ReleaseMeta]: ...
    def pair_members(self, pair_id: str) -> list[str]: ...
    def pairs(self, pair_ids: Iterable[str]) -> dict[str, list[str]]: ...  # many at once: one round trip
    def pair_lexicon(self) -> PairLexicon: ...  # FR/EN equivalents learnt from the translation pairs
    def chunks_of(self, release_id: str) -> list[Chunk]: ...  # in text order
    def translation(self, pair_id: str, lang: str, exclude: str) -> Translation | None: ...  # first by id
    def chunks_by_vid(self, vids: Iterable[int]) -> dict[int, Chunk]: ...
    def vectors_of(self, group: str, vids: Iterable[int]) -> dict[int, np.ndarray]: ...

    # search
    def groups(self) -> list[str]: ...  # language groups holding at least one passage
    def dense_search(self, groups: list[str], query: np.ndarray, n: int,
                     filters: Filters) -> dict[str, list[DenseMatch]]: ...  # the n nearest per group
    def lexical_search(self, terms: list[str], n: int, filters: Filters) -> list[LexicalMatch]: ...
    def document_frequency(self, term: str) -> int: ...
    @property
    def passages(self) -> int: ...

    def close(self) -> None: ...


@runtime_checkable
class Writer(Protocol):
    """What ingest and `communique remove` use to change an index (`index.writer.IndexWriter` for a
    folder, `index.storage.pg_writer.PostgresWriter` for a database). Nothing is visible to
    readers before `commit()`, which publishes a whole new generation at once."""

    embedder: Any  # index.embedders.BaseEmbedder

    def status_of(self, release: Release) -> Any: ...  # "unchanged"/"duplicate" decided without embedding
    def upsert(self, release: Release, chunks: list[Chunk], vectors: np.ndarray | None = None) -> Any: ...
    def add_alias(self, alias: str, release_id: str) -> None: ...
    def remove(self, release_id: str) -> bool: ...
    def set_pair(self, release_id: str, pair_id: str) -> None: ...
    def commit(self, *, force: bool = False, reopen: bool = True) -> Any: ...
    def close(self) -> None: ...


@runtime_checkable
class Storage(Protocol):
    """Where an index lives: tells which generation is published and opens it."""

    location: str

    def current_name(self) -> str | None: ...  # cheap: checked before every question
    def open_snapshot(self, *, verify: bool) -> Snapshot: ...
