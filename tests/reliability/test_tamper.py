"""Tamper evidence on the read path: `ask`, `search` and `serve` refuse an altered record store.

Issue 12, row 8: a same-size edit of records.sqlite (`$74 million` → `$99 billion`) was quoted by
`ask`/`search` because they checked sizes only; offsets outside a release's text gave a silent
"not found". Here the real CLI runs on a real index of the bundled samples.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from communique.index import generations
from communique.index.errors import IndexCorrupted
from communique.index.manifest import file_digest
from communique.index.retriever import Retriever
from communique.ingest.pipeline import ingest_paths
from reliability_support import REPO_ROOT, child_env, communique_command, run_cli

QUESTION = "How much is the Government of Canada investing in small craft harbours in Nova Scotia?"
TRUE, FORGED = b"$74 million", b"$99 billion"  # same length: the file keeps its size


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("tamper") / "index"
    report = ingest_paths([REPO_ROOT / "samples"], index_dir, progress=False)
    assert report.rejected == 0
    return index_dir


def _copy(pristine: Path, dest: Path) -> Path:
    shutil.copytree(pristine, dest)
    return dest


def _records(index_dir: Path) -> Path:
    return generations.current_generation(index_dir) / "records.sqlite"


def _forge_in_place(path: Path) -> int:
    """Overwrite every `$74 million` in the file's bytes with `$99 billion`; returns how many."""
    data = path.read_bytes()
    count = data.count(TRUE)
    with open(path, "r+b") as handle:  # in place, same inode, same size
        handle.write(data.replace(TRUE, FORGED))
    assert path.stat().st_size == len(data)
    return count


def _resign(gen: Path) -> None:
    manifest = json.loads((gen / "manifest.json").read_text())
    manifest["files"] = {name: file_digest(gen / name) for name in manifest["files"]}
    (gen / "manifest.json").write_text(json.dumps(manifest))


def test_the_question_reaches_the_release_before_any_tampering(pristine):
    """Control: without this, the refusals below could be a question that never found the release."""
    result = run_cli("ask", QUESTION, "--index", pristine)
    assert result.returncode == 0, result.stderr
    assert "$74 million" in result.stdout


def test_a_same_size_edit_of_the_record_store_is_refused_by_ask_and_search(pristine, tmp_path):
    index_dir = _copy(pristine, tmp_path / "index")
    assert _forge_in_place(_records(index_dir)) >= 2
    for args in (("ask", QUESTION), ("search", "small craft harbours Nova Scotia")):
        result = run_cli(*args, "--index", index_dir)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "99 billion" not in result.stdout and not result.stdout
        assert "Traceback" not in result.stderr
        assert "records.sqlite: checksum differs from the manifest (file altered)" in result.stderr


def test_serve_refuses_the_altered_store_at_start_and_the_chat_never_opens_it(pristine, tmp_path):
    from communique.ui.backend import ChatBackend, IndexUnavailable

    index_dir = _copy(pristine, tmp_path / "index")
    _forge_in_place(_records(index_dir))
    with pytest.raises(IndexUnavailable) as caught:  # what the chat's every request goes through
        ChatBackend(index_dir).assistant()
    assert caught.value.key == "index_broken" and "records.sqlite: checksum differs" in caught.value.error

    # The real `communique serve` process says so on stderr before it starts listening.
    with socket.socket() as probe:  # a free port on loopback (the process is stopped before it listens long)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([*communique_command(), "serve", "--index", str(index_dir), "--port", str(port)],
                            cwd=REPO_ROOT, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("index "):  # printed once the index was tried, before launching
                break
    finally:
        proc.kill()
        proc.wait(timeout=30)
    said = "".join(lines)
    assert "records.sqlite: checksum differs from the manifest" in said, said
    assert "Traceback" not in said


def test_an_edit_made_after_the_index_was_opened_is_refused_at_the_next_read(pristine, tmp_path):
    """The chat runs for days: the record store is watched (one stat per read) after the open-time check."""
    from communique.assistant import Assistant

    index_dir = _copy(pristine, tmp_path / "index")
    assistant = Assistant.open(index_dir)
    assert "$74 million" in assistant.ask(QUESTION).text

    path = _records(index_dir)
    os.utime(path)  # same bytes, new times: not damage, answers go on
    assert "$74 million" in assistant.ask(QUESTION).text

    _forge_in_place(path)
    with pytest.raises(IndexCorrupted, match="records.sqlite: changed on disk after the index was opened"):
        assistant.ask(QUESTION)
    with pytest.raises(IndexCorrupted, match="changed on disk"):  # and it stays refused
        assistant.retriever.search("small craft harbours", k=3)


def _set_span(index_dir: Path, release_id: str, start: str, end: str) -> None:
    """Rewrite one release's passages' offsets with SQL and re-sign: damage the checksums cannot see."""
    gen = generations.current_generation(index_dir)
    with sqlite3.connect(gen / "records.sqlite") as conn:
        changed = conn.execute(f"UPDATE chunks SET start = {start}, end = {end} WHERE release_id = ?",
                               (release_id,)).rowcount
    assert changed >= 1
    _resign(gen)


@pytest.mark.parametrize("start, end", [
    ("start", "length((SELECT text FROM releases WHERE id = release_id)) + 500"),  # past the end
    ("-40", "end - start - 40"),  # before the start, same length
    ("end", "start"),  # reversed
])
def test_passage_offsets_outside_the_release_text_are_index_corrupted_not_not_found(pristine, tmp_path, start, end):
    index_dir = _copy(pristine, tmp_path / "index")
    _set_span(index_dir, "smp-ns-harbours-en", start, end)
    retriever = Retriever.open(index_dir)  # re-signed: the checksums pass
    with pytest.raises(IndexCorrupted, match="passage .* of release 'smp-ns-harbours-en' spans .* outside its text"):
        retriever.search("small craft harbours Nova Scotia", k=3, lang="en")
    with pytest.raises(IndexCorrupted, match="outside its text"):
        retriever.chunks_of("smp-ns-harbours-en")
    result = run_cli("ask", QUESTION, "--index", index_dir, "--source-lang", "en")
    assert result.returncode == 1 and not result.stdout and "Traceback" not in result.stderr
    assert "outside its text" in result.stderr and "not found" not in result.stderr.lower()
