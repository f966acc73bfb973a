"""JSON Lines: streamed line by line (bounded memory on very large files), one Problem per bad line."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from index.models import Release
from ingest.decoding import decode_bytes, looks_binary
from ingest.problems import Problem
from ingest.readers.records import record_to_release


def read_jsonl(path: Path) -> Iterator[Release | Problem]:
    """One record per line; blank lines are skipped; each bad line is one Problem with its number."""
    with path.open("rb") as fh:
        head = fh.read(8192)
        if looks_binary(head):
            yield Problem(str(path), None, "binary file, not text")
            return
        fh.seek(0)
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                decoded = decode_bytes(raw, path)
                if isinstance(decoded, Problem):
                    yield Problem(str(path), number, decoded.message)
                    continue
                line = decoded
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Problem(str(path), number, f"invalid JSON at column {exc.colno}: {exc.msg}")
                continue
            yield record_to_release(obj, path, number)
