"""`communique ask`, run as a user would (ui/commands/ask.py; kept here with the assistant tests)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def communique(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, HF_HUB_OFFLINE="1", **(env or {}))
    return subprocess.run([sys.executable, "-m", "communique.ui.cli", *args], cwd=REPO, env=full_env, capture_output=True,
                          text=True, timeout=600)


def test_ask_prints_the_answer_and_numbered_sources(injection_index):
    run = communique("ask", "How much is Canada investing in the Port Elgin harbour?", "--index", str(injection_index))
    assert run.returncode == 0, run.stderr
    assert "$4.2 million" in run.stdout and "[1]" in run.stdout
    assert "Sources:" in run.stdout and "inj-harbour-en" in run.stdout


def test_ask_json_is_the_whole_answer(injection_index):
    run = communique("ask", "Quel est le financement fédéral de la passerelle de Sackville ?", "--index",
                     str(injection_index), "--json",
                     "--lang", "fr", "--from", "2024-05-01", "--to", "2024-05-31", "--source-lang", "en")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["language"] == "fr" and not data["abstained"]
    assert data["citations"][0]["release_id"] == "inj-bridge-en"
    assert data["text"].startswith("Le communiqué en anglais du 14 mai 2024 indique")
    assert set(data["timings"]) >= {"retrieval", "answering", "total"}


def test_ask_index_from_the_environment_and_missing_index(injection_index, tmp_path):
    run = communique("ask", "Port Elgin harbour money?", env={"COMMUNIQUE_INDEX": str(injection_index)})
    assert run.returncode == 0 and "$4.2 million" in run.stdout
    run = communique("ask", "anything", "--index", str(tmp_path / "nothing-here"))
    assert run.returncode == 1 and "nothing-here" in run.stderr


def test_ask_llm_without_settings_says_which_variable(injection_index):
    env = {k: "" for k in ("COMMUNIQUE_LLM", "COMMUNIQUE_LLM_MODEL", "COMMUNIQUE_LLM_BASE_URL")}
    run = communique("ask", "Port Elgin?", "--index", str(injection_index), "--answerer", "llm", env=env)
    assert run.returncode == 2 and "COMMUNIQUE_LLM_MODEL" in run.stderr
