"""What the assistant returns: typed, JSON-serialisable, independent of how it was produced."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from index.models import Hit


@dataclass
class Citation:
    """`[n]` in the answer text: `quote == release.text[start:end]` always holds."""

    n: int
    release_id: str
    chunk_id: str
    title: str
    date: str | None
    url: str
    lang: str
    quote: str
    start: int
    end: int
    source: str = ""


@dataclass
class Answer:
    text: str
    language: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    presented: list[Hit] = field(default_factory=list)  # passages shown to the answerer
    timings: dict[str, float] = field(default_factory=dict)  # ms: retrieval, answering, total
    notice: str | None = None  # e.g. "LLM unavailable, extractive answer shown"
    question: str = ""
    resolved_question: str = ""  # after follow-up resolution

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
