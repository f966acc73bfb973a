"""FAISS vectors, one exact inner-product index per source language.

Separate per-language indexes let the retriever give each language its own places in
the results (a multilingual embedder otherwise prefers mediocre passages in the
question's own language) and make a language filter free. Exact search
(`IndexIDMap2(IndexFlatIP)`) on normalised vectors: ~6 ms per query at 100k chunks on one
thread; see `bench/` for where approximate indexes take over.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import faiss
import numpy as np

from index.errors import IndexCorrupted

GROUPS = ("en", "fr", "other")
faiss.omp_set_num_threads(1)  # single queries: threads make one query much slower (DESIGN.md)


def group_of(lang: str) -> str:
    return lang if lang in ("en", "fr") else "other"


def vector_file(group: str) -> str:
    return f"vectors-{group}.faiss"


class VectorStore:
    def __init__(self, dim: int, indexes: dict[str, faiss.Index] | None = None) -> None:
        self.dim = dim
        self.indexes = indexes or {g: faiss.IndexIDMap2(faiss.IndexFlatIP(dim)) for g in GROUPS}

    @property
    def total(self) -> int:
        return sum(int(ix.ntotal) for ix in self.indexes.values())

    def add(self, lang: str, vids: np.ndarray, vectors: np.ndarray) -> None:
        if len(vids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape[1] != self.dim:
            raise ValueError(f"vector dimension {vectors.shape[1]} does not match the index ({self.dim})")
        index = self.indexes[group_of(lang)]
        ids = np.asarray(vids, dtype=np.int64)
        index.remove_ids(faiss.IDSelectorBatch(ids))  # adding an existing id does not replace it
        index.add_with_ids(vectors, ids)

    def remove(self, vids: Iterable[int]) -> None:
        ids = np.asarray(list(vids), dtype=np.int64)
        if len(ids):
            selector = faiss.IDSelectorBatch(ids)
            for index in self.indexes.values():
                index.remove_ids(selector)

    def reconstruct(self, lang: str, vid: int) -> np.ndarray | None:
        try:
            return self.indexes[group_of(lang)].reconstruct(int(vid))
        except RuntimeError:
            return None

    def search(self, group: str, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, vids) of the k nearest vectors in one language group; -1 vids are padding."""
        index = self.indexes[group]
        if index.ntotal == 0 or k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        params = None
        if allowed is not None:
            if len(allowed) == 0:
                return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)))
        scores, ids = index.search(query.reshape(1, -1).astype(np.float32), min(k, index.ntotal), params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def save(self, folder: Path) -> list[str]:
        names = []
        for group, index in self.indexes.items():
            name = vector_file(group)
            faiss.write_index(index, str(folder / name))
            names.append(name)
        return names

    @classmethod
    def load(cls, folder: Path, dim: int) -> "VectorStore":
        indexes = {}
        for group in GROUPS:
            path = folder / vector_file(group)
            try:
                index = faiss.read_index(str(path))
            except RuntimeError as exc:
                raise IndexCorrupted(f"{path}: FAISS index unreadable ({str(exc).splitlines()[0][:200]})") from exc
            if not isinstance(index, faiss.IndexIDMap2) or index.metric_type != faiss.METRIC_INNER_PRODUCT:
                raise IndexCorrupted(f"{path}: FAISS index of type {type(index).__name__}, not the id-mapped "
                                     "inner-product index this version writes")
            if index.d != dim:
                raise IndexCorrupted(f"{path}: vectors of dimension {index.d}, manifest says {dim}")
            indexes[group] = index
        return cls(dim, indexes)
