"""pgvector's HNSW beside the local FAISS IVF at 1M vectors: the same vectors, the same queries, one run.

Why: past one machine the index lives in PostgreSQL; what does pgvector's HNSW cost (load and
build time, disk) and give (latency, recall@10) at the size where the local index is an IVF?
The vectors are `bench.scale.synthetic` (the index's real chunk vectors plus jittered copies),
the queries are the golden questions' embeddings, and recall is against exact search
(`IndexFlatIP`) on the same vectors. The IVF is the one the product builds (`index.vectors.build_ivf`).

Settings (why): vectors are loaded by binary COPY; the column is STORAGE PLAIN so a 512-d vector
(2 KB) stays in its heap page rather than in TOAST; the build gets a `maintenance_work_mem` that
holds the whole graph (pgvector builds in memory and is far slower once it spills) and one
parallel worker (two cores). `hnsw.ef_search` is set on the one connection that times the
queries, before each point of the sweep, so no pooled connection can carry another value.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from communique.bench.stats import Stat
from communique.index.storage.pg_schema import HNSW_EF_CONSTRUCTION, HNSW_M

TARGET_P50_MS = 10.0
TARGET_RECALL = 0.95


@dataclass
class PgVectorSpec:
    """What to measure; `size` is the number of vectors (1M by default, smaller with --quick)."""

    size: int = 1_000_000
    ef_search: list[int] = field(default_factory=lambda: [40, 64, 100, 200, 400, 800])
    nprobe: list[int] = field(default_factory=lambda: [16, 32, 64, 128])
    m: int = HNSW_M  # what `pg_schema.ddl` creates (32 / 128); pgvector's own defaults 16 / 64 miss at 1M
    ef_construction: int = HNSW_EF_CONSTRUCTION
    maintenance_work_mem: str = "8GB"
    parallel_workers: int = 1
    storage_plain: bool = True
    k: int = 10
    passes: int = 2
    seed: int = 7


@dataclass
class SweepPoint:
    """One search setting (`ef_search` or `nprobe`): latency of single queries and recall@k."""

    param: str
    value: int
    latency: Stat
    recall: float

    @property
    def meets_target(self) -> bool:
        return self.latency.median <= TARGET_P50_MS and self.recall >= TARGET_RECALL

    def to_dict(self) -> dict[str, Any]:
        return {"param": self.param, "value": self.value, "latency_ms": self.latency.to_dict(),
                "recall@10": self.recall, "meets_target": self.meets_target}


@dataclass
class PgVectorResult:
    size: int
    dim: int
    queries: int
    k: int
    origin: dict[str, Any]
    versions: dict[str, str]
    spec: dict[str, Any]
    load_seconds: float
    build_seconds: float
    table_bytes: int  # heap + TOAST of the vectors' table
    index_bytes: int  # the HNSW index
    hnsw: list[SweepPoint]
    ivf_build_seconds: float
    ivf_bytes: int
    ivf_nlist: int
    ivf_product_nprobe: int
    ivf: list[SweepPoint]
    notices: list[str] = field(default_factory=list)

    @property
    def best_hnsw(self) -> SweepPoint | None:
        return best_point(self.hnsw)

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("hnsw", "ivf")}
        out["hnsw"] = [p.to_dict() for p in self.hnsw]
        out["ivf"] = [p.to_dict() for p in self.ivf]
        best = self.best_hnsw
        out["target_met"] = bool(best and best.meets_target)
        return out


def best_point(points: list[SweepPoint]) -> SweepPoint | None:
    """The fastest setting that meets the recall target, else the most accurate one."""
    if not points:
        return None
    good = [p for p in points if p.recall >= TARGET_RECALL]
    return min(good, key=lambda p: p.latency.median) if good else max(points, key=lambda p: p.recall)


def recall_at(found: list[list[int]], truth: np.ndarray, k: int) -> float:
    return float(np.mean([len(set(f[:k]) & set(t[:k].tolist())) / k for f, t in zip(found, truth)]))


def make_vectors(size: int, index_dir: Path | None, query_texts: list[str], seed: int,
                 embedder_name: str = "use") -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """(vectors, query vectors, where they come from): `bench.scale`'s generator and embedder."""
    from communique.bench.scale import real_vectors, synthetic
    from communique.index.embedders import get_embedder

    rng = np.random.default_rng(seed)
    real = None
    if index_dir is not None:
        real, embedder_name, _ = real_vectors(index_dir)
    embedder = get_embedder(embedder_name)
    queries = np.vstack([embedder.encode_query(t) for t in query_texts]).astype(np.float32)
    t0 = time.perf_counter()
    x, origin = synthetic(size, real, queries.shape[1], rng)
    origin["generate_seconds"] = time.perf_counter() - t0
    origin["embedder"] = embedder_name
    return x, queries, origin


def exact_truth(x: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    import faiss

    flat = faiss.IndexFlatIP(x.shape[1])
    flat.add(x)
    return flat.search(queries, k)[1]


def load_vectors(conn: Any, x: np.ndarray, *, storage_plain: bool) -> float:
    """Create `items` and COPY the vectors in binary; seconds taken."""
    conn.execute("DROP TABLE IF EXISTS items")
    conn.execute(f"CREATE TABLE items (id bigint PRIMARY KEY, embedding vector({x.shape[1]}) NOT NULL)")
    if storage_plain:
        conn.execute("ALTER TABLE items ALTER COLUMN embedding SET STORAGE PLAIN")
    t0 = time.perf_counter()
    with conn.cursor() as cur, cur.copy("COPY items (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["int8", "vector"])
        for i in range(len(x)):
            copy.write_row((i, x[i]))
    conn.execute("VACUUM ANALYZE items")
    return time.perf_counter() - t0


def build_hnsw(conn: Any, spec: PgVectorSpec) -> float:
    conn.execute(f"SET maintenance_work_mem = '{spec.maintenance_work_mem}'")
    conn.execute(f"SET max_parallel_maintenance_workers = {int(spec.parallel_workers)}")
    t0 = time.perf_counter()
    conn.execute(f"CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_ip_ops) "
                 f"WITH (m = {int(spec.m)}, ef_construction = {int(spec.ef_construction)})")
    seconds = time.perf_counter() - t0
    conn.execute("RESET maintenance_work_mem")
    return seconds


def hnsw_sweep(conn: Any, queries: np.ndarray, truth: np.ndarray, spec: PgVectorSpec) -> list[SweepPoint]:
    """Single queries on one connection, `hnsw.ef_search` set on it before each point (and
    sequential scans off on it: below ~100k vectors the planner under-rates the HNSW index)."""
    sql = "SELECT id FROM items ORDER BY embedding <#> %s LIMIT %s"
    conn.execute("SET enable_seqscan = off")
    if not uses_hnsw(conn, queries[0], spec.k):
        raise RuntimeError("the planner does not use the HNSW index for the top-k query")
    points = []
    for ef in spec.ef_search:
        conn.execute(f"SET hnsw.ef_search = {int(ef)}")
        shown = conn.execute("SHOW hnsw.ef_search").fetchone()
        if shown is None or int(shown[0]) != int(ef):
            raise RuntimeError(f"hnsw.ef_search is {shown}, expected {ef}")
        for q in queries[:5]:  # warm
            conn.execute(sql, (q, spec.k)).fetchall()
        samples: list[float] = []
        found: list[list[int]] = []
        for _ in range(spec.passes):
            found = []
            for q in queries:
                t0 = time.perf_counter()
                rows = conn.execute(sql, (q, spec.k)).fetchall()
                samples.append((time.perf_counter() - t0) * 1000.0)
                found.append([int(r[0]) for r in rows])
        points.append(SweepPoint("ef_search", int(ef), Stat.of(samples, "ms"), recall_at(found, truth, spec.k)))
    return points


def uses_hnsw(conn: Any, query: np.ndarray, k: int) -> bool:
    plan = conn.execute("EXPLAIN SELECT id FROM items ORDER BY embedding <#> %s LIMIT %s", (query, k)).fetchall()
    return any("items_hnsw" in row[0] for row in plan)


def ivf_sweep(x: np.ndarray, queries: np.ndarray, truth: np.ndarray,
              spec: PgVectorSpec) -> tuple[float, int, int, int, list[SweepPoint]]:
    """The product's IVF over the same vectors: (build s, bytes, nlist, product nprobe, sweep)."""
    import os

    import faiss

    from communique.index.vectors import build_ivf, ivf_nprobe

    faiss.omp_set_num_threads(os.cpu_count() or 1)  # the product builds on every core
    t0 = time.perf_counter()
    index: Any = build_ivf(np.arange(len(x), dtype=np.int64), x)  # IndexIVFFlat: faiss's stubs lack nlist/nprobe
    build_s = time.perf_counter() - t0
    nbytes = int(faiss.serialize_index(index).nbytes)
    faiss.omp_set_num_threads(1)  # a search is one query on one thread, as in `bench.scale`
    product = ivf_nprobe(index.nlist)
    points = []
    for nprobe in sorted({*spec.nprobe, product}):
        index.nprobe = int(nprobe)
        index.search(queries[:5], spec.k)
        samples: list[float] = []
        found: list[list[int]] = []
        for _ in range(spec.passes):
            found = []
            for q in queries:
                t1 = time.perf_counter()
                _, ids = index.search(q.reshape(1, -1), spec.k)
                samples.append((time.perf_counter() - t1) * 1000.0)
                found.append(ids[0].tolist())
        points.append(SweepPoint("nprobe", int(nprobe), Stat.of(samples, "ms"), recall_at(found, truth, spec.k)))
    return build_s, nbytes, int(index.nlist), product, points


def measure_pgvector(x: np.ndarray, queries: np.ndarray, spec: PgVectorSpec, uri: str,
                     origin: dict[str, Any] | None = None, log=print) -> PgVectorResult:
    """Load, build and sweep pgvector on the server at `uri`, then the local IVF on the same vectors."""
    import psycopg
    from pgvector.psycopg import register_vector

    from communique.bench.servers import server_versions

    versions = server_versions(uri)
    truth = exact_truth(x, queries, spec.k)
    notices: list[str] = []
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.add_notice_handler(lambda n: notices.append(str(n.message_primary)))
        register_vector(conn)
        log(f"pgvector: loading {len(x):,} vectors (binary COPY)…")
        load_s = load_vectors(conn, x, storage_plain=spec.storage_plain)
        log(f"pgvector: loaded in {load_s:.0f} s; building HNSW (m={spec.m}, ef_construction={spec.ef_construction}, "
            f"maintenance_work_mem={spec.maintenance_work_mem})…")
        build_s = build_hnsw(conn, spec)
        log(f"pgvector: HNSW built in {build_s:.0f} s; sweeping ef_search {spec.ef_search}…")
        sizes = conn.execute("SELECT pg_table_size('items'), pg_relation_size('items_hnsw')").fetchone()
        table_bytes, index_bytes = (int(sizes[0]), int(sizes[1])) if sizes else (0, 0)
        points = hnsw_sweep(conn, queries, truth, spec)
        conn.execute("DROP TABLE items")
    log("pgvector: the local IVF on the same vectors…")
    ivf_s, ivf_bytes, nlist, product, ivf_points = ivf_sweep(x, queries, truth, spec)
    return PgVectorResult(size=len(x), dim=int(x.shape[1]), queries=len(queries), k=spec.k, origin=origin or {},
                          versions=versions, spec=asdict(spec), load_seconds=load_s, build_seconds=build_s,
                          table_bytes=table_bytes, index_bytes=index_bytes, hnsw=points, ivf_build_seconds=ivf_s,
                          ivf_bytes=ivf_bytes, ivf_nlist=nlist, ivf_product_nprobe=product, ivf=ivf_points,
                          notices=notices[-10:])


def pgvector_task(args: dict[str, Any]) -> dict[str, Any]:
    """Worker: vectors, a server of its own, the measurement (`args`: a PgVectorSpec's fields, the
    source `index`, `queries` texts)."""
    import sys

    from communique.bench.memory import peak_rss_mb
    from communique.bench.servers import pg_server

    known = set(PgVectorSpec.__dataclass_fields__)
    spec = PgVectorSpec(**{k: v for k, v in args.items() if k in known})

    def log(msg: str) -> None:
        print(f"[bench] {msg}", file=sys.stderr, flush=True)

    x, queries, origin = make_vectors(spec.size, Path(args["index"]) if args.get("index") else None,
                                      list(args["queries"]), spec.seed)
    with pg_server() as server:
        result = measure_pgvector(x, queries, spec, server.uri, origin, log)
    return {**result.to_dict(), "peak_rss_mb": peak_rss_mb()}
