"""The `communique` command for ingest, search, info and remove, run as a user would."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def communique(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, HF_HUB_OFFLINE="1", **(env or {}))
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=cwd or REPO, env=full_env,
                          capture_output=True, text=True, timeout=600)


def test_ingest_search_info_remove(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text(
        json.dumps({"id": "w-en", "lang": "en", "title": "Wharf repairs in Digby", "date": "2024-06-01",
                    "text": "Ottawa is investing $12 million to repair the Digby wharf in Nova Scotia."}) + "\n"
        + json.dumps({"id": "h-fr", "lang": "fr", "title": "Mise en berne", "date": "2024-07-02",
                      "text": "Les drapeaux seront mis en berne à Winnipeg en l'honneur d'un ancien sénateur."}) + "\n",
        encoding="utf-8",
    )
    index = tmp_path / "ix"
    run = communique("ingest", str(data), "--index", str(index), "--no-progress")
    assert run.returncode == 0, run.stderr
    assert "2 added" in run.stdout and "0 rejected" in run.stdout

    run = communique("search", "Digby wharf money", "--index", str(index), "--json")
    hits = json.loads(run.stdout)
    assert hits[0]["release_id"] == "w-en" and hits[0]["text"].startswith("Ottawa")

    run = communique("search", "drapeaux", "--index", str(index), "--lang", "en", "--json")
    assert all(h["lang"] == "en" for h in json.loads(run.stdout))
    run = communique("search", "wharf", "--index", str(index), "--from", "2024-07-01", "--json")
    assert [h["release_id"] for h in json.loads(run.stdout)] == ["h-fr"]

    run = communique("info", "--index", str(index))
    assert run.returncode == 0 and "releases   2 (en: 1, fr: 1)" in run.stdout and "use (512-d)" in run.stdout

    run = communique("remove", "h-fr", "--index", str(index))
    assert run.returncode == 0 and "removed h-fr" in run.stdout
    assert "releases   1" in communique("info", "--index", str(index)).stdout


def test_index_location_from_environment_then_default(tmp_path):
    data = tmp_path / "a.txt"
    data.write_text("title: Note\ndate: 2024-05-01\nlang: en\n\nA short notice about a bridge closure in Kingston.", encoding="utf-8")
    run = communique("ingest", str(data), "--no-progress", env={"COMMUNIQUE_INDEX": str(tmp_path / "envix")})
    assert run.returncode == 0 and (tmp_path / "envix" / "CURRENT").exists()
    env = {k: v for k, v in os.environ.items() if k != "COMMUNIQUE_INDEX"}
    run = subprocess.run([sys.executable, "-m", "ui.cli", "ingest", str(data), "--no-progress"], cwd=tmp_path,
                         env=dict(env, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0 and (tmp_path / ".communique" / "index" / "CURRENT").exists()


def test_rejections_and_usage_errors_have_distinct_exit_codes(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok", "lang": "en", "text": "Fine record about Kingston."}\n{broken\n', encoding="utf-8")
    run = communique("ingest", str(bad), "--index", str(tmp_path / "ix"), "--no-progress")
    assert run.returncode == 3
    assert f"{bad}:2" in run.stderr and "1 added" in run.stdout
    assert communique("ingest").returncode == 2
    assert communique("ingest", str(bad), "--embedder", "word2vec", "--index", str(tmp_path / "ix2")).returncode == 2
    run = communique("ingest", str(bad), "--threads", "0", "--index", str(tmp_path / "ix3"))
    assert run.returncode == 2 and "--threads 0" in run.stderr
    run = communique("ingest", str(bad), "--index", str(tmp_path / "ix3"), env={"COMMUNIQUE_INGEST_THREADS": "many"})
    assert run.returncode == 2 and "COMMUNIQUE_INGEST_THREADS='many'" in run.stderr
    assert not (tmp_path / "ix3").exists()
    run = communique("info", "--index", str(tmp_path / "nothing"))
    assert run.returncode == 1 and "communique ingest" in run.stderr and "Traceback" not in run.stderr
