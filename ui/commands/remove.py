"""`communique remove RELEASE_ID... [--index DIR]`"""
from __future__ import annotations

import argparse
import sys

from communique.ui.commands.common import add_index_argument


def register(subparsers) -> None:
    p = subparsers.add_parser("remove", help="delete releases (and their chunks) by id")
    p.add_argument("release_ids", nargs="+", metavar="RELEASE_ID")
    add_index_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from communique.ingest.pipeline import remove_releases
    from communique.ui.paths import resolve_index_dir

    removed, missing = remove_releases(resolve_index_dir(args.index), args.release_ids)
    for rid in removed:
        print(f"removed {rid}")
    for rid in missing:
        print(f"not found: {rid}", file=sys.stderr)
    return 0 if not missing else 1
