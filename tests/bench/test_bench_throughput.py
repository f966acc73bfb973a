from __future__ import annotations

from pathlib import Path

import pytest

from communique.bench.throughput import embed_seconds, ingested_texts, measure_throughput

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def test_ingested_texts_are_what_the_index_holds(samples_index):
    from communique.index.embedders import get_embedder
    from communique.index.retriever import Retriever

    texts = ingested_texts(samples_index)
    assert len(texts) == Retriever.open(samples_index).stats().chunks
    wall, cpu = embed_seconds(get_embedder("use"), texts[:5], batch=2)
    assert wall > 0 and cpu > 0


def test_measure_throughput_on_a_tiny_sample(tmp_path):
    if not (CORPUS / "provincial_releases_2020-2021.jsonl").exists():
        pytest.skip(f"shared corpus absent ({CORPUS})")
    r = measure_throughput(CORPUS, tmp_path, "use", teasers=6, provincial=1, runs=1)
    assert r.records == 7 and r.chunks >= 7
    assert r.embed_rate.median > 0 and r.ingest_rate.median > 0 and r.overhead.n == r.cpu_overhead.n == 1
    assert r.to_dict()["embed_rate"]["unit"] == "chunks/s"
