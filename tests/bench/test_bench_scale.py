from __future__ import annotations

import numpy as np
import pytest

from communique.bench import scale


def test_uniform_vectors_are_normalised():
    x, origin = scale.synthetic(300, None, 16, np.random.default_rng(0))
    assert x.shape == (300, 16) and np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)
    assert "uniform" in origin["vectors"]


def test_jittered_copies_keep_real_vectors_and_sit_as_close_as_real_neighbours():
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((20, 32)).astype(np.float32)
    real = scale._normalise(np.repeat(centres, 10, axis=0) + 0.3 * rng.standard_normal((200, 32)).astype(np.float32))
    x, origin = scale.synthetic(1000, real, 32, rng)
    assert np.array_equal(x[:200], real)
    assert np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)
    # every copy's best real match is about as close as a real vector's nearest real neighbour
    best = (x[200:] @ real.T).max(axis=1)
    assert abs(float(np.median(best)) - origin["median_nn_cosine_real"]) < 0.1


def test_recall_threshold_and_operating_point():
    truth = np.array([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]])
    assert scale.recall(truth, truth, 10) == 1.0
    assert scale.recall(np.array([[1, 2, 3, 4, 5, 0, 0, 0, 0, 0]]), truth, 10) == 0.5
    exact = [{"size": n, "latency_ms": {"median": n / 100_000}} for n in (100_000, 200_000, 400_000)]
    assert scale.flat_threshold(exact, 5.0) == pytest.approx(500_000, abs=1)
    assert scale.flat_threshold(exact[:1], 2.0) == pytest.approx(200_000, abs=1)
    assert scale.flat_threshold([], 5.0) is None
    result = {"points": [
        {"nprobe": 8, "recall@10": 0.90, "latency_ms": {"median": 1.0}},
        {"nprobe": 16, "recall@10": 0.96, "latency_ms": {"median": 2.0}},
        {"nprobe": 32, "recall@10": 0.99, "latency_ms": {"median": 4.0}},
    ]}
    assert scale.operating_point(result, 0.95)["nprobe"] == 16
    assert scale.operating_point(result, 0.999)["nprobe"] == 32  # none good enough: the most accurate


def test_scale_task_on_real_sample_vectors(samples_index, tmp_path):
    """Tiny sizes; IVF probing every list must agree with exact search, and a cache is reused."""
    args = {"index": str(samples_index), "queries": ["wildfire equipment", "ports pour petits bateaux", "space robot arm"],
            "sizes": [1000, 2000], "passes": 1, "cache": str(tmp_path),
            "ann": [{"kind": "ivf", "size": 2000, "params": {"nlist": 8}, "sweep": [2, 8]},
                    {"kind": "hnsw", "size": 1000, "params": {"M": 8, "efConstruction": 32}, "sweep": [64]},
                    {"kind": "flat_fp16", "size": 1000, "params": {}, "sweep": [0]}]}
    out = scale.scale_task(args)
    assert "real chunk vectors" in out["vectors"] and out["dim"] == 512
    assert [p["size"] for p in out["exact"]] == [1000, 2000]
    ivf, hnsw, fp16 = out["approximate"]
    assert ivf["nlist"] == 8 and not ivf["cached"]
    assert ivf["points"][-1]["nprobe"] == 8 and ivf["points"][-1]["recall@60"] == pytest.approx(1.0)
    assert 0.0 < hnsw["points"][0]["recall@10"] <= 1.0
    assert fp16["points"][0]["recall@10"] > 0.98  # half precision barely changes the ranking
    assert out["product"]["kind"] == "exact" and out["product"]["recall@10"] == pytest.approx(1.0)
    again = scale.scale_task({**args, "ann": args["ann"][:1]})
    assert again["approximate"][0]["cached"] is True
    assert again["approximate"][0]["points"][-1]["recall@60"] == pytest.approx(1.0)


def test_scale_task_times_the_products_own_ivf_above_its_limit(samples_index, tmp_path, monkeypatch):
    """With the exact limit lowered, the product row is the IVF `VectorStore.rebalance()` builds."""
    import communique.index.vectors as vectors

    monkeypatch.setattr(vectors, "EXACT_MAX_VECTORS", 1000)
    args = {"index": str(samples_index), "queries": ["wildfire equipment", "ports pour petits bateaux", "space robot arm"],
            "sizes": [3000], "passes": 1, "cache": str(tmp_path),
            "ann": [{"kind": "ivf", "size": 3000, "params": {"nlist": 8}, "sweep": [8]}]}
    product = scale.scale_task(args)["product"]
    assert product["kind"] == "ivf" and product["nlist"] == vectors.ivf_nlist(3000)
    assert product["nprobe"] == vectors.ivf_nprobe(product["nlist"]) and product["build_seconds"] is not None
    assert 0.5 < product["recall@10"] <= 1.0
    assert scale.scale_task(args)["product"]["build_seconds"] is None  # cached
