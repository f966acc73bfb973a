"""The CI gate: floors as minimums, ceilings for lower-is-better metrics, typos are errors."""

import pytest

from communique.evals.floors import DEFAULT_FLOORS, FloorsError, check_floors, load_floors
from communique.evals.metrics import ALL_METRICS, LOWER_IS_BETTER


def test_floors_pass_and_fail(run_a):
    summary, _ = run_a  # recall@1 0.5, false_abstention 0.0, latency p95 385
    assert check_floors(summary, {"overall": {"recall@1": 0.5, "latency_p95_ms": 400}}) == []
    problems = check_floors(summary, {"overall": {"recall@1": 0.6, "latency_p95_ms": 300,
                                                  "false_abstention_rate": 0.1}})
    assert problems == [
        "overall: recall@1 = 0.500 is below the floor 0.6",
        "overall: latency_p95_ms = 385.000 is above the ceiling 300",
    ]


def test_group_floors(run_a):
    summary, _ = run_a
    floors = {"by_lang": {"fr": {"recall@1": 0.9}, "en": {"recall@1": 0.9}, "de": {"recall@1": 0.1}},
              "by_kind": {"unanswerable": {"abstention_accuracy": 0.75}}}
    assert check_floors(summary.to_dict(), floors) == [
        "lang=en: recall@1 = 0.000 is below the floor 0.9",
        "lang=de: no such group in the summary (floor on recall@1)",
        "kind=unanswerable: abstention_accuracy = 0.500 is below the floor 0.75",
    ]


def test_typos_and_unmeasured_metrics(run_a):
    summary, _ = run_a
    assert check_floors(summary, {"overal": {}, "overall": {"recall@50": 1, "mrr@10": "high"}}) == [
        "unknown section(s) in floors: ['overal'] (allowed: ['overall', 'by_lang', 'by_kind'], 'comment')",
        "overall: unknown metric 'recall@50' in floors",
        "overall: floor for mrr@10 must be a number, got 'high'",
    ]
    summary.overall["fact_coverage"] = None  # as in a retrieval-only run
    floors = {"overall": {"fact_coverage": 0.5}}
    assert check_floors(summary, floors) == ["overall: fact_coverage was not measured (floor 0.5)"]
    assert check_floors(summary, floors, skip_unmeasured=True) == []


def test_bundled_floors_file_is_valid():
    floors = load_floors(DEFAULT_FLOORS)
    assert "comment" in floors
    perfect = {m: (0.0 if m in LOWER_IS_BETTER else 1.0) for m in ALL_METRICS}
    summary = {"overall": perfect, "by_lang": {"en": perfect, "fr": perfect},
               "by_kind": {k: perfect for k in floors.get("by_kind", {})}}
    assert check_floors(summary, floors) == []


def test_load_floors_errors(tmp_path):
    with pytest.raises(FloorsError, match="not found"):
        load_floors(tmp_path / "x.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(FloorsError, match=str(bad)):
        load_floors(bad)
