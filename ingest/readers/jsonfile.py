"""A `.json` file: one release object or a list of them, read whole."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from index.models import Release
from ingest.decoding import decode_bytes
from ingest.problems import Problem
from ingest.readers.records import record_to_release


def read_json(path: Path) -> Iterator[Release | Problem]:
    """A JSON object (one release) or a list of objects."""
    text = decode_bytes(path.read_bytes(), path)
    if isinstance(text, Problem):
        yield text
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(str(path), exc.lineno, f"invalid JSON at column {exc.colno}: {exc.msg}")
        return
    if isinstance(data, list):
        if not data:
            yield Problem(str(path), None, "empty JSON list: no records")
        for index, obj in enumerate(data, start=1):
            yield record_to_release(obj, path, None, where=f"record {index}")
    else:
        yield record_to_release(data, path, None)
