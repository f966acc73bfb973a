"""What the assistant needs from the retrieval library: the seam between `assistant` and `index`.

A typed protocol rather than the concrete `Retriever`, so that any store behind the same contract
(the local folder, PostgreSQL) serves the assistant, and tests can say exactly what they rely on.
"""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Protocol, Sequence

import numpy as np

from communique.index.models import Chunk, Hit, Release
from communique.index.pair_lexicon import PairLexicon

if TYPE_CHECKING:
    from communique.index.retriever import IndexStats


class DocumentEncoder(Protocol):
    """The index's embedder, as the assistant uses it: sentence similarity across languages."""

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray: ...


class Searcher(Protocol):
    """Search plus the record access that quoting needs, read from one index generation."""

    @property
    def embedder(self) -> DocumentEncoder: ...

    def search(self, query: str, k: int = 5, lang: str | None = None, date_from: str | _dt.date | None = None,
               date_to: str | _dt.date | None = None, *, query_lang: str | None = None, mode: str = "hybrid",
               collapse_pairs: bool = True, per_release: int = 1, department: str | None = None) -> list[Hit]: ...

    def release(self, release_id: str) -> Release | None: ...

    def releases(self, ids: list[str]) -> dict[str, Release]: ...

    def translations(self, release_id: str) -> list[Release]: ...

    def chunks_of(self, release_id: str) -> list[Chunk]: ...

    def idf(self, term: str) -> float: ...

    def pair_lexicon(self) -> PairLexicon: ...

    def pinned(self) -> "Searcher": ...

    def stats(self) -> "IndexStats": ...
