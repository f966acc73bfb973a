"""`communique search "QUERY" [--k 5] [--lang fr|en] [--from DATE] [--to DATE] [--json]`"""
from __future__ import annotations

import argparse
import json
import sys

from communique.ui.commands.common import add_embedder_argument, add_index_argument, iso_date


def register(subparsers) -> None:
    p = subparsers.add_parser("search", help="ranked passages for a query (no answer)")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--lang", choices=["fr", "en"], help="only sources in this language")
    p.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE")
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid")
    p.add_argument("--json", action="store_true", help="print the hits as JSON")
    add_embedder_argument(p)
    add_index_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from communique.index.embedders import UnknownEmbedder
    from communique.index.retriever import Retriever
    from communique.ui.paths import resolve_index_dir

    try:  # every file checked against its checksum at open: an altered record store is refused, not quoted
        retriever = Retriever.open(resolve_index_dir(args.index), embedder=args.embedder)
    except UnknownEmbedder as exc:
        print(f"communique search: {exc}", file=sys.stderr)
        return 2
    hits = retriever.search(args.query, k=args.k, lang=args.lang, date_from=args.date_from, date_to=args.date_to,
                            mode=args.mode)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("no matching passages")
    for hit in hits:
        snippet = " ".join(hit.text.split())
        snippet = snippet[:240] + ("…" if len(snippet) > 240 else "")
        print(f"{hit.rank}. [{hit.lang}] {hit.title} ({hit.date or 'no date'})  score {hit.score:.4f}")
        print(f"   {hit.release_id}  chars {hit.start}-{hit.end}  {hit.url}")
        print(f"   {snippet}\n")
    return 0
