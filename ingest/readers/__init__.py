"""Source files -> `Release` records with raw (uncleaned) text, one module per format.

Every reader yields `Problem`s instead of raising, so one bad record or file never stops an
ingest. JSONL is streamed line by line (bounded memory on very large files); other formats
hold one document and are read whole.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from communique.index.models import Release
from communique.ingest.problems import Problem
from communique.ingest.readers.common import LINE_KEY, TEXT_FORMAT_KEY
from communique.ingest.readers.html import read_html
from communique.ingest.readers.jsonfile import read_json
from communique.ingest.readers.jsonl import read_jsonl
from communique.ingest.readers.records import record_to_release
from communique.ingest.readers.text import read_text, split_header

Reader = Callable[[Path], Iterator[Release | Problem]]
READERS: dict[str, Reader] = {
    ".jsonl": read_jsonl,
    ".json": read_json,
    ".txt": read_text,
    ".md": read_text,
    ".markdown": read_text,
    ".html": read_html,
    ".htm": read_html,
}


def read_file(path: Path) -> Iterator[Release | Problem]:
    """Releases (or Problems) from one file, chosen by its extension."""
    path = Path(path)
    ext = path.suffix.lower()
    reader = READERS.get(ext)
    if reader is None:
        yield Problem(str(path), None, f"unsupported file type {ext or '(none)'!r}")
        return
    try:
        yield from reader(path)
    except OSError as exc:
        yield Problem(str(path), None, f"cannot read: {exc.strerror or exc}")


__all__ = ["LINE_KEY", "TEXT_FORMAT_KEY", "READERS", "read_file", "read_html", "read_json", "read_jsonl",
           "read_text", "record_to_release", "split_header"]
