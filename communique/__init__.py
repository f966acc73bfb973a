"""Communiqué: bilingual (French/English) answers over official announcements, with exact citations.

One import name for the whole product; the folders at the repository's top level are its
subpackages (`communique.index`, `communique.ingest`, `communique.assistant`, `communique.ui`,
`communique.evals`, `communique.bench`), so the wheel adds no generic top-level names.

    from communique import Assistant, ingest_paths
    ingest_paths(["samples"], ".communique/index")
    answer = Assistant.open(".communique/index").ask("What is the 2025 EI premium rate?")

The names below are loaded lazily: `import communique` must not load FAISS or the embedders.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

# public name -> module that defines it (docs/interfaces.md documents each one)
_EXPORTS = {
    "Retriever": "communique.index.retriever",
    "IndexWriter": "communique.index.writer",
    "Release": "communique.index.models",
    "Chunk": "communique.index.models",
    "Hit": "communique.index.models",
    "IndexProblem": "communique.index.errors",
    "Assistant": "communique.assistant.assistant",
    "Answer": "communique.assistant.models",
    "Citation": "communique.assistant.models",
    "ingest_paths": "communique.ingest.pipeline",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'communique' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
