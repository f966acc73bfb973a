"""The real chat, launched once per session on a free port over the samples plus a hostile release.

The app runs in its own process (`python -m communique.ui.commands.serve`), as `communique serve` does, so
the tests go through HTTP exactly like a browser or a script would.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# A release whose title and text carry markup (entity-encoded in the JSONL, so the stored text
# holds live `<script>` / `<img onerror>` strings), a javascript: URL and markup in the department.
PAYLOAD_ID = "ui-test-payload-en"
PAYLOAD_TITLE = "Quillback Cove grant &lt;script&gt;alert('xss-title')&lt;/script&gt; &lt;img src=x onerror=alert('xss-img-title')&gt;"
PAYLOAD = {
    "id": PAYLOAD_ID,
    "lang": "en",
    "title": PAYLOAD_TITLE,
    "date": "2024-03-14",
    "url": "javascript:alert('xss-url')",
    "department": "Department of <b onmouseover=alert('xss-dept')>Breakwaters</b>",  # metadata is kept raw
    "text": (
        "The Quillback Cove breakwater in Nunavut will receive $4.7 million from the Harbour Renewal Fund. "
        "&lt;script&gt;alert('xss-text')&lt;/script&gt; Work on the Quillback Cove breakwater starts in April 2024. "
        "&lt;img src=x onerror=alert('xss-img-text')&gt; Residents were consulted in three public meetings "
        "about the Quillback Cove breakwater."
    ),
}


@dataclass
class ServedApp:
    url: str
    index_dir: Path
    feedback_path: Path
    process: subprocess.Popen
    log_path: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(index_dir: Path, workdir: Path, *, timeout: float = 180.0, extra: tuple[str, ...] = (),
              env_extra: dict[str, str] | None = None) -> ServedApp:
    """Start `python -m communique.ui.commands.serve` and wait until it answers HTTP; fail with its log if it dies."""
    port = free_port()
    feedback = workdir / "feedback.jsonl"
    log_path = workdir / f"serve-{port}.log"
    env = {
        **os.environ,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "PYTHONPATH": str(REPO_ROOT),
        **(env_extra or {}),
    }
    env.pop("GRADIO_SERVER_NAME", None)
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed when the process ends
    process = subprocess.Popen(
        [sys.executable, "-m", "communique.ui.commands.serve", "--index", str(index_dir), "--port", str(port),
         "--feedback", str(feedback), *extra],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2) as response:
                if response.status == 200:
                    return ServedApp(url, index_dir, feedback, process, log_path)
        except urllib.error.HTTPError as exc:
            if exc.code == 401:  # up, and asking for a login
                return ServedApp(url, index_dir, feedback, process, log_path)
            time.sleep(0.5)
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"the app did not answer within {timeout:.0f} s:\n{log_path.read_text()}")


def stop_app(app: ServedApp) -> None:
    app.process.terminate()
    try:
        app.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        app.process.kill()
        app.process.wait(timeout=15)


def ingest(paths: list[Path], index_dir: Path) -> None:
    from communique.ingest.pipeline import ingest_paths

    report = ingest_paths(paths, index_dir, progress=False)
    assert report.rejected == 0, [str(p) for p in report.problems]


@pytest.fixture(scope="session")
def ui_index(samples_index: Path, tmp_path_factory) -> Path:
    """The samples index (copied: other tests share it) plus the hostile release."""
    root = tmp_path_factory.mktemp("ui")
    index_dir = root / "index"
    shutil.copytree(samples_index, index_dir)
    (index_dir / ".lock").unlink(missing_ok=True)
    payload_dir = root / "payload"
    payload_dir.mkdir()
    (payload_dir / "payload.jsonl").write_text(json.dumps(PAYLOAD) + "\n", encoding="utf-8")
    ingest([payload_dir], index_dir)
    return index_dir


@pytest.fixture(scope="session")
def payload_id() -> str:
    return PAYLOAD_ID


@pytest.fixture(scope="session")
def ingest_into():
    """`ingest_into([folder], index_dir)`: the real ingest, as `communique ingest` runs it."""
    return ingest


@pytest.fixture(scope="session")
def served_app(ui_index: Path, tmp_path_factory):
    app = start_app(ui_index, tmp_path_factory.mktemp("ui-run"))
    yield app
    stop_app(app)


@pytest.fixture(scope="session")
def client(served_app: ServedApp):
    from gradio_client import Client

    return Client(served_app.url, analytics_enabled=False, verbose=False)


USER, PASSWORD = "alice", "correct horse battery staple"


@pytest.fixture(scope="session")
def credentials() -> tuple[str, str]:
    """The user `auth_file` holds: (name, password)."""
    return USER, PASSWORD


@pytest.fixture(scope="session")
def auth_file(tmp_path_factory) -> Path:
    """A users file made by the real `communique users add`, password on stdin."""
    path = tmp_path_factory.mktemp("auth") / "users.txt"
    run = subprocess.run([sys.executable, "-m", "communique.ui.cli", "users", "add", USER, "--auth-file", str(path)],
                         input=PASSWORD + "\n", capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert run.returncode == 0, run.stderr
    return path


@pytest.fixture(scope="session")
def locked_app(ui_index: Path, auth_file: Path, tmp_path_factory):
    """The chat behind a login, with short slow-client timeouts so the tests need not wait long."""
    app = start_app(ui_index, tmp_path_factory.mktemp("ui-locked"), extra=("--auth-file", str(auth_file)),
                    env_extra={"COMMUNIQUE_HEADER_TIMEOUT": "2", "COMMUNIQUE_BODY_TIMEOUT": "2"})
    yield app
    stop_app(app)
