"""`communique info [--index DIR]`: what the index holds, or what is wrong with it."""
from __future__ import annotations

import argparse
import json
import sys

from communique.ui.commands.common import add_index_argument


def register(subparsers) -> None:
    p = subparsers.add_parser("info", help="releases and chunks by language, embedder, size, last ingest")
    add_index_argument(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from communique.index.errors import IndexCorrupted, IndexNotFound
    from communique.index.retriever import Retriever
    from communique.ui.paths import resolve_index_dir

    index_dir = resolve_index_dir(args.index)
    try:
        stats = Retriever.open(index_dir, verify=True, auto_reload=False).stats()
    except IndexNotFound as exc:
        print(f"{exc}", file=sys.stderr)
        return 1
    except IndexCorrupted as exc:
        print(f"index damaged: {exc}\nrebuild it: move {index_dir} aside and run "
              f"`communique ingest YOUR_FILES --index {index_dir}`", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
        return 0
    langs = ", ".join(f"{lang}: {n}" for lang, n in sorted(stats.releases_by_lang.items()))
    chunk_langs = ", ".join(f"{lang}: {n}" for lang, n in sorted(stats.chunks_by_lang.items()))
    print(f"index      {stats.index_dir} ({stats.generation})")
    print(f"releases   {stats.releases} ({langs})")
    print(f"chunks     {stats.chunks} ({chunk_langs})")
    print(f"embedder   {stats.embedder} ({stats.dim}-d)")
    print(f"size       {stats.size_bytes / 1e6:.1f} MB on disk")
    print(f"created    {stats.created}")
    print(f"last ingest {stats.last_ingest}")
    return 0
