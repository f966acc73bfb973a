"""The run folder writer on synthetic results: files, exact summary keys, report tables, chart."""
import json

import pytest

from evals.metrics import ALL_METRICS
from evals.report import RunError, load_run, render_report, write_run


def test_write_run_files_and_summary_schema(tmp_path, run_a):
    summary, results = run_a
    out = write_run(tmp_path / "run", summary, results)
    assert {p.name for p in out.iterdir()} == {"results.jsonl", "summary.json", "report.md", "metrics.png"}

    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["n"] == 4
    assert list(data["overall"]) == list(ALL_METRICS)
    assert data["overall"]["recall@1"] == 0.5
    assert set(data["by_lang"]) == {"en", "fr"}
    assert set(data["by_kind"]) == {"fr-fr", "en-fr", "unanswerable"}
    assert data["by_kind"]["unanswerable"]["recall@5"] is None  # JSON null, not NaN

    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    first = json.loads(lines[0])
    for key in ("id", "question", "lang", "kind", "answerable", "retrieved", "answer", "abstained",
                "citations", "metrics", "latency_ms", "passed"):
        assert key in first
    assert first["citations"][0]["release_id"] == "a_en"

    assert (out / "metrics.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_tables_and_failures(run_a):
    summary, results = run_a
    text = render_report(summary, results)
    assert "# Eval report: g.jsonl" in text
    assert "| overall | 4 | 2/4 | 0.500 | 1.000 | 0.750 |" in text  # retrieval row
    assert "| lang=fr |" in text and "| kind=en-fr |" in text
    assert "## Answers" in text and "![metrics by language and kind](metrics.png)" in text
    assert "## Failed questions (2)" in text
    assert "| q4 | en | unanswerable | Question q4 ? | answered an unanswerable question |" in text


def test_retrieval_only_report_has_no_answer_table(run_a):
    summary, results = run_a
    summary.config["retrieval_only"] = True
    assert "## Answers" not in render_report(summary, results)


def test_load_run_round_trip(tmp_path, run_a):
    summary, results = run_a
    write_run(tmp_path, summary, results)
    loaded, loaded_results = load_run(tmp_path)
    assert loaded == summary
    assert loaded_results == results
    assert load_run(tmp_path / "summary.json")[0] == summary


def test_load_run_errors_name_the_file(tmp_path, run_a):
    with pytest.raises(RunError, match="summary.json: not found"):
        load_run(tmp_path)
    summary, results = run_a
    write_run(tmp_path, summary, results)
    with (tmp_path / "results.jsonl").open("a") as fh:
        fh.write("{broken\n")
    with pytest.raises(RunError, match=r"results.jsonl:5: not a valid result"):
        load_run(tmp_path)
