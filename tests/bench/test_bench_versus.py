from __future__ import annotations

import pytest

pytest.importorskip("langchain_community", reason="the LangChain baseline needs the bench extra: pip install -e '.[bench]'")

from communique.bench import langchain_baseline as lc  # noqa: E402
from communique.bench.corpus import pair_map  # noqa: E402
from communique.bench.versus import measure_versus, release_recall  # noqa: E402


def test_release_recall_counts_a_translation_and_an_announcement_once(sample_releases):
    keys = pair_map([sample_releases])
    assert keys["smp-ns-harbours-en"] == keys["smp-ns-harbours-fr"] == "pair:smp-ns-harbours"
    ranked = ["smp-canadarm3-en", "smp-canadarm3-fr", "smp-ns-harbours-fr"]
    assert release_recall(ranked, ["smp-ns-harbours-en"], keys, k=2) == 1.0  # canadarm3 counts once
    assert release_recall(ranked, ["smp-ns-harbours-en"], keys, k=1) == 0.0


def test_plain_recipe_builds_and_finds_the_release(sample_releases, tmp_path):
    from communique.index.embedders import get_embedder

    build = lc.build([sample_releases], get_embedder("use"), save_to=tmp_path / "lc")
    assert build.chunks > 32  # ~1,300-character releases split at 1,000 characters
    assert 0 < build.embed_seconds <= build.seconds
    assert (tmp_path / "lc" / "index.faiss").exists()
    ids = lc.search_ids(build.store, "wildfire equipment and crews in Alberta", 5)
    assert ids[0].startswith("smp-alberta-wildfire-equipment")


def test_load_documents_names_the_bad_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "title": "t", "text": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:2"):
        lc.load_documents([bad])


def test_measure_versus_on_samples(sample_releases, sample_queries, tmp_path):
    keep = tmp_path / "kept"
    result = measure_versus([sample_releases], sample_queries, tmp_path, runs=1, passes=1, keep_index=keep)
    assert (keep / "CURRENT").exists() and result.index_dir == str(keep)
    assert result.ours_chunks > 0 and result.baseline_chunks > 0
    assert result.questions == {"en-en": 1, "fr-fr": 1, "all": 2}  # the unanswerable one is not scored
    assert result.recall["en-en"]["ours"] == 1.0 and result.recall["en-en"]["langchain"] == 1.0
    assert result.ours_search_ms.n == 3 and result.baseline_search_1t_ms.n == 3
    data = result.to_dict()
    assert data["latency_ratio"] > 0 and data["ingest_ratio"]["n"] == 1
