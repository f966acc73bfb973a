"""Communiqué's retrieval library: FAISS + BM25 over French and English releases.

    from index import Retriever
    r = Retriever.open(".communique/index")
    hits = r.search("How much for Jasper?", k=5)
"""
from index.errors import EmbedderMismatch, IndexBusy, IndexCorrupted, IndexNotFound, IndexProblem
from index.models import Chunk, Hit, Release

__all__ = ["Retriever", "IndexWriter", "Release", "Chunk", "Hit", "IndexProblem", "IndexNotFound",
           "IndexCorrupted", "EmbedderMismatch", "IndexBusy"]


def __getattr__(name: str):
    # Lazy: importing `index.models` must not load FAISS and numpy-heavy modules.
    if name == "Retriever":
        from index.retriever import Retriever

        return Retriever
    if name == "IndexWriter":
        from index.writer import IndexWriter

        return IndexWriter
    raise AttributeError(name)
