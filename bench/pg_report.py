"""The PostgreSQL sections of `communique bench`: what they run and the rows they add to the table.

  pgvector   pgvector HNSW at N vectors (1M; 20k with --quick) beside the local IVF, same vectors
  postgres   the full corpus through PostgreSQL beside the local index: latency, 4 clients, ingest

Both run in a worker process of their own (`bench.pg_worker`) that starts and stops its own
PostgreSQL (and Dask) on this machine only: a Unix socket and 127.0.0.1.
"""
from __future__ import annotations

from typing import Any

from communique.bench.report import BenchReport, Figure
from communique.bench.stats import Stat

QUICK_VECTORS = 20_000
TARGET = "p50 ≤ 10 ms at recall@10 ≥ 0.95"
LATENCY_RATIO_TARGET = 2.0
SAMPLE = {False: (1000, 100), True: (100, 10)}  # (teasers, provincial releases) ingested by every target


def pgvector_args(quick: bool, overrides: dict[str, Any], index: str, queries: list[str]) -> dict[str, Any]:
    base: dict[str, Any] = {"size": QUICK_VECTORS, "passes": 1} if quick else {}
    return {**base, **overrides, "index": index, "queries": queries}


def pgvector_figures(report: BenchReport, res: dict[str, Any]) -> None:
    spec = res["spec"]
    n = res["size"]
    s = f"pgvector @ {n:,} vectors"
    add = report.add
    add(Figure(s, "server", f"PostgreSQL {res['versions']['postgresql']}, pgvector {res['versions']['pgvector']}",
               note=f"{res['dim']}-d; {res['origin'].get('vectors', '')}; {res['queries']} queries, k={res['k']}"))
    add(Figure(s, "load (binary COPY)", res["load_seconds"], "s", "1 run",
               note=f"{n / res['load_seconds']:,.0f} vectors/s" + ("; STORAGE PLAIN" if spec["storage_plain"] else "")))
    add(Figure(s, "HNSW build", res["build_seconds"], "s", "1 run",
               note=f"m={spec['m']}, ef_construction={spec['ef_construction']}, maintenance_work_mem="
                    f"{spec['maintenance_work_mem']}, {spec['parallel_workers']} parallel worker(s)"))
    add(Figure(s, "disk: table + HNSW index", (res["table_bytes"] + res["index_bytes"]) / 1e6, "MB",
               note=f"table {res['table_bytes'] / 1e6:,.0f} MB, index {res['index_bytes'] / 1e6:,.0f} MB; "
                    f"{(res['table_bytes'] + res['index_bytes']) / n:,.0f} bytes per vector"))
    for point in res["hnsw"]:
        add(Figure.of(s, f"HNSW ef_search={point['value']}", Stat(**point["latency_ms"]), target=TARGET,
                      met=point["meets_target"], note=f"recall@10 {point['recall@10']:.3f}; one connection"))
    add(Figure(s, "local IVF build (same vectors)", res["ivf_build_seconds"], "s", "1 run",
               note=f"index.vectors.build_ivf, nlist={res['ivf_nlist']}; {res['ivf_bytes'] / 1e6:,.0f} MB"))
    for point in res["ivf"]:
        product = " (the product's)" if point["value"] == res["ivf_product_nprobe"] else ""
        add(Figure.of(s, f"local IVF nprobe={point['value']}{product}", Stat(**point["latency_ms"]), target=TARGET,
                      met=point["meets_target"], note=f"recall@10 {point['recall@10']:.3f}; one thread"))
    good = [p for p in res["hnsw"] if p["meets_target"]]
    best = min(good, key=lambda p: p["latency_ms"]["median"]) if good else None
    add(Figure(s, "pgvector target", f"ef_search={best['value']}" if best else "none of the sweep", target=TARGET,
               met=bool(res["target_met"]),
               note=(f"p50 {best['latency_ms']['median']:.2f} ms, recall@10 {best['recall@10']:.3f}" if best else "")))


def corpus_args(quick: bool, index: str, queries: list[dict[str, Any]], sample: str, passes: int) -> dict[str, Any]:
    return {"index": index, "queries": queries, "sample": sample, "passes": passes, "ask_passes": 1,
            "clients": 4, "client_seconds": 5.0 if quick else 15.0, "dask_workers": 2}


def corpus_figures(report: BenchReport, res: dict[str, Any], label: str) -> None:
    s = f"postgres @ {label}"
    add = report.add
    copy = res["copy"]
    add(Figure(s, "server", f"PostgreSQL {res['versions']['postgresql']}, pgvector {res['versions']['pgvector']}",
               note=f"{copy['chunks']:,} passages, {copy['releases']:,} releases"))
    add(Figure(s, "write into PostgreSQL, vectors given", copy["chunks_per_second"], "chunks/s", "1 run",
               note=f"the local index copied through PostgresWriter.upsert in {copy['seconds']:.0f} s (no embedding)"))
    add(Figure(s, "same top-5 passages as local", res["same_top5"] * 100, "%", note="share of the questions"))
    for kind, name in (("search", "search (hybrid, k=5)"), ("ask", "ask (extractive)")):
        local, pg = Stat(**res["latency"][kind]["local"]), Stat(**res["latency"][kind]["postgresql"])
        add(Figure.of(s, f"{name}, local", local))
        add(Figure.of(s, f"{name}, PostgreSQL", pg))
        ratio = pg.median / local.median if local.median else float("inf")
        add(Figure(s, f"{kind} latency PostgreSQL / local", ratio, "×", target=f"≤ {LATENCY_RATIO_TARGET:.0f}×",
                   met=ratio <= LATENCY_RATIO_TARGET, note="medians, timed interleaved in one process"))
    for kind in ("search dense only", "search lexical only"):
        if kind in res["latency"]:
            local, pg = Stat(**res["latency"][kind]["local"]), Stat(**res["latency"][kind]["postgresql"])
            add(Figure(s, kind, f"{local.median:.1f} / {pg.median:.1f} ms", note=f"local / PostgreSQL; "
                       f"{pg.median / local.median:.2f}×" if local.median else "local / PostgreSQL"))
    for backend, kinds in res["clients"].items():
        for kind, r in kinds.items():
            add(Figure(s, f"{r['clients']} clients, {kind}, {backend}", r["queries_per_second"], "queries/s",
                       note=f"{r['clients']} processes for {r['seconds']:.0f} s; latency p50 "
                            f"{r['latency_ms']['median']:.1f} ms, p95 {r['latency_ms']['p95']:.1f} ms"))
    rates = res.get("ingest", [])
    local_rate = next((r["chunks_per_second"] for r in rates if r["target"] == "local"), None)
    for r in rates:
        vs = f"; {r['chunks_per_second'] / local_rate:.2f}× local" if local_rate and r["target"] != "local" else ""
        add(Figure(s, f"ingest rate, {r['target']}", r["chunks_per_second"], "chunks/s", "1 run",
                   note=f"{r['releases']} releases ({r['releases_per_second']:.1f}/s), {r['chunks']} chunks in "
                        f"{r['seconds']:.1f} s{vs}"))


def run_pgvector(run: Any) -> None:
    """The `pgvector` section of a bench run (`bench.run._Run`)."""
    from communique.bench.pg_worker import run_pg_task

    cfg = run.config
    args = pgvector_args(cfg.quick, dict(getattr(cfg, "pgvector", {}) or {}), str(run.main_index()),
                         [q.search_text for q in run.queries])
    run.log(f"pgvector: HNSW at {args.get('size', 1_000_000):,} vectors beside the local IVF (long)…")
    res = run_pg_task("pgvector", args)
    run.report.details["pgvector"] = res
    pgvector_figures(run.report, res)


def run_postgres(run: Any) -> None:
    """The `postgres` section: the main index (full corpus; ~10k chunks when quick) in PostgreSQL."""
    from communique.bench.corpus import write_sample
    from communique.bench.pg_worker import run_pg_task

    cfg = run.config
    index = run.main_index()
    teasers, provincial = SAMPLE[bool(cfg.quick)]
    sample = write_sample(run.corpus, run.tmp / "pg-sample.jsonl", teasers=teasers, provincial=provincial)
    run.log(f"postgres: the index at {index} through PostgreSQL beside the local folder…")
    res = run_pg_task("pg_corpus", corpus_args(cfg.quick, str(index), run.worker_queries(), str(sample), cfg.passes))
    run.report.details["postgres"] = res
    corpus_figures(run.report, res, "~10k chunks" if cfg.quick else "full corpus")
