"""`communique ingest PATH... [--index DIR] [--embedder NAME]`"""
from __future__ import annotations

import argparse
import sys

from communique.ui.commands.common import add_index_argument


def register(subparsers) -> None:
    p = subparsers.add_parser("ingest", help="add or update releases from files or folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursive): .jsonl .json .txt .md .html")
    add_index_argument(p)
    p.add_argument("--embedder", help="use (default), e5, use+e5, or st:PATH (a local sentence-transformers model)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--no-pairing", action="store_true", help="do not pair translations automatically")
    p.add_argument("--threads", type=int, metavar="N",
                   help="embedding threads (default: $COMMUNIQUE_INGEST_THREADS or one per core)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="embed on the workers of this Dask scheduler (tcp://HOST:8786); the rest runs here")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from communique.index.embedders import UnknownEmbedder
    from communique.ingest.pipeline import default_ingest_threads, ingest_paths
    from communique.ui.paths import resolve_index_dir

    index_dir = resolve_index_dir(args.index)
    if args.threads is not None and args.threads < 1:
        print(f"communique ingest: --threads {args.threads}: needs at least 1", file=sys.stderr)
        return 2
    try:
        threads = args.threads or default_ingest_threads()
    except ValueError as exc:
        print(f"communique ingest: {exc}", file=sys.stderr)
        return 2
    try:
        report = ingest_paths(args.paths, index_dir, embedder_name=args.embedder, progress=not args.no_progress,
                              auto_pair=not args.no_pairing, threads=threads, dask=args.dask)
    except UnknownEmbedder as exc:
        print(f"communique ingest: {exc}", file=sys.stderr)
        return 2
    for problem in report.problems:
        print(f"rejected: {problem}", file=sys.stderr)
    for warning in report.warnings[:50]:
        print(f"warning: {warning}", file=sys.stderr)
    if len(report.warnings) > 50:
        print(f"warning: ... and {len(report.warnings) - 50} more warnings", file=sys.stderr)
    from communique.index.storage.pg_schema import display_uri

    shown = display_uri(index_dir) if isinstance(index_dir, str) else index_dir  # no password on screen
    print(f"{shown}: {report.summary()}")
    return report.exit_code
