"""The full corpus through PostgreSQL beside the local index, in one run: search and ask latency
(timed interleaved, so their ratio holds on a loaded machine), throughput with concurrent clients,
and ingest rates into a folder, into PostgreSQL, and with the embedding on 2 Dask workers.

Why a copy: the full corpus (~52k passages) is embedded once, by the local build the other
sections use; the database gets the same releases, passages and vectors through the product's
own `PostgresWriter.upsert(…, vectors)`, so both backends answer from identical data and nothing
is embedded twice. Ingest rates are measured from scratch on a sample of the corpus, the same
sample for every target.
"""
from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from communique.bench.stats import Stat


@dataclass
class CopyResult:
    releases: int
    chunks: int
    aliases: int
    seconds: float  # the writer's upserts and its commit, vectors given (no embedding)

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0


@dataclass
class IngestRate:
    """One from-scratch ingest of the sample into one target."""

    target: str  # "local", "postgresql", "local + dask", "postgresql + dask"
    releases: int
    chunks: int
    seconds: float
    embed_seconds: float

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0

    @property
    def releases_per_second(self) -> float:
        return self.releases / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "chunks_per_second": self.chunks_per_second,
                "releases_per_second": self.releases_per_second}


def copy_index(index_dir: Path, uri: str, *, batch: int = 200) -> CopyResult:
    """Write the published generation of a local index into the database at `uri`, vectors and all."""
    from communique.index.storage.local import LocalStorage
    from communique.index.storage.pg_writer import PostgresWriter
    from communique.index.store import vector_id
    from communique.index.vectors import group_of

    snapshot = LocalStorage(index_dir).open_snapshot(verify=False)
    store = snapshot.store
    ids = store.all_release_ids()
    t0 = time.perf_counter()
    chunks = 0
    with PostgresWriter.open(uri, embedder_name=snapshot.embedder) as writer:
        for start in range(0, len(ids), batch):
            releases = store.get_releases(ids[start : start + batch])
            for rid in ids[start : start + batch]:
                release = releases[rid]
                parts = store.chunks_of(rid)
                vids = [vector_id(c.id) for c in parts]
                found = snapshot.vectors_of(group_of(release.lang), vids)
                vectors = np.vstack([found[v] for v in vids]) if parts else np.zeros((0, snapshot.dim), np.float32)
                writer.upsert(release, parts, vectors)
                chunks += len(parts)
        aliases = _local_aliases(index_dir)
        for alias, target in aliases:
            writer.add_alias(alias, target)
        writer.commit(force=True)
    snapshot.close()
    return CopyResult(len(ids), chunks, len(aliases), time.perf_counter() - t0)


def _local_aliases(index_dir: Path) -> list[tuple[str, str]]:
    from communique.index.generations import current_generation

    path = current_generation(Path(index_dir)) / "records.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return [(a, r) for a, r in conn.execute("SELECT alias, release_id FROM aliases ORDER BY alias")]


def compare_latency(local: str, database: str, queries: list[dict[str, Any]], *, passes: int,
                    ask_passes: int) -> dict[str, dict[str, Stat]]:
    """Warm search (hybrid, k=5) and ask latency of both backends, timed query by query in turn."""
    from communique.bench.latency import time_interleaved
    from communique.bench.queries import open_assistant

    assistants = {"local": open_assistant(local), "postgresql": open_assistant(database)}
    search = {name: (lambda q, a=a: a.retriever.search(q, k=5)) for name, a in assistants.items()}
    texts = [q["search"] for q in queries]
    by_question = {q["question"]: q for q in queries}
    ask = {name: (lambda q, a=a: a.ask(q, history=by_question[q].get("history") or None))
           for name, a in assistants.items()}
    parts = {f"{mode}:{name}": (lambda q, a=a, m=mode: a.retriever.search(q, k=5, mode=m))
             for mode in ("dense", "lexical") for name, a in assistants.items()}
    split = time_interleaved(parts, texts, passes=1)  # where a search's time goes, on each backend
    out = {"search": time_interleaved(search, texts, passes=passes),
           "ask": time_interleaved(ask, list(by_question), passes=ask_passes)}
    for mode in ("dense", "lexical"):
        out[f"search {mode} only"] = {name: split[f"{mode}:{name}"] for name in assistants}
    return out


def same_hits(local: str, database: str, texts: list[str]) -> float:
    """Share of queries whose top-5 passages are the same on both backends (a sanity check)."""
    from communique.bench.queries import open_assistant

    a, b = open_assistant(local).retriever, open_assistant(database).retriever
    same = [[h.chunk_id for h in a.search(t, k=5)] == [h.chunk_id for h in b.search(t, k=5)] for t in texts]
    return sum(same) / len(same) if same else 0.0


def ingest_rates(sample: Path, server: Any, workdir: Path, *, dask_workers: int = 2) -> list[IngestRate]:
    """The sample ingested from scratch into each target (a new folder, a new database)."""
    from communique.bench.servers import dask_cluster
    from communique.ingest.pipeline import ingest_paths

    def one(target: str, index: str, dask: str | None = None) -> IngestRate:
        t0 = time.perf_counter()
        report = ingest_paths([sample], index, progress=False, dask=dask)
        seconds = time.perf_counter() - t0
        return IngestRate(target, report.added + report.updated, report.chunks, seconds, report.embed_seconds)

    warm = workdir / "warm.jsonl"  # what any ingest process loads once (language models), untimed
    with open(sample, encoding="utf-8") as src, open(warm, "w", encoding="utf-8") as dst:
        dst.writelines(line for _, line in zip(range(3), src))
    ingest_paths([warm], str(workdir / "warm-local"), progress=False)
    out = [one("local", str(workdir / "ingest-local")), one("postgresql", server.database("ingest_pg"))]
    with dask_cluster(dask_workers) as address:
        ingest_paths([warm], str(workdir / "warm-dask"), progress=False, dask=address)  # each worker's model
        out.append(one(f"local + dask ({dask_workers} workers)", str(workdir / "ingest-dask"), address))
        out.append(one(f"postgresql + dask ({dask_workers} workers)", server.database("ingest_pg_dask"), address))
    return out


def corpus_task(args: dict[str, Any]) -> dict[str, Any]:
    """Worker: a server of its own; ingest rates on the sample; the full index copied in; latency
    beside the local index; concurrent clients on both."""
    import sys

    from communique.bench.pg_clients import concurrent_clients
    from communique.bench.servers import pg_server, server_versions

    def log(msg: str) -> None:
        print(f"[bench] {msg}", file=sys.stderr, flush=True)

    local = str(args["index"])
    queries = list(args["queries"])
    workdir = Path(tempfile.mkdtemp(prefix="communique-bench-pgcorpus-"))
    out: dict[str, Any] = {}
    try:
        with pg_server() as server:
            out["versions"] = server_versions(server.uri)
            if args.get("sample"):
                log(f"postgres: ingest rates on {args['sample']}…")
                out["ingest"] = [r.to_dict() for r in ingest_rates(Path(args["sample"]), server, workdir,
                                                                     dask_workers=int(args.get("dask_workers", 2)))]
            database = server.database("communique_full")
            log(f"postgres: copying {local} into PostgreSQL (the product's writer, vectors given)…")
            copied = copy_index(Path(local), database)
            out["copy"] = {**asdict(copied), "chunks_per_second": copied.chunks_per_second}
            log(f"postgres: {copied.chunks:,} passages written in {copied.seconds:.0f} s; timing search and ask…")
            out["same_top5"] = same_hits(local, database, [q["search"] for q in queries])
            latency = compare_latency(local, database, queries, passes=int(args.get("passes", 2)),
                                      ask_passes=int(args.get("ask_passes", 1)))
            out["latency"] = {kind: {name: s.to_dict() for name, s in stats.items()} for kind, stats in latency.items()}
            clients = int(args.get("clients", 4))
            out["clients"] = {}
            for name, index in (("local", local), ("postgresql", database)):
                log(f"postgres: {clients} concurrent clients on {name}…")
                res = concurrent_clients(index, [q["search"] for q in queries], [q["question"] for q in queries],
                                         clients=clients, seconds=float(args.get("client_seconds", 10.0)))
                out["clients"][name] = {kind: r.to_dict() for kind, r in res.items()}
            out["chunks"] = copied.chunks
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return out
