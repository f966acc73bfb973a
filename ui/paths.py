"""Where the index lives: `--index`, else `$COMMUNIQUE_INDEX`, else `.communique/index` here.

A `postgresql://…` (or `postgres://…`) value is a database, kept as the string it is: as a
Path it would silently become a local folder named `postgresql:`.
"""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_INDEX = Path(".communique") / "index"


def resolve_index_dir(value: str | os.PathLike | None = None) -> Path | str:
    """The index folder, or a database URI (a str)."""
    chosen = value or os.environ.get("COMMUNIQUE_INDEX")
    if not chosen:
        return DEFAULT_INDEX
    if isinstance(chosen, str) and chosen.startswith(("postgresql://", "postgres://")):
        return chosen
    return Path(chosen)
