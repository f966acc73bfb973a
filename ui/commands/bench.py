"""`communique bench [--json] [--quick] [--out DIR] [--only SECTION ...]`: speed, memory and
scale on ../shared/corpus, side by side with the plain LangChain recipe (bench/README.md).

Exit codes: 0 measured (or nothing to measure: the corpus is absent, with a message);
1 a section failed (the others are still reported).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Written out, not imported from communique.bench: every `communique` command registers its parser at
# start-up, and the bench modules must not load for `communique ask` (tests/bench/test_bench_cli.py
# keeps the two lists equal).
SECTIONS = ("versus", "throughput", "latency", "search-modes", "coldstart", "threads", "profile", "scale", "pgvector", "postgres")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "bench", help="benchmarks: ingest and query speed, memory, scale, vs the plain LangChain recipe",
        description="Measure Communiqué on ../shared/corpus and write bench-output/latest.json "
        "(the full run builds a full-corpus index once, several minutes; --quick takes a couple).")
    p.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    p.add_argument("--quick", action="store_true", help="the ~10k-chunk index only, fewer runs (smoke check)")
    p.add_argument("--out", metavar="DIR", default="bench-output", help="output folder (default: bench-output)")
    p.add_argument("--only", nargs="+", choices=SECTIONS, metavar="SECTION",
                   help=f"run only these sections ({', '.join(SECTIONS)})")
    p.add_argument("--corpus", metavar="DIR", help="shared corpus folder (default: ../shared/corpus)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from communique.bench.report import render_table
    from communique.bench.run import BenchConfig, run_bench

    config = BenchConfig(out_dir=Path(args.out), quick=args.quick, corpus=Path(args.corpus) if args.corpus else None,
                         sections=tuple(args.only) if args.only else SECTIONS)
    report = run_bench(config)
    if report is None:
        return 0
    if args.json:
        print(json.dumps(report.to_dict(), indent=1, ensure_ascii=False, default=str))
    else:
        print(render_table(report))
        print(f"\nwritten: {Path(args.out) / 'latest.json'}", file=sys.stderr)
    return 1 if report.errors else 0
