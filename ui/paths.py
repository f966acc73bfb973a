"""Where the index lives: `--index`, else `$COMMUNIQUE_INDEX`, else `.communique/index` here."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_INDEX = Path(".communique") / "index"


def resolve_index_dir(value: str | os.PathLike | None = None) -> Path:
    if value:
        return Path(value)
    env = os.environ.get("COMMUNIQUE_INDEX")
    return Path(env) if env else DEFAULT_INDEX
