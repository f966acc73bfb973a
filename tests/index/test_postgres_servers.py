"""Two real chat servers (`communique serve`) on one PostgreSQL database, as behind a load
balancer: the same answers, and an ingest made by a third process is seen by both at their
next question, without a restart."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from communique.index import snapshots
from communique.ingest.pipeline import ingest_paths
from tests.conftest import REPO_ROOT
from tests.index.test_postgres import RECORDS
from tests.ui.conftest import start_app, stop_app

gradio_client = pytest.importorskip("gradio_client")
QUESTIONS = ["How much will Nova Scotia small craft harbours receive?", "What is the 2025 EI premium rate?",
             "Combien le Canada et l'Alberta investissent-ils dans l'équipement de lutte contre les feux de forêt ?"]


def _ask(client, question: str) -> dict:
    return client.predict(question, None, "", "", "", "", "", api_name="/ask")


@pytest.fixture
def two_servers(pg_database, tmp_path):
    newcomer = next(r for r in RECORDS if "Canadarm3" in r.get("title", ""))
    first = [r for r in RECORDS if r["id"] != newcomer["id"] and r.get("pair_id") != newcomer.get("pair_id")]
    source = tmp_path / "first.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in first), encoding="utf-8")
    ingest_paths([source], pg_database, progress=False)
    apps = []
    try:
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            apps.append(start_app(pg_database, tmp_path / name))  # type: ignore[arg-type]
        yield pg_database, apps, newcomer
    finally:
        for app in apps:
            stop_app(app)


def test_two_servers_on_one_database_answer_alike_and_both_see_a_new_ingest(two_servers, tmp_path):
    uri, apps, newcomer = two_servers
    clients = [gradio_client.Client(app.url, verbose=False) for app in apps]
    for question in QUESTIONS:
        a, b = (_ask(c, question) for c in clients)
        assert not a["abstained"], a["text"]
        assert (a["text"], [c["release_id"] for c in a["citations"]]) == (b["text"], [c["release_id"] for c in b["citations"]])
    question = "How much will MDA Space receive for Canadarm3?"
    assert all(newcomer["id"] not in [c["release_id"] for c in _ask(c, question)["citations"]] for c in clients)
    source = tmp_path / "newcomer.jsonl"
    source.write_text(json.dumps(newcomer), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), HF_HUB_OFFLINE="1")
    done = subprocess.run([sys.executable, "-m", "communique.ui.cli", "ingest", str(source), "--index", uri,
                           "--no-progress"], env=env, capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    time.sleep(snapshots.CHECK_INTERVAL + 0.2)
    answers = [_ask(c, question) for c in clients]
    for answer in answers:
        assert newcomer["id"] in [c["release_id"] for c in answer["citations"]], answer["text"]
    assert answers[0]["text"] == answers[1]["text"]
