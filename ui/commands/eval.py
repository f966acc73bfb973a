"""`communique eval`: score the assistant on a golden set, gate on floors, compare two runs.

    communique eval --golden FILE [--index DIR] [--out DIR] [--retrieval-only [--mode M]]
                    [--floors FILE] [--limit N] [--split dev|heldout] [--no-progress]
    communique eval --golden FILE [--index DIR] --check      # validate the golden set only
    communique eval --compare RUN_A RUN_B
    communique eval --build-shared-index DIR [--corpus DIR]  # the shared golden set's index

Exit codes: 0 ok; 1 a floor failed, a question raised, or the index is unusable;
2 bad usage or a bad golden/floors file.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from communique.ui.commands.common import add_index_argument
from communique.ui.paths import resolve_index_dir

OK, FAILED, USAGE = 0, 1, 2
MODES = ("hybrid", "dense", "lexical")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `eval` subcommand to the `communique` parser."""
    parser = subparsers.add_parser(
        "eval",
        help="score the assistant on a golden question set",
        description="Run a golden set through the assistant over an existing index (nothing is "
        "ingested) and write results.jsonl, summary.json, report.md and metrics.png; "
        "or compare two such runs.",
    )
    parser.add_argument("--golden", metavar="FILE", help="golden set (JSONL)")
    add_index_argument(parser)
    parser.add_argument("--out", metavar="DIR", help="output folder (default: .communique/evals/<golden>-<time>)")
    parser.add_argument("--retrieval-only", action="store_true", help="score the retriever alone (no answers)")
    parser.add_argument("--mode", choices=MODES, help="retrieval mode for --retrieval-only (default: the index's)")
    parser.add_argument("--floors", metavar="FILE", help="fail (exit 1) when a metric breaks a floor in FILE")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N questions (quick runs)")
    parser.add_argument("--split", choices=("dev", "heldout"),
                        help="only the questions of one split (tune with --split dev)")
    parser.add_argument("--check", action="store_true", help="only validate the golden set against the index")
    parser.add_argument("--compare", nargs=2, metavar=("RUN_A", "RUN_B"), help="what changed from run A to run B")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--build-shared-index", metavar="DIR",
                        help="build (or reuse, if its inputs are unchanged) the shared golden set's index in DIR")
    parser.add_argument("--corpus", metavar="DIR", help="the shared corpus for --build-shared-index "
                        "(default: ../shared/corpus beside the project)")
    parser.add_argument("--embedder", help="embedder for --build-shared-index (default: the index default)")
    parser.set_defaults(func=run)


def _error(message: str) -> int:
    print(f"communique eval: error: {message}", file=sys.stderr)
    return USAGE


def _index_error(index_dir: Path | str, exc: Exception) -> int:
    print(f"communique eval: cannot use index {index_dir}: {exc}", file=sys.stderr)
    return FAILED


def _default_out(golden: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(".communique") / "evals" / f"{golden.stem}-{stamp}"


def _compare(run_a: str, run_b: str) -> int:
    from communique.evals.compare import compare_runs
    from communique.evals.report import RunError

    try:
        print(compare_runs(run_a, run_b), end="")
    except RunError as exc:
        return _error(str(exc))
    return OK


def _check(golden: Path, index_dir: Path | str) -> int:
    from communique.evals.golden import GoldenError, check_golden, load_golden
    from communique.index import IndexProblem, Retriever

    try:
        items = load_golden(golden)
        retriever = Retriever.open(index_dir)
    except GoldenError as exc:
        return _error(str(exc))
    except IndexProblem as exc:
        return _index_error(index_dir, exc)
    problems = check_golden(items, retriever.releases(sorted({s for i in items for s in i.sources})))
    for line in problems:
        print(line)
    print(f"{golden}: {len(items)} question(s), {len(problems)} problem(s)", file=sys.stderr)
    return FAILED if problems else OK


def _build_shared(args: argparse.Namespace) -> int:
    from communique.evals.shared_corpus import SharedCorpusMissing
    from communique.ui.commands.shared_index import SharedIndexError, build_shared_index

    try:
        build = build_shared_index(Path(args.build_shared_index), corpus=Path(args.corpus) if args.corpus else None,
                                   embedder_name=args.embedder, progress=not args.no_progress)
    except SharedCorpusMissing as exc:
        return _error(str(exc))
    except SharedIndexError as exc:
        print(f"communique eval: shared index not built: {exc}", file=sys.stderr)
        return FAILED
    print(build.describe())
    return OK


def _usage_problem(args: argparse.Namespace) -> str | None:
    """The first misuse of the options, as a message (None: the options fit together)."""
    if args.build_shared_index and (args.golden or args.compare):
        return "--build-shared-index takes no --golden or --compare"
    if args.build_shared_index:
        return None
    if args.corpus or args.embedder:
        return "--corpus and --embedder apply to --build-shared-index"
    if args.compare and args.golden:
        return "--compare takes two run folders and no --golden"
    if args.compare:
        return None
    if not args.golden:
        return "give --golden FILE (or --compare RUN_A RUN_B)"
    if args.mode and not args.retrieval_only:
        return "--mode applies to --retrieval-only runs (the assistant chooses its own)"
    if args.limit is not None and args.limit < 1:
        return "--limit must be at least 1"
    return None


def run(args: argparse.Namespace) -> int:
    """Carry out `communique eval`; returns the exit code."""
    problem = _usage_problem(args)
    if problem:
        return _error(problem)
    if args.build_shared_index:
        return _build_shared(args)
    if args.compare:
        return _compare(*args.compare)
    golden = Path(args.golden)
    index_dir = resolve_index_dir(args.index)
    if isinstance(index_dir, Path) and not index_dir.exists():  # a postgresql:// URI is a str
        return _error(f"index folder {index_dir} not found (build it with `communique ingest`)")
    if args.check:
        return _check(golden, index_dir)
    return _score(args, golden, index_dir)


def _score(args: argparse.Namespace, golden: Path, index_dir: Path | str) -> int:
    from communique.evals.floors import FloorsError, check_floors, load_floors
    from communique.evals.golden import GoldenError
    from communique.evals.report import REPORT, fmt_ci
    from communique.evals.runner import run_eval
    from communique.index import IndexProblem

    floors = None
    if args.floors:
        try:
            floors = load_floors(args.floors)
        except FloorsError as exc:
            return _error(str(exc))
    out_dir = Path(args.out) if args.out else _default_out(golden)
    try:
        summary = run_eval(golden, index_dir, out_dir, retrieval_only=args.retrieval_only, mode=args.mode,
                           limit=args.limit, split=args.split, progress=not args.no_progress)
    except GoldenError as exc:
        return _error(str(exc))
    except IndexProblem as exc:
        return _index_error(index_dir, exc)

    def metrics_line(values: dict, intervals: dict | None) -> str:
        return ", ".join(f"{k} {fmt_ci(v, (intervals or {}).get(k), k)}" for k, v in values.items() if v is not None)

    print(f"{summary.n} questions; " + metrics_line(summary.overall, summary.ci.get("overall")))
    for name, part in sorted((summary.splits or {}).items()):
        print(f"  {name} ({part['n']}): " + metrics_line(part["overall"], part["ci"].get("overall")))
    print(f"report: {out_dir / REPORT}")
    status = OK
    if summary.errors:
        print(f"{summary.errors} question(s) raised an error (see results.jsonl)", file=sys.stderr)
        status = FAILED
    if floors is not None:
        broken = check_floors(summary, floors, skip_unmeasured=args.retrieval_only)
        for message in broken:
            print(f"floor: {message}", file=sys.stderr)
        if broken:
            status = FAILED
        else:
            print(f"floors: all met ({args.floors})")
    return status
