"""Communiqué's retrieval library: FAISS + BM25 over French and English releases.

    from communique.index import Retriever
    r = Retriever.open(".communique/index")
    hits = r.search("How much for Jasper?", k=5)
"""
from communique.index.errors import EmbedderMismatch, IndexBusy, IndexCorrupted, IndexNotFound, IndexProblem
from communique.index.models import Chunk, Hit, Release

__all__ = ["Retriever", "IndexWriter", "Release", "Chunk", "Hit", "IndexProblem", "IndexNotFound",
           "IndexCorrupted", "EmbedderMismatch", "IndexBusy"]


def __getattr__(name: str):
    # Lazy: importing `index.models` must not load FAISS and numpy-heavy modules.
    if name == "Retriever":
        from communique.index.retriever import Retriever

        return Retriever
    if name == "IndexWriter":
        from communique.index.writer import IndexWriter

        return IndexWriter
    raise AttributeError(name)
