"""What the faces show beside an answer, read from the generation the answer was made from.

The chat used to call the index again after an answer (the passage around a quote, the title of a
translation) — possibly a newer generation than the one quoted. The answer now carries them.
"""
from __future__ import annotations

from typing import Any, Protocol

from communique.assistant.models import Answer, TranslationRef
from communique.index.models import Release

CONTEXT_CHARS = 240  # release text kept on each side of a quote


class RecordSource(Protocol):
    def release(self, release_id: str) -> Release | None: ...

    def translations(self, release_id: str) -> list[Release]: ...


def origin_of(release: Release) -> str:
    """Who issued the release: the department when the record names one, else its source."""
    meta: dict[str, Any] = release.metadata if isinstance(release.metadata, dict) else {}
    for key in ("department", "ministere", "organization"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return release.source or ""


def attach_context(answer: Answer, source: RecordSource, releases: dict[str, Release] | None = None) -> Answer:
    """Fill each citation's context and origin, and the translations of every release shown."""
    known = dict(releases or {})

    def release(release_id: str) -> Release | None:
        if release_id not in known:
            found = source.release(release_id)
            if found is None:
                return None
            known[release_id] = found
        return known[release_id]

    for citation in answer.citations:
        rel = release(citation.release_id)
        if rel is None or rel.text[citation.start : citation.end] != citation.quote:
            continue
        begin = word_boundary(rel.text, max(0, citation.start - CONTEXT_CHARS), backwards=True)
        end = word_boundary(rel.text, min(len(rel.text), citation.end + CONTEXT_CHARS))
        citation.context, citation.context_start = rel.text[begin:end], begin
        citation.origin = origin_of(rel)
    shown = list(dict.fromkeys([c.release_id for c in answer.citations] +
                               [h.release_id for h in answer.presented if h.translations]))
    for release_id in shown:
        refs = [TranslationRef(r.id, r.lang, r.title, r.url) for r in source.translations(release_id)]
        if refs:
            answer.translations[release_id] = refs
    return answer


def word_boundary(text: str, position: int, *, backwards: bool = False) -> int:
    """Move `position` to the nearest whitespace so a window does not cut a word (at most 30 chars)."""
    step = -1 if backwards else 1
    limit = 30
    while 0 < position < len(text) and not text[position].isspace() and limit:
        position += step
        limit -= 1
    return position
