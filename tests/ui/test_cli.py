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
    return subprocess.run([sys.executable, "-m", "communique.ui.cli", *args], cwd=cwd or REPO, env=full_env,
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
    run = subprocess.run([sys.executable, "-m", "communique.ui.cli", "ingest", str(data), "--no-progress"], cwd=tmp_path,
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


def test_version_empty_question_and_a_closed_pipe(samples_index):
    run = communique("--version")
    assert run.returncode == 0 and run.stdout.strip().startswith("communique ")
    run = communique("ask", "", "--index", str(samples_index))
    assert run.returncode == 2 and "question is empty" in run.stderr
    assert communique("ask", "   ", "--index", str(samples_index)).returncode == 2
    # `communique info | head -1`: the reader goes away after one line.
    shell = subprocess.run(
        f"{sys.executable} -m ui.cli info --index '{samples_index}' | head -1; exit ${{PIPESTATUS[0]}}",
        shell=True, executable="/bin/bash", cwd=REPO, capture_output=True, text=True, timeout=600,
        env=dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(REPO)))
    assert shell.stdout.startswith("index ") and shell.stdout.count("\n") == 1
    assert "Traceback" not in shell.stderr and "BrokenPipeError" not in shell.stderr, shell.stderr
    assert shell.returncode in (0, 141)  # 141 when the pipe closed before the last line; 0 if it all fit first


def test_llm_answerer_without_its_library_names_the_cause_and_the_fix(samples_index):
    """With `langchain_openai` hidden (a None entry in sys.modules makes its import fail, as when the
    `llm` extra is not installed), `ask` and `serve` say what is missing and how to install it."""
    code = "import sys; sys.modules['langchain_openai'] = None\nfrom ui.cli import main; sys.exit(main(sys.argv[1:]))"
    for command in (["ask", "Harbours?"], ["serve", "--port", "1"]):
        run = subprocess.run([sys.executable, "-c", code, *command, "--index", str(samples_index), "--answerer", "llm"],
                             cwd=REPO, capture_output=True, text=True, timeout=600,
                             env=dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(REPO)))
        assert run.returncode == 2, (command, run.stderr)
        assert "langchain_openai" in run.stderr and "pip install -e '.[llm]'" in run.stderr
        assert "server error" not in run.stderr and "Traceback" not in run.stderr
