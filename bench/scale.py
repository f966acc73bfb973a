"""The vector part at scale: exact `IndexFlatIP` against approximate IVF and HNSW, up to 1M vectors.

Vectors are synthetic. When a real index is given, they are its real chunk vectors plus
jittered copies of them (Gaussian noise, renormalised), the noise set so that a copy is as
close to its parent as a real chunk is to its nearest real neighbour (median): the clusters
and anisotropy of real embeddings are kept, which uniform random vectors (the worst case for
approximate search, and the fallback without a real index) do not have. Queries are real
question embeddings. Every search is one query on one thread with k=60, what the retriever
asks of each language's index; recall@10 and recall@60 are against exact search on the
same vectors. Built approximate indexes are cached on disk, keyed by their inputs.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from communique.bench.memory import peak_rss_mb
from communique.bench.stats import Stat

SEARCH_K = 60  # what Retriever asks of each language index (SearchSettings.candidates)
DEFAULTS: dict[str, Any] = {
    "sizes": [25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000],
    "ann": [  # (kind, size, build params, swept search parameter values; [0] when there is none)
        {"kind": "flat_fp16", "size": 100_000, "params": {}, "sweep": [0]},
        {"kind": "ivf", "size": 100_000, "params": {}, "sweep": [16, 32, 64, 128]},
        {"kind": "hnsw", "size": 100_000, "params": {"M": 32, "efConstruction": 64}, "sweep": [64, 128, 256]},
        {"kind": "ivf", "size": 1_000_000, "params": {}, "sweep": [16, 32, 64, 128, 256]},
        {"kind": "ivf_sq8", "size": 1_000_000, "params": {}, "sweep": [32, 64, 128]},
    ],
    "passes": 2,
    "seed": 7,
}


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    x /= norms
    return x


def real_vectors(index_dir: Path) -> tuple[np.ndarray, str, str]:
    """(all chunk vectors of an index, its embedder name, a digest of its vector files)."""
    import faiss

    from communique.index.generations import current_generation
    from communique.index.manifest import Manifest
    from communique.index.vectors import GROUPS, vector_file

    folder = current_generation(Path(index_dir))
    manifest = Manifest.read(folder)
    parts = []
    for group in GROUPS:
        index = faiss.read_index(str(folder / vector_file(group)))
        if index.ntotal:
            inner = faiss.downcast_index(index.index) if hasattr(index, "id_map") else index  # type: ignore[attr-defined]
            parts.append(inner.reconstruct_n(0, inner.ntotal))
    digest = hashlib.sha256(json.dumps({k: v for k, v in sorted(manifest.files.items()) if k.startswith("vectors")},
                                       sort_keys=True).encode()).hexdigest()[:12]
    return np.vstack(parts).astype(np.float32), manifest.embedder, digest


def nn_cosine(real: np.ndarray, sample: int, rng: np.random.Generator) -> float:
    """Median cosine between a real vector and its nearest other real vector."""
    pick = rng.choice(len(real), size=min(sample, len(real)), replace=False)
    sims = real[pick] @ real.T
    sims[np.arange(len(pick)), pick] = -1.0
    return float(np.median(sims.max(axis=1)))


def synthetic(n: int, real: np.ndarray | None, d: int, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, Any]]:
    """n normalised vectors: the real ones first, then jittered copies (or uniform random)."""
    out = np.empty((n, d), dtype=np.float32)
    block = 50_000
    if real is None or len(real) == 0:
        for i in range(0, n, block):
            m = min(block, n - i)
            out[i : i + m] = _normalise(rng.standard_normal((m, d), dtype=np.float32))
        return out, {"vectors": "uniform random on the unit sphere"}
    cos = min(max(nn_cosine(real, 2000, rng), 0.3), 0.98)
    noise = float(np.sqrt(1.0 / cos**2 - 1.0))
    keep = min(n, len(real))
    out[:keep] = real[:keep]
    for i in range(keep, n, block):
        m = min(block, n - i)
        parents = real[rng.integers(0, len(real), size=m)]
        out[i : i + m] = _normalise(parents + rng.standard_normal((m, d), dtype=np.float32) * (noise / np.sqrt(d)))
    return out, {"vectors": f"{keep:,} real chunk vectors + {n - keep:,} jittered copies",
                 "median_nn_cosine_real": cos, "noise_norm": noise}


def _search_latency(index: Any, queries: np.ndarray, passes: int) -> tuple[Stat, np.ndarray]:
    """One query at a time, one thread: ms per query, and the ids of the last pass."""
    ids = np.zeros((len(queries), SEARCH_K), dtype=np.int64)
    index.search(queries[:1], SEARCH_K)  # warm
    samples = []
    for _ in range(passes):
        for i in range(len(queries)):
            t0 = time.perf_counter()
            _, found = index.search(queries[i : i + 1], SEARCH_K)
            samples.append((time.perf_counter() - t0) * 1000.0)
            ids[i] = found[0]
    return Stat.of(samples, "ms"), ids


def recall(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    hits = [len(set(f[:k].tolist()) & set(t[:k].tolist())) / k for f, t in zip(found, truth)]
    return float(np.mean(hits))


def _build(kind: str, x: np.ndarray, params: dict[str, Any], rng: np.random.Generator,
           centroids: dict[tuple[int, int], np.ndarray]) -> tuple[Any, dict[str, Any]]:
    """A new index of `kind` over `x`; IVF kinds of one size share one trained coarse quantizer."""
    import faiss

    n, d = x.shape
    info: dict[str, Any] = {}
    index: Any  # faiss's index classes share no typed base with these attributes
    if kind == "flat_fp16":  # exact scan of half-precision codes: a drop-in for IndexFlatIP
        index = faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
        index.add(x)
        return index, info
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(d, int(params.get("M", 32)), faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = int(params.get("efConstruction", 64))
        index.add(x)
        info.update(M=index.hnsw.nb_neighbors(1), efConstruction=index.hnsw.efConstruction)
        return index, info
    nlist = int(params.get("nlist") or max(16, 2 * int(np.sqrt(n))))
    quantizer = faiss.IndexFlatIP(d)
    shared = centroids.get((n, nlist))
    if shared is not None:
        quantizer.add(shared)  # trained already: IVF training then only fits the encoder
    if kind == "ivf":
        index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
    elif kind == "ivf_sq8":
        index = faiss.IndexIVFScalarQuantizer(quantizer, d, nlist, faiss.ScalarQuantizer.QT_8bit,
                                              faiss.METRIC_INNER_PRODUCT)
    else:
        raise ValueError(f"unknown approximate index kind {kind!r}")
    train = x[rng.choice(n, size=min(n, 40 * nlist), replace=False)]
    index.train(train)
    centroids.setdefault((n, nlist), index.quantizer.reconstruct_n(0, nlist))
    index.add(x)
    info.update(nlist=nlist, trained_on=len(train), shared_quantizer=shared is not None)
    return index, info


def _set_search_param(index: Any, kind: str, value: int) -> str:
    if kind.startswith("flat"):
        return "setting"
    if kind == "hnsw":
        index.hnsw.efSearch = int(value)
        return "efSearch"
    index.nprobe = int(value)
    return "nprobe"


def approximate(kind: str, x: np.ndarray, params: dict[str, Any], sweep: list[int], queries: np.ndarray,
                truth: np.ndarray, *, passes: int, cache: Path | None, key: str, rng: np.random.Generator,
                centroids: dict[tuple[int, int], np.ndarray] | None = None) -> dict[str, Any]:
    """Build (or load from the cache) one approximate index and sweep its search parameter."""
    import faiss

    n = len(x)
    cached = cache / f"{kind}-{n}-{key}-{hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:8]}.faiss" if cache else None
    meta_path = cached.with_suffix(".json") if cached else None
    if cached is not None and meta_path is not None and cached.exists() and meta_path.exists():
        index = faiss.read_index(str(cached))
        meta = json.loads(meta_path.read_text())
        meta["cached"] = True
    else:
        faiss.omp_set_num_threads(os.cpu_count() or 1)  # builds use every core
        t0 = time.perf_counter()
        index, info = _build(kind, x, params, rng, {} if centroids is None else centroids)
        build_s = time.perf_counter() - t0
        meta = {"build_seconds": build_s, "build_vectors_per_second": n / build_s, **info, "cached": False}
        if cached is not None and meta_path is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            faiss.write_index(index, str(cached))
            meta_path.write_text(json.dumps({k: v for k, v in meta.items() if k != "cached"}))
    faiss.omp_set_num_threads(1)
    if cached is not None and cached.exists():
        meta["bytes"] = cached.stat().st_size
    points = []
    for value in sweep:
        name = _set_search_param(index, kind, value)
        latency, found = _search_latency(index, queries, passes)
        points.append({name: value, "recall@10": recall(found, truth, 10), "recall@60": recall(found, truth, SEARCH_K),
                       "latency_ms": latency.to_dict()})
    return {"kind": kind, "size": n, **meta, "points": points}


def scale_task(args: dict[str, Any]) -> dict[str, Any]:
    """Worker: exact search latency at each size, then the approximate indexes."""
    import faiss

    rng = np.random.default_rng(int(args.get("seed", DEFAULTS["seed"])))
    passes = int(args.get("passes", DEFAULTS["passes"]))
    sizes = sorted(int(s) for s in args.get("sizes", DEFAULTS["sizes"]))
    ann = args.get("ann", DEFAULTS["ann"])
    cache = Path(args["cache"]) if args.get("cache") else None
    real, embedder_name, digest = (None, args.get("embedder", "use"), "random")
    if args.get("index"):
        real, embedder_name, digest = real_vectors(Path(args["index"]))
    from communique.index.embedders import get_embedder

    embedder = get_embedder(embedder_name)
    queries = np.vstack([embedder.encode_query(q) for q in args["queries"]]).astype(np.float32)
    d = queries.shape[1]
    max_n = max(sizes + [a["size"] for a in ann])
    t0 = time.perf_counter()
    x, origin = synthetic(max_n, real, d, rng)
    origin["generate_seconds"] = time.perf_counter() - t0
    key = f"{digest}-s{args.get('seed', DEFAULTS['seed'])}"

    faiss.omp_set_num_threads(1)
    flat = faiss.IndexFlatIP(d)
    exact: list[dict[str, Any]] = []
    truth: dict[int, np.ndarray] = {}
    need_truth = {int(a["size"]) for a in ann}
    for size in sorted(set(sizes) | need_truth):
        flat.add(x[flat.ntotal : size])
        if size in sizes:
            latency, _ = _search_latency(flat, queries, passes)
            exact.append({"size": size, "latency_ms": latency.to_dict(), "bytes": size * d * 4})
        if size in need_truth:
            faiss.omp_set_num_threads(os.cpu_count() or 1)
            truth[size] = flat.search(queries, SEARCH_K)[1]
            faiss.omp_set_num_threads(1)
    del flat
    results = []
    centroids: dict[tuple[int, int], np.ndarray] = {}
    for spec in ann:
        size = int(spec["size"])
        results.append(approximate(spec["kind"], x[:size], dict(spec.get("params", {})), list(spec["sweep"]), queries,
                                   truth[size], passes=passes, cache=cache, key=key, rng=rng, centroids=centroids))
    product = product_store(x[:max_n], queries, truth[max_n], passes=passes, cache=cache, key=key) \
        if max_n in truth else None
    return {"dim": d, "queries": len(queries), "search_k": SEARCH_K, **origin, "exact": exact, "approximate": results,
            "product": product, "peak_rss_mb": peak_rss_mb()}


def product_store(x: np.ndarray, queries: np.ndarray, truth: np.ndarray, *, passes: int, cache: Path | None,
                  key: str) -> dict[str, Any]:
    """What the product itself does at this size: `VectorStore.rebalance()` picks the index type
    (`index/vectors.py`), and `VectorStore.search` is timed with its own nprobe."""
    import faiss

    from communique.index import vectors
    from communique.index.vectors import VectorStore, new_exact_index

    n, d = x.shape
    cached = cache / f"product-{n}-{vectors.EXACT_MAX_VECTORS}-{key}.faiss" if cache else None
    build_s = None
    if cached is not None and cached.exists():
        store = VectorStore(d)
        store.indexes["en"] = faiss.read_index(str(cached))
    else:
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        store = VectorStore(d)
        exact = new_exact_index(d)
        exact.add_with_ids(x, np.arange(n, dtype=np.int64))
        store.indexes["en"] = exact
        t0 = time.perf_counter()
        store.rebalance()
        build_s = time.perf_counter() - t0
        faiss.omp_set_num_threads(1)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            faiss.write_index(store.indexes["en"], str(cached))
    faiss.omp_set_num_threads(1)
    index = store.indexes["en"]
    found = np.zeros((len(queries), SEARCH_K), dtype=np.int64)
    store.search("en", queries[0], SEARCH_K)  # warm
    samples = []
    for _ in range(passes):
        for i, q in enumerate(queries):
            t0 = time.perf_counter()
            _, ids = store.search("en", q, SEARCH_K)
            samples.append((time.perf_counter() - t0) * 1000.0)
            found[i, : len(ids)] = ids
    kind = store.kinds()["en"]
    return {"size": n, "kind": kind, "nlist": int(getattr(index, "nlist", 0)) or None,
            "nprobe": int(getattr(index, "nprobe", 0)) or None, "build_seconds": build_s,
            "latency_ms": Stat.of(samples, "ms").to_dict(), "recall@10": recall(found, truth, 10),
            "recall@60": recall(found, truth, SEARCH_K)}


def flat_threshold(exact: list[dict[str, Any]], budget_ms: float) -> int | None:
    """Vectors per language index at which exact search's median reaches `budget_ms`.

    A scan costs the same per vector at every size (memory bandwidth), so the per-vector
    cost is the least-squares slope through the origin of the measured sizes."""
    if not exact:
        return None
    n = np.array([p["size"] for p in exact], dtype=float)
    ms = np.array([p["latency_ms"]["median"] for p in exact], dtype=float)
    per_vector = float(n @ ms / (n @ n))
    return int(budget_ms / per_vector) if per_vector > 0 else None


def operating_point(result: dict[str, Any], min_recall: float) -> dict[str, Any] | None:
    """The fastest swept setting whose recall@10 reaches `min_recall`, else the most accurate."""
    points = result.get("points", [])
    if not points:
        return None
    good = [p for p in points if p["recall@10"] >= min_recall]
    if good:
        return min(good, key=lambda p: p["latency_ms"]["median"])
    return max(points, key=lambda p: p["recall@10"])
