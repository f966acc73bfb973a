"""Embedding on Dask workers: `communique ingest … --dask tcp://HOST:8786`.

Only the embedding leaves the ingest process: reading, cleaning, chunking and writing stay
here, so the index has one writer and nothing is stored twice. Each worker process loads the
named embedder once (`get_embedder` caches per process) and embeds pieces of EMBED_PIECE
texts. Pieces are cut on the embedder's own batch boundaries, so every model call sees the
same texts together as in a local one-thread run: the vectors are identical, not just close.
A worker that dies mid-piece is replaced by the scheduler, which reruns its pieces elsewhere;
the results are only stored once all of a batch's pieces are back.

Dask moves tasks and results with pickle: run the scheduler and workers on a network you
trust (loopback, a private subnet), as with any Dask cluster. Workers need Communiqué and its
models installed (`pip install communique[dask]`).
"""
from __future__ import annotations

import threading
from typing import Any, Sequence

import numpy as np

from communique.index.embedders import BaseEmbedder, get_embedder
from communique.index.errors import IndexProblem

EMBED_PIECE = 64  # texts per task: a multiple of the bundled embedders' batch sizes
CONNECT_TIMEOUT = "20s"

_CLIENTS: dict[str, Any] = {}
_CLIENTS_LOCK = threading.Lock()


class DaskUnavailable(IndexProblem):
    """The scheduler cannot be reached: nothing was embedded, nothing published."""


def embed_on_worker(embedder_name: str, texts: list[str]) -> np.ndarray:
    """Runs on a worker: the process's embedder (loaded on first use, then kept)."""
    return get_embedder(embedder_name).encode_documents(texts)


def client_for(address: str, timeout: str = CONNECT_TIMEOUT):
    """One client per scheduler address per process, shared by every ingest."""
    from distributed import Client

    with _CLIENTS_LOCK:
        client = _CLIENTS.get(address)
        if client is None or client.status not in ("running", "connecting"):
            try:
                client = Client(address, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise DaskUnavailable(f"{address}: cannot reach the Dask scheduler ({exc})") from exc
            _CLIENTS[address] = client
        return client


class DaskEmbedder(BaseEmbedder):
    """The same embedder, with document batches embedded by Dask workers.

    Queries and token counts (used to size chunks) stay local: they are small and must not
    wait on the network."""

    def __init__(self, local: BaseEmbedder, address: str, *, piece: int = EMBED_PIECE,
                 connect_timeout: str = CONNECT_TIMEOUT) -> None:
        super().__init__()
        self.local = local
        self.address = address
        self.connect_timeout = connect_timeout
        self.name = local.name
        self.dim = local.dim
        self.max_tokens = local.max_tokens
        self.piece = max(local.batch_size, piece - piece % local.batch_size)

    def count_tokens(self, text: str) -> int:
        return self.local.count_tokens(text)

    def encode_query(self, text: str) -> np.ndarray:
        return self.local.encode_query(text)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        client = client_for(self.address, self.connect_timeout)
        pieces = [list(texts[i : i + self.piece]) for i in range(0, len(texts), self.piece)]
        futures = client.map(embed_on_worker, [self.name] * len(pieces), pieces, pure=False, retries=2)
        vectors = np.vstack(client.gather(futures))
        if vectors.shape != (len(texts), self.dim):
            raise RuntimeError(f"{self.address}: workers returned vectors of shape {vectors.shape}, "
                               f"expected ({len(texts)}, {self.dim}); do they run the same Communiqué version?")
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_documents_threaded(self, texts: Sequence[str], threads: int) -> np.ndarray:
        return self.encode_documents(texts)  # the workers are the parallelism
