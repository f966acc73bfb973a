"""Embedding on a real Dask scheduler with two worker processes on 127.0.0.1."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from communique.bench.servers import stop_process_groups
from tests.conftest import REPO_ROOT, SAMPLES

pytest.importorskip("distributed", reason="the `dask` extra (dask[distributed]) is not installed")

DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_worker(address: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                             "--host", "127.0.0.1", "--no-nanny"], env=env, cwd=REPO_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


@pytest.fixture(scope="module")
def cluster():
    """A scheduler and two single-thread workers (separate processes, so one can be killed)."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)]
    procs += [_start_worker(address, env), _start_worker(address, env)]
    try:
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield {"address": address, "env": env, "procs": procs}
    finally:
        stop_process_groups(procs, timeout=15)


def test_ingest_through_dask_stores_the_same_vectors_as_a_local_run(cluster, tmp_path):
    from communique.index.retriever import Retriever
    from communique.index.vectors import all_vectors
    from communique.ingest.pipeline import ingest_paths

    local = ingest_paths([SAMPLES], tmp_path / "local", progress=False, threads=1)
    remote = ingest_paths([SAMPLES], tmp_path / "dask", progress=False, dask=cluster["address"])
    assert (remote.added, remote.chunks, remote.rejected) == (local.added, local.chunks, 0)
    a, b = Retriever.open(tmp_path / "local")._snapshot.vectors, Retriever.open(tmp_path / "dask")._snapshot.vectors
    for group in ("en", "fr"):
        ids_a, vec_a = all_vectors(a.indexes[group])
        ids_b, vec_b = all_vectors(b.indexes[group])
        assert ids_a.tolist() == ids_b.tolist() and len(ids_a) > 20
        assert np.array_equal(vec_a, vec_b)


def test_a_worker_killed_mid_run_loses_nothing_and_duplicates_nothing(cluster):
    from distributed import Client

    from communique.index.dask_embedding import DaskEmbedder
    from communique.index.embedders import get_embedder

    local = get_embedder("use")
    texts = [f"Annonce {i}: le gouvernement investit {i * 1000} dollars dans le port numéro {i}." for i in range(3072)]
    expected = local.encode_documents(texts)
    embedder = DaskEmbedder(local, cluster["address"])
    with Client(cluster["address"], timeout="30s") as client:
        before = client.run(lambda: __import__("os").getpid())
    assert len(before) == 2

    victim = cluster["procs"][1]
    killer = threading.Timer(0.5, lambda: os.killpg(victim.pid, signal.SIGKILL))
    killer.start()
    started = time.monotonic()
    vectors = embedder.encode_documents(texts)
    elapsed = time.monotonic() - started
    killer.join()
    assert victim.wait(timeout=15) is not None, "the worker was not killed during the run"  # SIGKILL is asynchronous
    assert elapsed > 0.5, "the run ended before the worker was killed"
    assert np.array_equal(vectors, expected)  # every piece came back once, in order
    cluster["procs"][1] = _start_worker(cluster["address"], cluster["env"])  # for later tests


def test_unreachable_scheduler_is_a_clear_error():
    from communique.index.dask_embedding import DaskEmbedder, DaskUnavailable
    from communique.index.embedders import get_embedder

    embedder = DaskEmbedder(get_embedder("use"), f"tcp://127.0.0.1:{_free_port()}", connect_timeout="2s")
    with pytest.raises(DaskUnavailable, match="cannot reach the Dask scheduler"):
        embedder.encode_documents(["one text"])
