"""The `search-modes` section on the bundled samples index, through its real worker process (no
timings asserted: only that the three modes, the parts and the ratio are measured and reported)."""
from __future__ import annotations

from communique.bench.context import BenchConfig, BenchContext
from communique.bench.indexes import BuildInfo
from communique.bench.latency import time_alternating
from communique.bench.search_modes import MODES, PARTS, search_modes_section, section_passes


def test_the_order_alternates_per_pass_and_samples_stay_aligned():
    calls: list[tuple[str, str]] = []
    systems = {name: (lambda q, name=name: calls.append((name, q))) for name in ("a", "b", "c")}
    samples = time_alternating(systems, ["q1", "q2"], passes=2, warmup=0)
    assert calls == [("a", "q1"), ("b", "q1"), ("c", "q1"), ("a", "q2"), ("b", "q2"), ("c", "q2"),
                     ("c", "q1"), ("b", "q1"), ("a", "q1"), ("c", "q2"), ("b", "q2"), ("a", "q2")]
    assert {name: len(values) for name, values in samples.items()} == {"a": 4, "b": 4, "c": 4}


def test_passes_are_even_so_every_mode_runs_first_as_often_as_last():
    assert section_passes(BenchConfig(quick=True)) == 2
    assert section_passes(BenchConfig()) == 4
    assert section_passes(BenchConfig(passes=5)) == 6


def test_three_modes_their_parts_and_the_ratio_on_a_tiny_index(samples_index, sample_queries, tmp_path):
    config = BenchConfig(out_dir=tmp_path, quick=True, corpus=tmp_path, sections=("search-modes",), log=lambda _m: None)
    ctx = BenchContext(config, tmp_path, queries=sample_queries)
    ctx.shared_index = samples_index  # the ~10k-chunk index of a real run
    ctx.builds["shared"] = BuildInfo(index_dir=str(samples_index), chunks=0, releases=0, seconds=0.0, embed_seconds=0.0,
                                     peak_rss_mb=None, built_at="")
    result = search_modes_section(ctx)

    res = result.details["search_modes"]["~10k chunks"]
    assert set(res["ms"]) == {*MODES, *PARTS} and set(res["rest_ms"]) == set(MODES)
    assert {s["n"] for s in res["ms"].values()} == {len(sample_queries) * 2}  # 2 passes, aligned samples
    assert res["chunks"] > 0 and res["ratio_hybrid_dense"] > 0 and res["ratio_hybrid_dense_p95"] > 0
    rows = {f.name: f for f in result.figures}
    assert {f.section for f in result.figures} == {"search modes @ ~10k chunks"}
    assert [name for name in rows if not name.startswith("part:")] == [
        "hybrid (k=5)", "dense only (k=5)", "lexical only (k=5)", "hybrid / dense (medians)"]
    for name, mode in (("hybrid (k=5)", "hybrid"), ("dense only (k=5)", "dense"), ("lexical only (k=5)", "lexical")):
        assert rows[name].value == res["ms"][mode]["median"] > 0 and res["ms"][mode]["p95"] > 0
    ratio = rows["hybrid / dense (medians)"]
    assert ratio.value == res["ratio_hybrid_dense"] and ratio.unit == "×" and ratio.target == "≤ 1.0×"
    assert ratio.met is (ratio.value <= 1.0)
    assert [name for name in rows if name.startswith("part:")] == [
        "part: query embedding", "part: FAISS", "part: BM25", "part: fusion + hits, hybrid", "part: fusion + hits, dense"]
