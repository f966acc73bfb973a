"""The run folder writer on synthetic results: files, exact summary keys, report tables, chart."""
import json

import pytest

from communique.evals.metrics import ALL_METRICS
from communique.evals.report import RunError, load_run, render_report, write_run


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
    assert set(data["by_class"]) == {"unclassified", "where"}
    assert set(data["by_split"]) == {"dev", "heldout"}
    assert data["splits"]["heldout"]["n"] == 1 and data["splits"]["dev"]["n"] == 3
    assert set(data["splits"]["heldout"]) >= {"overall", "by_lang", "by_kind", "by_class", "ci", "counts"}
    assert data["splits"]["heldout"]["overall"]["abstention_accuracy"] == 0.0
    # every value has an interval of the same shape, and it contains the value
    for section in ("by_lang", "by_kind", "by_class", "by_split"):
        assert set(data["ci"][section]) == set(data[section])
    low, high = data["ci"]["overall"]["recall@1"]
    assert low <= data["overall"]["recall@1"] <= high
    assert data["ci"]["by_kind"]["unanswerable"]["recall@5"] is None

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
    low, high = summary.ci["overall"]["recall@1"]
    assert f"| overall | 4 | 2/4 | 0.500 [{low:.3f}–{high:.3f}] | 1.000 [1.000–1.000] |" in text
    assert "| lang=fr |" in text and "| kind=en-fr |" in text and "| class=where |" in text
    assert "| split=heldout | 1 | 0/1 |" in text
    assert "## Held-out split (1 questions)" in text
    heldout_part = text.split("## Held-out split")[1].split("## Failed questions")[0]
    assert "| kind=unanswerable | 1 | 0/1 |" in heldout_part and "split=" not in heldout_part
    assert "### Answers" in text and "![metrics by language, kind, class and split](metrics.png)" in text
    assert "## Failed questions (2)" in text
    # the held-out failure (q4) is counted, not shown; the dev one is listed with its class
    assert "1 held-out question(s) failed" in text and "| q4 |" not in text
    assert "| q2 | en | en-fr | where | Question q2 ? | no citation to a gold source" in text


def test_retrieval_only_report_has_no_answer_table(run_a):
    summary, results = run_a
    summary.config["retrieval_only"] = True
    assert "### Answers" not in render_report(summary, results)


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
