"""compare_runs: metric deltas with direction, newly failed / newly passed questions."""
from evals.compare import compare_runs
from evals.report import write_run


def test_compare_runs(tmp_path, run_a, run_b):
    write_run(tmp_path / "a", *run_a)
    write_run(tmp_path / "b", *run_b)
    text = compare_runs(tmp_path / "a", tmp_path / "b")
    lines = text.splitlines()
    # q1: gold retrieved at rank 1 in both; q2 unchanged retrieval -> recall@1 unchanged
    assert any(l.split()[:4] == ["recall@1", "0.500", "0.500", "+0.000"] for l in lines)
    # A: q1 answered, q2 abstention 0 -> B: q1 abstained
    assert any(l.split() == ["false_abstention_rate", "0.000", "0.500", "+0.500", "WORSE"] for l in lines)
    assert any(l.split() == ["citation_recall", "0.500", "0.500", "+0.000"] for l in lines)
    assert any(l.split() == ["fact_coverage", "0.500", "0.500", "+0.000"] for l in lines)
    assert "lang=fr" in text and "kind=en-fr" in text
    assert "passed A 2 → B 2" in text
    failed = text.split("newly failed (1):")[1].split("newly passed")[0]
    assert "q1 [fr/fr-fr]" in failed and "abstained" in failed
    assert "q2 [en/en-fr]" in text.split("newly passed (1):")[1]


def test_compare_better_direction_for_latency(tmp_path, run_a):
    summary, results = run_a
    write_run(tmp_path / "a", summary, results)
    import copy

    faster = copy.deepcopy(summary)
    faster.overall["latency_p50_ms"] = 10.0
    faster.overall["latency_p95_ms"] = 380.0  # within the 10 % latency noise band
    faster.overall["recall@1"] = 0.25
    write_run(tmp_path / "b", faster, results)
    lines = compare_runs(tmp_path / "a", tmp_path / "b").splitlines()
    assert any(l.split() == ["latency_p50_ms", "250", "10", "-240", "better"] for l in lines)
    assert any(l.split() == ["recall@1", "0.500", "0.250", "-0.250", "WORSE"] for l in lines)
    assert any(l.split() == ["latency_p95_ms", "385", "380", "-5"] for l in lines)
    assert "newly failed (0):" in lines and "newly passed (0):" in lines


def test_compare_notes_different_golden_and_missing_questions(tmp_path, run_a, run_b):
    sa, ra = run_a
    sb, rb = run_b
    sb.config["golden_sha256"] = "other"
    write_run(tmp_path / "a", sa, ra)
    write_run(tmp_path / "b", sb, rb[:3])
    text = compare_runs(tmp_path / "a", tmp_path / "b")
    assert "note: golden_sha256 differs" in text
    assert "only in A (1): q4" in text
