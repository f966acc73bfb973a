"""Arguments shared by several subcommands."""
from __future__ import annotations

import argparse

from index.calendar import parse_iso_date


def add_index_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", metavar="DIR|URI", help="index folder or postgresql:// URI (default: $COMMUNIQUE_INDEX or .communique/index)")


def iso_date(value: str) -> str:
    try:
        return parse_iso_date(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc
