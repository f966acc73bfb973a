"""What each store indexes for a passage: the text the embedder sees and the text BM25 sees.

One definition for every writer (the local folder and PostgreSQL), so both backends score alike.
"""
from __future__ import annotations

from communique.index.models import Chunk, Release

SEARCHABLE_METADATA = ("department", "minister", "type", "speaker", "region", "topic", "location", "author")


def embedding_text(release: Release, chunk: Chunk) -> str:
    """What the embedder sees: the title gives short passages their context."""
    title = release.title.strip()
    if title and not chunk.text.startswith(title[:40]):
        return f"{title}\n{chunk.text}"
    return chunk.text


def lexical_text(release: Release, chunk: Chunk) -> str:
    """What BM25 indexes: the passage, its release title and descriptive metadata."""
    meta = " ".join(str(release.metadata.get(k, "")) for k in SEARCHABLE_METADATA if release.metadata.get(k))
    return f"{release.title} {meta} {chunk.text}"
