"""The worker processes: real subprocesses over the bundled samples index."""
from __future__ import annotations

import subprocess
import sys

import pytest

from communique.bench.subprocess_task import REPO_ROOT, WorkerFailed, bench_env, run_task


def test_query_task_times_search_and_ask_and_reads_memory(samples_index):
    queries = [{"search": q, "question": q, "history": []}
               for q in ("wildfire equipment Alberta", "Canadarm3", "ports pour petits bateaux")]
    res = run_task("query", {"index": str(samples_index), "queries": queries, "passes": 1}, timeout=300)
    assert res["chunks"] > 0 and res["index_bytes"] > 0
    assert res["search_ms"]["n"] == 3 and res["embed_query_ms"]["n"] == 3
    assert res["peak_rss_mb"] >= res["rss_open_mb"] > 0
    assert res["ask_ms"]["n"] == 3 and res["ask_ms"]["median"] > 0


def test_stages_and_profile_tasks(samples_index):
    stages = run_task("stages", {"index": str(samples_index), "question": "Canadarm3?"}, timeout=300)
    marks = stages["marks"]
    assert list(marks) == ["interpreter", "import assistant", "open index", "load embedder", "first answer",
                           "second answer"]
    assert marks["interpreter"] <= marks["import assistant"] <= marks["open index"] <= marks["first answer"]
    prof = run_task("profile", {"index": str(samples_index), "top": 5,
                                "queries": [{"search": "Canadarm3", "question": "What is Canadarm3?", "history": []}] * 4},
                    timeout=300)
    assert prof["calls"] == 4 and len(prof["by_self"]) == 5 and prof["total_ms_per_call"] > 0


def test_worker_failure_reports_its_stderr(tmp_path):
    with pytest.raises(WorkerFailed, match="query"):
        run_task("query", {"index": str(tmp_path / "missing"), "queries": []}, timeout=120)
    proc = subprocess.run([sys.executable, "-m", "communique.bench.worker", "nope"], input="{}", text=True, capture_output=True,
                          env=bench_env(), cwd=str(REPO_ROOT), timeout=120)
    assert proc.returncode == 2 and "unknown task" in proc.stderr
