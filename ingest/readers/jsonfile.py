"""A `.json` file: one release object or a list of them, read whole; each record guarded alone."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from communique.index.models import Release
from communique.ingest import guard
from communique.ingest.decoding import decode_bytes
from communique.ingest.problems import Problem
from communique.ingest.readers import records


def read_json(path: Path) -> Iterator[Release | Problem]:
    """A JSON object (one release) or a list of objects."""
    where = str(path)
    text = guard.attempt("decode", where, None, decode_bytes, path.read_bytes(), path)
    if isinstance(text, Problem):
        yield text
        return
    data = guard.attempt("decode", where, None, _load, text, path)
    if isinstance(data, Problem):
        yield data
        return
    if isinstance(data, list):
        if not data:
            yield Problem(where, None, "empty JSON list: no records")
        for index, obj in enumerate(data, start=1):
            yield guard.attempt("read", where, None, records.record_to_release, obj, path, None,
                                where=f"record {index}")
    else:
        yield guard.attempt("read", where, None, records.record_to_release, data, path, None)


def _load(text: str, path: Path) -> Any:
    """The parsed document, or a Problem; each record's own depth is checked when it is read."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return Problem(str(path), exc.lineno, f"invalid JSON at column {exc.colno}: {exc.msg}")
    except RecursionError:
        return Problem(str(path), None, f"JSON nested deeper than {records.MAX_JSON_DEPTH} levels")
    except ValueError as exc:  # e.g. an integer of 5,000 digits
        return Problem(str(path), None, f"invalid JSON: {exc}")
