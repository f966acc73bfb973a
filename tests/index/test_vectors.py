"""VectorStore: exact search below the threshold, IVF above, same behaviour through both."""
from __future__ import annotations

import faiss
import numpy as np
import pytest

from communique.index.errors import IndexCorrupted
from communique.index.vectors import VectorStore, all_vectors, ivf_nlist

DIM = 32


def _clustered(n: int, seed: int = 0) -> np.ndarray:
    """Unit vectors around 50 centres: the structure real embeddings have (uniform noise has none)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, DIM)).astype(np.float32)
    x = centres[rng.integers(0, 50, n)] + 0.35 * rng.normal(size=(n, DIM)).astype(np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _store(n: int, exact_max: int) -> tuple[VectorStore, np.ndarray]:
    store = VectorStore(DIM, exact_max=exact_max)
    x = _clustered(n)
    store.add("en", np.arange(n, dtype=np.int64) * 3 + 1, x)  # ids that are not positions
    return store, x


def test_small_index_stays_exact(tmp_path):
    store, _ = _store(500, exact_max=1_000)
    store.save(tmp_path)
    assert VectorStore.load(tmp_path, DIM).kinds() == {"en": "exact", "fr": "exact", "other": "exact"}


def test_above_threshold_becomes_ivf_with_high_recall(tmp_path):
    n = 6_000
    store, x = _store(n, exact_max=2_000)
    exact = VectorStore(DIM)
    exact.add("en", np.arange(n, dtype=np.int64) * 3 + 1, x)
    assert store.rebalance() == {"en": f"ivf (nlist {ivf_nlist(n)})"}
    store.save(tmp_path)
    loaded = VectorStore.load(tmp_path, DIM)
    assert loaded.kinds()["en"] == "ivf"
    queries = _clustered(100, seed=1)
    overlap = []
    for q in queries:
        _, truth = exact.search("en", q, 10)
        _, found = loaded.search("en", q, 10)
        overlap.append(len(set(truth) & set(found)) / 10)
    assert np.mean(overlap) >= 0.95


def test_ivf_keeps_update_remove_reconstruct_and_filters(tmp_path):
    store, x = _store(3_000, exact_max=1_000)
    store.save(tmp_path)
    store = VectorStore.load(tmp_path, DIM)
    store.exact_max = 1_000
    # reconstruct by id
    assert np.allclose(store.reconstruct("en", 4), x[1], atol=1e-6)
    # upsert replaces, never duplicates
    replacement = _clustered(1, seed=9)
    store.add("en", np.array([4]), replacement)
    assert store.indexes["en"].ntotal == 3_000
    assert np.allclose(store.reconstruct("en", 4), replacement[0], atol=1e-6)
    scores, vids = store.search("en", replacement[0], 1)
    assert vids[0] == 4 and scores[0] == pytest.approx(1.0, abs=1e-5)
    # remove
    store.remove([4, 7])
    assert store.indexes["en"].ntotal == 2_998
    assert store.reconstruct("en", 4) is None
    assert 4 not in store.search("en", replacement[0], 20)[1]
    # a filter limits results to the allowed ids
    allowed = np.array([10, 13, 16], dtype=np.int64)
    _, vids = store.search("en", x[3], 10, allowed=allowed)
    assert set(vids) <= set(allowed) and len(vids) >= 1
    assert len(store.search("en", x[3], 10, allowed=np.array([], dtype=np.int64))[1]) == 0


def test_shrinking_goes_back_to_exact_without_losing_vectors(tmp_path):
    store, x = _store(3_000, exact_max=2_000)
    store.rebalance()
    assert store.kinds()["en"] == "ivf"
    store.remove(np.arange(2_200, dtype=np.int64) * 3 + 1)  # 800 left < 2,000 / 2
    store.save(tmp_path)
    loaded = VectorStore.load(tmp_path, DIM)
    assert loaded.kinds()["en"] == "exact"
    ids, vectors = all_vectors(loaded.indexes["en"])
    assert sorted(ids.tolist()) == (np.arange(2_200, 3_000) * 3 + 1).tolist()
    assert np.allclose(vectors[np.argsort(ids)], x[2_200:], atol=1e-6)


def test_ivf_retrains_when_it_outgrows_its_lists():
    store, _ = _store(1_200, exact_max=1_000)
    store.rebalance()
    nlist = store.indexes["en"].nlist
    more = _clustered(20_000, seed=3)
    store.add("en", np.arange(20_000, dtype=np.int64) * 3 + 100_000, more)
    store.rebalance()
    assert store.indexes["en"].nlist > nlist and store.indexes["en"].ntotal == 21_200


def test_load_refuses_other_index_types(tmp_path):
    store, _ = _store(10, exact_max=1_000)
    store.save(tmp_path)
    faiss.write_index(faiss.IndexIDMap2(faiss.IndexFlatL2(DIM)), str(tmp_path / "vectors-fr.faiss"))
    with pytest.raises(IndexCorrupted, match="vectors-fr"):
        VectorStore.load(tmp_path, DIM)
    untrained = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIM), DIM, 4, faiss.METRIC_INNER_PRODUCT)
    faiss.write_index(untrained, str(tmp_path / "vectors-fr.faiss"))
    with pytest.raises(IndexCorrupted, match="not trained"):
        VectorStore.load(tmp_path, DIM)
