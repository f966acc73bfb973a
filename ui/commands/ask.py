"""`communique ask "QUESTION" [--json] [--index DIR] [--answerer extractive|llm] [--lang fr|en]
[--from DATE] [--to DATE] [--source-lang fr|en]`"""
from __future__ import annotations

import argparse
import json
import sys

from communique.ui.commands.common import (
    add_embedder_argument,
    add_index_argument,
    apply_embedder_choice,
    iso_date,
    llm_problem,
)


def register(subparsers) -> None:
    p = subparsers.add_parser("ask", help="answer a question with numbered sources (or say it is not found)")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the whole Answer as JSON")
    p.add_argument("--answerer", choices=["extractive", "llm"], default="extractive",
                   help="extractive (default, no model) or llm (settings from COMMUNIQUE_LLM_* variables)")
    p.add_argument("--lang", choices=["fr", "en"], help="language of the answer (default: the question's)")
    p.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE", help="only releases dated on/after")
    p.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="only releases dated on/before")
    p.add_argument("--source-lang", choices=["fr", "en"], help="only sources in this language")
    add_index_argument(p)
    add_embedder_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    apply_embedder_choice(args)
    from communique.assistant import Assistant
    from communique.ui.paths import resolve_index_dir

    if not args.question.strip():  # nothing to answer: a usage error, like a missing argument
        print('communique ask: the question is empty (usage: communique ask "QUESTION")', file=sys.stderr)
        return 2
    problem = llm_problem(args.answerer)
    if problem:
        print(f"communique ask: {problem}", file=sys.stderr)
        return 2
    try:
        assistant = Assistant.open(resolve_index_dir(args.index), answerer=args.answerer)
    except ValueError as exc:  # bad LLM settings: say which variable
        print(f"communique ask: {exc}", file=sys.stderr)
        return 2
    answer = assistant.ask(args.question, lang=args.lang, date_from=args.date_from, date_to=args.date_to,
                           source_lang=args.source_lang)
    if args.json:
        data = answer.to_dict()
        for hit in data.get("presented", []):
            hit.pop("metadata", None)  # long and source-specific; the release id leads to it
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(answer.text)
    if answer.notice:
        print(f"\n({answer.notice})")
    if answer.citations:
        print("\nSources:" if answer.language == "en" else "\nSources :")
        for c in answer.citations:
            date = f" ({c.date})" if c.date else ""
            print(f"[{c.n}] {c.title}{date} [{c.lang}]")
            if c.url:
                print(f"    {c.url}")
            print(f"    {c.release_id}  chars {c.start}-{c.end}")
    return 0
