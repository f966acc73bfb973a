"""Plain typed records shared by ingest, index, assistant and evals.

They carry no behaviour beyond (de)serialisation so that every layer can build
and read them without importing heavier modules (FAISS, models).
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


def stable_hash(*parts: str, length: int = 16) -> str:
    """Short hex digest of the joined parts: used for ids that must survive re-ingest."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclass
class Release:
    """One announcement in one language, with its cleaned text."""

    id: str
    lang: str
    text: str
    title: str = ""
    date: str | None = None  # ISO YYYY-MM-DD
    url: str = ""
    source: str = ""
    pair_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Same language and same text: an exact duplicate, stored once."""
        return stable_hash(self.lang, self.text, length=24)

    @property
    def record_hash(self) -> str:
        """Everything stored: when it changes, the release is replaced."""
        import json

        fields = [self.lang, self.title, self.date or "", self.url, self.source, self.pair_id or "", self.text,
                  json.dumps(self.metadata, sort_keys=True, ensure_ascii=False, default=str)]
        return stable_hash(*fields, length=24)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Release":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class Chunk:
    """A passage of a release; `text == release.text[start:end]` always holds."""

    id: str
    release_id: str
    start: int
    end: int
    text: str
    lang: str

    @staticmethod
    def make_id(release_id: str, start: int, end: int) -> str:
        return stable_hash(release_id, str(start), str(end))


@dataclass
class Hit:
    """A retrieved chunk with the facts about its release and how it scored."""

    chunk_id: str
    release_id: str
    text: str
    start: int
    end: int
    title: str
    date: str | None
    url: str
    lang: str
    pair_id: str | None
    source: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    score: float = 0.0  # fused score used for ranking
    dense_score: float | None = None  # cosine similarity, None if not a dense candidate
    lexical_score: float | None = None  # BM25 score, None if not a lexical candidate
    rank: int = 0  # 1-based
    translations: list[str] = field(default_factory=list)  # ids of the same announcement in other languages

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
