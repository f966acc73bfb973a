"""JSON Lines: streamed line by line (bounded memory on very large files), one Problem per bad line.

Records may be separated by `\\n`, `\\r\\n` or a bare `\\r` (old Mac exports), and the file may be
UTF-8 (with or without a BOM), legacy 8-bit per line, or UTF-16/UTF-32 with a BOM. JSON forbids raw
CR and LF inside strings, so splitting on them never cuts a record.
"""
from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from communique.index.models import Release
from communique.ingest import guard
from communique.ingest.decoding import bom_encoding, decode_bytes, looks_binary
from communique.ingest.problems import Problem
from communique.ingest.readers import records

_BREAK = re.compile(rb"\r\n|\r|\n")
_BLOCK = 1 << 16  # small: memory stays bounded however large the file


def read_jsonl(path: Path) -> Iterator[Release | Problem]:
    """One record per line; blank lines are skipped; each bad line is one Problem with its number."""
    where = str(path)
    with path.open("rb") as fh:
        head = fh.read(8192)
        if looks_binary(head):
            yield Problem(where, None, "binary file, not text")
            return
        fh.seek(0)
        codec = bom_encoding(head)
        lines: Iterator[bytes | str]
        if codec in ("utf-16", "utf-32"):
            lines = iter(io.TextIOWrapper(fh, encoding=codec, errors="replace", newline=None))
        else:
            lines = split_lines(fh)
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            obj = guard.attempt("decode", where, number, decode_record, raw, path, number)
            if isinstance(obj, Problem):
                yield obj
                continue
            yield guard.attempt("read", where, number, records.record_to_release, obj, path, number)


def split_lines(fh: BinaryIO) -> Iterator[bytes]:
    """Lines of a binary stream split at CR LF, CR or LF; a leading UTF-8 BOM removed."""
    pending: list[bytes] = []
    first = True
    while True:
        block = fh.read(_BLOCK)
        if not block:
            break
        if first:
            first = False
            if block.startswith(codecs.BOM_UTF8):
                block = block[len(codecs.BOM_UTF8):]
        hold = b""
        if block.endswith(b"\r"):  # may be the first half of CR LF: decide with the next block
            block, hold = block[:-1], b"\r"
        parts = _BREAK.split(block)
        if len(parts) > 1:
            yield b"".join([*pending, parts[0]])
            yield from parts[1:-1]
            pending = [parts[-1]]
        else:
            pending.append(parts[0])
        if hold:
            pending.append(hold)
    rest = b"".join(pending)
    if rest:
        yield from _BREAK.split(rest[:-1] if rest.endswith(b"\r") else rest)


def decode_record(raw: bytes | str, path: Path, number: int) -> object:
    """One line -> a parsed JSON value, or a Problem for text that is not JSON."""
    if isinstance(raw, bytes):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            decoded = decode_bytes(raw, path)
            if isinstance(decoded, Problem):
                return Problem(str(path), number, decoded.message)
            line = decoded
    else:
        line = raw
    try:
        return records.parse_json(line)
    except json.JSONDecodeError as exc:
        return Problem(str(path), number, f"invalid JSON at column {exc.colno}: {exc.msg}")
    except records.NestedTooDeep as exc:
        return Problem(str(path), number, str(exc))
    except ValueError as exc:  # e.g. an integer of 5,000 digits
        return Problem(str(path), number, f"invalid JSON: {exc}")
