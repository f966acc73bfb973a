"""`communique serve`: the chat in a browser, on this machine only unless told otherwise.

    communique serve [--index DIR] [--host 127.0.0.1] [--port 7860] [--feedback FILE]
                     [--answerer extractive|llm] [--concurrency N] [--auth-file FILE | --no-auth]

The app starts even without an index (it says how to build one) and picks up a new index
generation written by `communique ingest` without a restart. Beyond this machine (`--host`
other than loopback) a login is required: `--auth-file FILE` (made with `communique users
add`), or `--no-auth` to say explicitly that anyone on the network may use it.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from communique.ui.commands.common import add_embedder_argument, add_index_argument, apply_embedder_choice

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve",
        help="open the chat (Gradio) on http://127.0.0.1:7860",
        description="Serve the bilingual chat and its API (/ask, /ask_stream, /stats) over the index.",
    )
    add_index_argument(p)
    add_embedder_argument(p)
    p.add_argument("--host", default=DEFAULT_HOST, help=f"interface to listen on (default {DEFAULT_HOST}; "
                   "0.0.0.0 exposes the chat to the network)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--feedback", metavar="FILE",
                   help="JSONL file that receives thumbs up/down and comments (default: feedback.jsonl "
                   "next to the index folder)")
    p.add_argument("--answerer", choices=("extractive", "llm"), default="extractive",
                   help="extractive (default: quotes the releases) or llm (a chat model rewrites the quoted "
                   "passages; configured by the assistant's environment variables)")
    p.add_argument("--concurrency", type=int, default=None, metavar="N",
                   help="answers computed at once; more questions wait in the queue (default 8)")
    access = p.add_mutually_exclusive_group()
    access.add_argument("--auth-file", metavar="FILE",
                        help="require a login; users and password hashes from FILE (communique users add)")
    access.add_argument("--no-auth", action="store_true",
                        help="serve without a login even beyond loopback (anyone who can reach the port)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    apply_embedder_choice(args)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from communique.ui.auth import Authenticator, AuthFileError
    from communique.ui.backend import ChatBackend, IndexUnavailable, assistant_opener
    from communique.ui.commands.common import llm_problem
    from communique.ui.examples import load_examples
    from communique.ui.feedback import FeedbackLog
    from communique.ui.handlers import DEFAULT_CONCURRENCY, ChatApp
    from communique.ui.paths import resolve_index_dir
    from communique.ui.server import is_loopback, serve

    if not 0 < args.port < 65536:
        print(f"communique serve: --port must be 1-65535, not {args.port}", file=sys.stderr)
        return 2
    concurrency = args.concurrency or DEFAULT_CONCURRENCY
    if concurrency < 1:
        print("communique serve: --concurrency must be at least 1", file=sys.stderr)
        return 2
    auth = None
    if args.auth_file:
        try:
            auth = Authenticator(Path(args.auth_file))
        except AuthFileError as exc:
            print(f"communique serve: {exc}", file=sys.stderr)
            return 2
        if not auth.users():
            print(f"communique serve: {args.auth_file} has no users; add one with: communique users add NAME "
                  f"--auth-file {args.auth_file}", file=sys.stderr)
            return 2
    elif not args.no_auth and not is_loopback(args.host):
        print(f"communique serve: --host {args.host} lets other machines in, so a login is required: "
              "--auth-file FILE (make it with `communique users add NAME --auth-file FILE`), "
              "or --no-auth to serve without one", file=sys.stderr)
        return 2
    problem = llm_problem(args.answerer)
    if problem:
        print(f"communique serve: {problem}", file=sys.stderr)
        return 2
    index_dir = resolve_index_dir(args.index)
    feedback_path = Path(args.feedback) if args.feedback else (
        index_dir.parent if isinstance(index_dir, Path) else Path(".communique")) / "feedback.jsonl"
    backend = ChatBackend(index_dir, assistant_opener(args.answerer))
    try:  # load the models (and group the departments) now so the first visitor does not wait
        backend.assistant()
        backend.departments()
    except IndexUnavailable as exc:
        print(f"communique serve: {exc.key.replace('_', ' ')}: {index_dir} {exc.error}".rstrip()
              + f"\n  the chat will say so; build it with: communique ingest FOLDER --index {index_dir}",
              file=sys.stderr)
    app = ChatApp(backend, FeedbackLog(feedback_path), load_examples(), concurrency=concurrency,
                  logout=auth is not None)
    login = f"login: {args.auth_file}" if auth else "no login"
    print(f"index {index_dir} · feedback {feedback_path} · {login}\n"
          f"chat on http://{args.host}:{args.port}/ · REST API docs on http://{args.host}:{args.port}/api/docs",
          file=sys.stderr)
    try:
        serve(app, host=args.host, port=args.port, auth=auth)
    except OSError as exc:
        print(f"communique serve: cannot listen on {args.host}:{args.port} ({exc}); "
              f"choose another with --port", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m communique.ui.commands.serve ...` (the tests start the app this way)."""
    parser = argparse.ArgumentParser(prog="communique serve")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    return run(parser.parse_args(["serve", *(argv if argv is not None else sys.argv[1:])]))


if __name__ == "__main__":
    sys.exit(main())
