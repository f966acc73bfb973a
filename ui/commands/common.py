"""Arguments shared by several subcommands."""
from __future__ import annotations

import argparse

from communique.index.calendar import parse_iso_date


def add_index_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", metavar="DIR|URI", help="index folder or postgresql:// URI (default: $COMMUNIQUE_INDEX or .communique/index)")


def add_embedder_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--embedder", metavar="NAME", help="read the index with this embedder; needed for an index "
                        "built with st:PATH, since a model folder is never loaded because the index names it "
                        "(or set $COMMUNIQUE_EMBEDDER)")


def apply_embedder_choice(args: argparse.Namespace) -> None:
    """The user's --embedder reaches every index the command opens (assistant, chat) as $COMMUNIQUE_EMBEDDER."""
    if getattr(args, "embedder", None):
        import os

        os.environ["COMMUNIQUE_EMBEDDER"] = args.embedder


def iso_date(value: str) -> str:
    try:
        return parse_iso_date(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def llm_problem(answerer: str) -> str | None:
    """Why `--answerer llm` cannot work here (its client library is missing), with the fix; else None.

    Without this check the chat ran and every answer said "(server error)": the cause, a missing
    `langchain_openai`, only showed in the server log.
    """
    if answerer != "llm":
        return None
    import importlib.util
    import os

    provider = (os.environ.get("COMMUNIQUE_LLM") or "openai").strip().lower()
    module = "langchain_ollama" if provider == "ollama" else "langchain_openai"
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if found:
        return None
    return (f"--answerer llm needs the Python package {module}, which is not installed; "
            f"install the LLM extra with: pip install -e '.[llm]'")
