"""The plain LangChain recipe a team would assemble by hand, on the same corpus and embedder.

    docs = [Document(title + text, metadata)]            # the JSONL records, as they are
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    store = FAISS.from_documents(chunks, embedding)       # langchain_community
    store.similarity_search(question, k=5)

The title is prepended to each record's text (a courtesy to the baseline: our ingest does the
same for the embedder). The index is persisted with `save_local` (as a team would; we only
write it, never load it: `load_local` unpickles). `langchain-community` is a benchmark-only
dependency (the `bench` extra).
"""
from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


def load_documents(paths: Iterable[Path]) -> list[Any]:
    """One Document per JSONL record: title + text, with the record id and pair id as metadata."""
    from langchain_core.documents import Document

    docs = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError as exc:
                    raise ValueError(f"{path}:{line_no}: not JSON ({exc})") from exc
                text = f"{record.get('title', '')}\n\n{record.get('text', '')}".strip()
                if text:
                    docs.append(Document(page_content=text, metadata={
                        "id": str(record.get("id", f"{path.name}:{line_no}")), "pair_id": record.get("pair_id"),
                        "lang": record.get("lang")}))
    return docs


@dataclass
class BaselineBuild:
    store: Any  # langchain_community FAISS
    chunks: int
    seconds: float  # load + split + embed + index + save_local
    embed_seconds: float


def _timed(inner: Any) -> Any:
    """`inner` wrapped to time `embed_documents` (the embedder's share of the build)."""
    from langchain_core.embeddings import Embeddings

    class TimedEmbeddings(Embeddings):
        def __init__(self) -> None:
            self.inner = inner
            self.seconds = 0.0

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            t0 = time.perf_counter()
            try:
                return self.inner.embed_documents(texts)
            finally:
                self.seconds += time.perf_counter() - t0

        def embed_query(self, text: str) -> list[float]:
            return self.inner.embed_query(text)

    return TimedEmbeddings()


def build(paths: Iterable[Path], embedding: Any, *, save_to: Path | None = None) -> BaselineBuild:
    """Run the recipe end to end and time it."""
    from langchain_community.vectorstores import FAISS
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    timed = _timed(embedding)
    t0 = time.perf_counter()
    docs = load_documents(paths)
    chunks = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP).split_documents(docs)
    store = FAISS.from_documents(chunks, timed)
    with tempfile.TemporaryDirectory(prefix="bench-lc-") as tmp:
        store.save_local(str(save_to or tmp))
    seconds = time.perf_counter() - t0
    store.embedding_function = embedding
    return BaselineBuild(store=store, chunks=len(chunks), seconds=seconds, embed_seconds=timed.seconds)


def search_ids(store: Any, query: str, k: int) -> list[str]:
    """Release ids of the top-k chunks, in rank order (duplicates kept)."""
    return [doc.metadata["id"] for doc in store.similarity_search(query, k=k)]
