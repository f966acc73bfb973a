"""The `scale` section of `communique bench`: what it runs (`bench.scale.scale_task`, in a worker
process) and the rows it gives. Apart from `bench/scale.py` only because that module, the
measurement itself, is long enough alone (as `bench/pg_report.py` is for the PostgreSQL ones).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from communique.bench.context import TARGETS, SectionResult, keeping
from communique.bench.report import Figure
from communique.bench.stats import Stat

if TYPE_CHECKING:
    from communique.bench.context import BenchContext

VECTOR_BUDGET_MS = 10.0  # share of the 20 ms search target left to the vector search itself
MIN_ANN_RECALL = 0.95
SECTION = "scale (vectors only)"


def scale_section(ctx: BenchContext) -> SectionResult:
    """Exact vs IVF/HNSW vector search up to 1M synthetic vectors built from the main index's."""
    from communique.bench import scale as sc
    from communique.bench.subprocess_task import run_task

    source = ctx.main_index()
    args = {**sc.DEFAULTS, **ctx.config.scale, "index": str(source),
            "queries": [q.search_text for q in ctx.queries], "cache": str(ctx.out / "scale-cache")}
    ctx.log(f"scale: exact vs approximate search up to {max(args['sizes']):,} vectors (long)…")
    res = run_task("scale", args)
    out = SectionResult(details={"scale": res})
    with keeping(out):
        _scale_figures(out, res)
    return out


def _scale_figures(out: SectionResult, res: dict[str, Any]) -> None:
    from communique.bench import scale as sc

    s = SECTION
    out.add(Figure(s, "vectors", res["vectors"], note=f"{res['dim']}-d, one query, one thread, k={res['search_k']}"))
    for point in res["exact"]:
        lat = Stat(**point["latency_ms"])
        big = point["size"] >= 1_000_000
        out.add(Figure.of(s, f"exact IndexFlatIP @ {point['size']:,}", lat,
                          target="≤ 50 ms" if big else "", met=lat.median <= TARGETS["search_1m_ms"] if big else None,
                          note=f"{point['bytes'] / 1e6:.0f} MB"))
    for result in res["approximate"]:
        best = sc.operating_point(result, MIN_ANN_RECALL)
        if best is None:
            continue
        param = next((p for p in ("nprobe", "efSearch") if p in best), None)
        lat = Stat(**best["latency_ms"])
        big = result["size"] >= 1_000_000
        build = f"build {result['build_seconds']:.0f} s" + (" (cached)" if result.get("cached") else "")
        label = f"{result['kind']} @ {result['size']:,}" + (f" ({param}={best[param]})" if param else "")
        out.add(Figure.of(s, label, lat,
                          target="≤ 50 ms" if big else "", met=lat.median <= TARGETS["search_1m_ms"] if big else None,
                          note=f"recall@10 {best['recall@10']:.3f}, @60 {best['recall@60']:.3f}; {build}"))
    product = res.get("product")
    if product:
        lat = Stat(**product["latency_ms"])
        build = f"; built in {product['build_seconds']:.0f} s" if product.get("build_seconds") else " (cached)"
        out.add(Figure.of(s, f"the product's VectorStore @ {product['size']:,}: {product['kind']}"
                          + (f" (nlist={product['nlist']}, nprobe={product['nprobe']})" if product.get("nlist") else ""),
                          lat, target="≤ 50 ms", met=lat.median <= TARGETS["search_1m_ms"],
                          note=f"recall@10 {product['recall@10']:.3f}, @60 {product['recall@60']:.3f}{build}"))
    threshold = sc.flat_threshold(res["exact"], VECTOR_BUDGET_MS)
    res["flat_threshold"] = threshold
    if threshold is not None:
        out.add(Figure(s, f"exact search reaches {VECTOR_BUDGET_MS:.0f} ms at", float(threshold), "vectors",
                       note="per language index, from the measured cost per vector (bench/README.md)"))
