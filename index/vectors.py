"""FAISS vectors, one inner-product index per source language: exact, approximate when large.

Separate per-language indexes let the retriever give each language its own places in
the results (a multilingual embedder otherwise prefers mediocre passages in the
question's own language) and make a language filter free.

Index type per language, decided when a generation is saved (bench/README.md has the figures):
- up to `EXACT_MAX_VECTORS`: exact search, `IndexIDMap2(IndexFlatIP)` (~0.13 ms per 1,000
  vectors per query on one thread on an idle 2-core machine: 6.9 ms at 50k, 13.8 ms at 100k);
- above it: `IndexIVFFlat` (inner product, nlist ≈ 2·√n, trained on a sample, nprobe =
  max(64, nlist/16): recall@10 0.96 at 100k in 2.3 ms, 0.98 at 1M in 11 ms, against exact).
  IVF rather than HNSW because IVF can remove vectors (the writer's upsert is remove-then-add)
  and reconstruct them by id (hashtable direct map), and trains in a minute where HNSW takes
  tens of minutes to build on 2 cores.
An IVF index is retrained when it has grown 4x past the size it was trained for, and goes back
to exact search below half the threshold (hysteresis: no flip-flopping around the limit).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable

import faiss
import numpy as np

from communique.index.errors import IndexCorrupted
from communique.index.layout import GROUPS, vector_file

EXACT_MAX_VECTORS = 100_000  # exact search ≈ 14 ms here: the rest of a search fits in 20 ms
IVF_TRAIN_PER_LIST = 40  # k-means sample: vectors per list (FAISS warns below 39)
IVF_RETRAIN_GROWTH = 4.0
IVF_SEED = 1234
faiss.omp_set_num_threads(1)  # single queries: threads make one query much slower (DESIGN.md)


def group_of(lang: str) -> str:
    return lang if lang in ("en", "fr") else "other"


def new_exact_index(dim: int) -> faiss.Index:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def ivf_nlist(n: int) -> int:
    return max(16, 2 * int(math.sqrt(n)))


def ivf_nprobe(nlist: int) -> int:
    return min(nlist, max(64, nlist // 16))


def is_ivf(index: faiss.Index) -> bool:
    return isinstance(index, faiss.IndexIVFFlat)


def all_vectors(index: faiss.Index) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of every vector in an exact or IVF index."""
    n, d = int(index.ntotal), int(index.d)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, d), dtype=np.float32)
    if is_ivf(index):
        ids, parts = [], []
        invlists = index.invlists
        for list_no in range(index.nlist):
            size = invlists.list_size(list_no)
            if size:
                ids.append(faiss.rev_swig_ptr(invlists.get_ids(list_no), size).copy())
                codes = faiss.rev_swig_ptr(invlists.get_codes(list_no), size * d * 4).copy()
                parts.append(codes.view(np.float32).reshape(size, d))
        return np.concatenate(ids).astype(np.int64), np.vstack(parts)
    ids = faiss.vector_to_array(index.id_map).astype(np.int64)
    return ids, faiss.downcast_index(index.index).reconstruct_n(0, n)


def build_ivf(ids: np.ndarray, vectors: np.ndarray) -> faiss.Index:
    n, d = vectors.shape
    nlist = ivf_nlist(n)
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(IVF_SEED)
    sample = vectors[rng.choice(n, size=min(n, IVF_TRAIN_PER_LIST * nlist), replace=False)]
    index.train(np.ascontiguousarray(sample))
    index.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct(id) for pairing and quotes
    index.nprobe = ivf_nprobe(nlist)
    index.add_with_ids(np.ascontiguousarray(vectors), ids)
    return index


def build_exact(ids: np.ndarray, vectors: np.ndarray, dim: int) -> faiss.Index:
    index = new_exact_index(dim)
    if len(ids):
        index.add_with_ids(np.ascontiguousarray(vectors), ids)
    return index


def wanted_kind(index: faiss.Index, exact_max: int) -> str:
    """'exact', 'ivf' (keep), or 'retrain' for this index's current size."""
    n = int(index.ntotal)
    if is_ivf(index):
        if n < exact_max // 2:
            return "exact"
        trained_for = (index.nlist / 2) ** 2
        return "retrain" if n > IVF_RETRAIN_GROWTH * trained_for else "ivf"
    return "retrain" if n > exact_max else "exact"


class VectorStore:
    def __init__(self, dim: int, indexes: dict[str, faiss.Index] | None = None,
                 exact_max: int | None = None) -> None:
        self.dim = dim
        self.indexes = indexes or {g: new_exact_index(dim) for g in GROUPS}
        self.exact_max = exact_max if exact_max is not None else EXACT_MAX_VECTORS

    @property
    def total(self) -> int:
        return sum(int(ix.ntotal) for ix in self.indexes.values())

    def kinds(self) -> dict[str, str]:
        return {g: ("ivf" if is_ivf(ix) else "exact") for g, ix in self.indexes.items()}

    @staticmethod
    def _selector(index: faiss.Index, ids: np.ndarray):
        # with a hashtable direct map, IVF removal needs an array selector (checked on faiss 1.15)
        return faiss.IDSelectorArray(ids) if is_ivf(index) else faiss.IDSelectorBatch(ids)

    def add(self, lang: str, vids: np.ndarray, vectors: np.ndarray, *, replace: bool = True) -> None:
        """Add vectors under `vids`; `replace=False` when the caller has just removed these ids
        (the writer's upsert): the removal scan costs ~1.6 ms per call at 48k vectors."""
        if len(vids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape[1] != self.dim:
            raise ValueError(f"vector dimension {vectors.shape[1]} does not match the index ({self.dim})")
        index = self.indexes[group_of(lang)]
        ids = np.ascontiguousarray(vids, dtype=np.int64)
        if replace:
            index.remove_ids(self._selector(index, ids))  # adding an existing id does not replace it
        index.add_with_ids(vectors, ids)

    def remove(self, vids: Iterable[int]) -> None:
        ids = np.ascontiguousarray(list(vids), dtype=np.int64)
        if len(ids):
            for index in self.indexes.values():
                index.remove_ids(self._selector(index, ids))

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
        selector = None
        if allowed is not None:
            if len(allowed) == 0:
                return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
            selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
        if is_ivf(index):
            params = faiss.SearchParametersIVF(sel=selector, nprobe=ivf_nprobe(index.nlist))
        else:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
        scores, ids = index.search(query.reshape(1, -1).astype(np.float32), min(k, index.ntotal), params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def rebalance(self) -> dict[str, str]:
        """Switch each language index to the type its size calls for; returns what changed."""
        changed = {}
        for group, index in list(self.indexes.items()):
            kind = wanted_kind(index, self.exact_max)
            if kind == "retrain":
                self.indexes[group] = build_ivf(*all_vectors(index))
                changed[group] = f"ivf (nlist {self.indexes[group].nlist})"
            elif kind == "exact" and is_ivf(index):
                self.indexes[group] = build_exact(*all_vectors(index), self.dim)
                changed[group] = "exact"
        return changed

    def save(self, folder: Path) -> list[str]:
        self.rebalance()
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
            if not isinstance(index, (faiss.IndexIDMap2, faiss.IndexIVFFlat)) or index.metric_type != faiss.METRIC_INNER_PRODUCT:
                raise IndexCorrupted(f"{path}: FAISS index of type {type(index).__name__}, not the id-mapped "
                                     "exact or IVF inner-product index this version writes")
            if isinstance(index, faiss.IndexIDMap2) and not isinstance(faiss.downcast_index(index.index), faiss.IndexFlatIP):
                raise IndexCorrupted(f"{path}: id-mapped index over {type(faiss.downcast_index(index.index)).__name__}, "
                                     "not IndexFlatIP")
            if index.d != dim:
                raise IndexCorrupted(f"{path}: vectors of dimension {index.d}, manifest says {dim}")
            if is_ivf(index):
                if not index.is_trained:
                    raise IndexCorrupted(f"{path}: IVF index not trained")
                if index.direct_map.type != faiss.DirectMap.Hashtable:
                    index.set_direct_map_type(faiss.DirectMap.Hashtable)
            indexes[group] = index
        return cls(dim, indexes)
