"""compare_runs: metric deltas with direction, newly failed / newly passed questions."""
from communique.evals.compare import compare_runs
from communique.evals.report import write_run


def _row(lines, metric):
    """The first table row of `metric` (the overall table comes first), split on whitespace."""
    return next(row.split() for row in lines if row.split()[:1] == [metric])


def test_compare_runs(tmp_path, run_a, run_b):
    write_run(tmp_path / "a", *run_a, chart=False)
    write_run(tmp_path / "b", *run_b, chart=False)
    text = compare_runs(tmp_path / "a", tmp_path / "b")
    lines = text.splitlines()
    # q1: gold retrieved at rank 1 in both; q2 unchanged retrieval -> recall@1 unchanged
    assert _row(lines, "recall@1")[:4] == ["recall@1", "0.500", "0.500", "+0.000"]
    # A: q1 answered -> B: q1 abstained; 0.5 lies outside A's interval [0, 0] -> starred
    assert _row(lines, "false_abstention_rate") == ["false_abstention_rate", "0.000", "0.500", "+0.500",
                                                    "[0.000,", "0.000]", "WORSE", "*"]
    assert _row(lines, "citation_recall")[:4] == ["citation_recall", "0.500", "0.500", "+0.000"]
    assert _row(lines, "fact_coverage")[:4] == ["fact_coverage", "0.500", "0.500", "+0.000"]
    assert "lang=fr" in text and "kind=en-fr" in text and "class=where" in text and "split=heldout" in text
    assert "held-out split (A n=1, B n=1)" in text and "heldout kind=unanswerable" in text
    assert "passed A 2 → B 2" in text
    failed = text.split("newly failed (1):")[1].split("newly passed")[0]
    assert "q1 [fr/fr-fr]" in failed and "abstained" in failed
    assert "q2 [en/en-fr]" in text.split("newly passed (1):")[1]


def test_change_inside_the_interval_is_not_starred(tmp_path, run_a):
    import copy

    summary, results = run_a
    write_run(tmp_path / "a", summary, results, chart=False)
    low, high = summary.ci["overall"]["fact_coverage"]
    assert low < high
    inside, beyond = copy.deepcopy(summary), copy.deepcopy(summary)
    inside.overall["fact_coverage"] = (summary.overall["fact_coverage"] + high) / 2
    beyond.overall["fact_coverage"] = min(1.0, high + 0.01) if high < 1.0 else low - 0.01
    write_run(tmp_path / "inside", inside, results, chart=False)
    write_run(tmp_path / "beyond", beyond, results, chart=False)
    row_inside = _row(compare_runs(tmp_path / "a", tmp_path / "inside").splitlines(), "fact_coverage")
    row_beyond = _row(compare_runs(tmp_path / "a", tmp_path / "beyond").splitlines(), "fact_coverage")
    assert row_inside[-1] == "better" and "*" not in row_inside
    assert row_beyond[-1] == "*"


def test_held_out_questions_are_counted_not_listed(tmp_path, run_a, run_b):
    import copy

    sa, ra = run_a
    rb = copy.deepcopy(ra)
    rb[3].passed = True  # q4, held out, now passes
    write_run(tmp_path / "a", sa, ra, chart=False)
    write_run(tmp_path / "b", sa, rb, chart=False)
    text = compare_runs(tmp_path / "a", tmp_path / "b")
    assert "newly passed (0):" in text and "q4" not in text
    assert "held-out questions (not listed): 0 newly failed, 1 newly passed" in text


def test_compare_better_direction_for_latency(tmp_path, run_a):
    summary, results = run_a
    write_run(tmp_path / "a", summary, results, chart=False)
    import copy

    faster = copy.deepcopy(summary)
    faster.overall["latency_p50_ms"] = 10.0
    faster.overall["latency_p95_ms"] = 380.0  # within the 10 % latency noise band
    faster.overall["recall@1"] = 0.25
    write_run(tmp_path / "b", faster, results, chart=False)
    lines = compare_runs(tmp_path / "a", tmp_path / "b").splitlines()
    assert _row(lines, "latency_p50_ms")[:4] == ["latency_p50_ms", "250", "10", "-240"]
    assert _row(lines, "latency_p50_ms")[-2:] == ["better", "*"]  # 10 ms is below A's interval
    assert _row(lines, "recall@1")[:4] == ["recall@1", "0.500", "0.250", "-0.250"]
    assert "WORSE" in _row(lines, "recall@1")
    assert _row(lines, "latency_p95_ms")[-1] not in ("better", "WORSE", "*")
    assert "newly failed (0):" in lines and "newly passed (0):" in lines


def test_compare_notes_different_golden_and_missing_questions(tmp_path, run_a, run_b):
    sa, ra = run_a
    sb, rb = run_b
    sb.config["golden_sha256"] = "other"
    write_run(tmp_path / "a", sa, ra, chart=False)
    write_run(tmp_path / "b", sb, rb[:3], chart=False)
    text = compare_runs(tmp_path / "a", tmp_path / "b")
    assert "note: golden_sha256 differs" in text
    assert "only in A (1): q4" in text
