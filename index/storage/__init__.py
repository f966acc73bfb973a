"""Storage backends behind one contract (`index.storage.contract`): a local folder or PostgreSQL.

`--index` (or `$COMMUNIQUE_INDEX`) is a folder path, or a libpq URI (`postgresql://…` or
`postgres://…`) for the PostgreSQL + pgvector backend.
"""
from __future__ import annotations

import os
from pathlib import Path

from communique.index.storage.contract import Storage

URI_SCHEMES = ("postgresql://", "postgres://")


def is_database_uri(location: str | os.PathLike) -> bool:
    return isinstance(location, str) and location.startswith(URI_SCHEMES)


def open_storage(location: str | os.PathLike) -> Storage:
    """The backend for `location`: PostgreSQL for a libpq URI, else the local folder."""
    if is_database_uri(location):
        from communique.index.storage.postgres import PostgresStorage

        return PostgresStorage.connect(str(location))
    from communique.index.storage.local import LocalStorage

    return LocalStorage(Path(location))
