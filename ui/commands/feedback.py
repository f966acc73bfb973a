"""`communique feedback export [--feedback FILE] [--out FILE] [--votes down|up|all]`

Turns the chat's feedback log into draft golden items (JSONL, the golden format) for an
evaluator to complete: write the facts, check the sources, then move them into a golden set.
Exit codes: 0 ok (even with unreadable lines, which are reported by file and line), 2 bad
usage or a missing feedback file.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from communique.ui.commands.common import add_index_argument

OK, USAGE = 0, 2
HEADER = ("// Draft golden items from chat feedback: write `facts` (and `answer`), check `sources`, "
          "`kind` and `lang`, drop what is not worth keeping, then move the lines into a golden set.")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("feedback", help="turn chat feedback into draft golden items")
    actions = parser.add_subparsers(dest="feedback_command", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write draft golden items (JSONL) from the feedback log",
                                description="Read the chat's feedback JSONL and write one draft golden item "
                                "per rated or commented answer.")
    export.add_argument("--feedback", metavar="FILE",
                        help="feedback log (default: feedback.jsonl beside the index folder, as `serve` writes it)")
    add_index_argument(export)
    export.add_argument("--out", metavar="FILE", help="output JSONL (default: standard output)")
    export.add_argument("--votes", choices=("down", "up", "all"), default="all",
                        help="which votes to export (commented answers are always exported)")
    export.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from communique.evals.feedback_drafts import VOTES, drafts_from_records, read_feedback
    from communique.ui.paths import resolve_index_dir

    index = resolve_index_dir(args.index)
    if args.feedback:
        path = Path(args.feedback)
    elif isinstance(index, Path):
        path = index.parent / "feedback.jsonl"
    else:  # a postgresql:// index keeps no folder: the chat's --feedback file must be named
        print("communique feedback: error: give --feedback FILE for an index in a database", file=sys.stderr)
        return USAGE
    if not path.is_file():
        print(f"communique feedback: error: {path}: feedback file not found", file=sys.stderr)
        return USAGE
    records, problems = read_feedback(path)
    for problem in problems:
        print(f"communique feedback: skipped {problem}", file=sys.stderr)
    votes = VOTES if args.votes == "all" else (args.votes,)
    drafts = drafts_from_records(records, votes=votes)
    lines = [HEADER, *(json.dumps(d, ensure_ascii=False) for d in drafts)]
    text = "\n".join(lines) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"{len(drafts)} draft item(s) from {len(records)} record(s) written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return OK
