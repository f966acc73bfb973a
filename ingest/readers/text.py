"""Plain text and Markdown: one file is one release, with optional front matter or header lines."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from communique.index.models import Release, stable_hash
from communique.ingest import guard
from communique.ingest.decoding import decode_bytes
from communique.ingest.problems import Problem, file_label
from communique.ingest.readers.common import TEXT_FORMAT_KEY

# No lazy `(.*?)\s*$`: on a line of many spaces that retries the tail at every position (quadratic).
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]{0,30})[ \t]*:[ \t]*(.*)$")
_KNOWN_KEYS = frozenset({"title", "date", "lang", "url", "id", "pair_id", "source"})
_KEY_ALIASES = {"titre": "title", "language": "lang", "langue": "lang", "lien": "url", "link": "url",
                "published": "date", "pair": "pair_id", "pairid": "pair_id"}
_GLUED_DATE = re.compile(r"^[ \t]*date[ \t]*:?[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|$)", re.I)
_MD_TITLE = re.compile(r"^[ \t]{0,3}#[ \t]+(\S.*)$")  # trailing " ##" stripped in code (linear)
_TITLE_MAX_CHARS = 200


def read_text(path: Path) -> Iterator[Release | Problem]:
    """A `.txt`/`.md` file is one release: optional front matter or header lines, then the body."""
    where = str(path)
    text = guard.attempt("decode", where, None, decode_bytes, path.read_bytes(), path)
    if isinstance(text, Problem):
        yield text
        return
    yield guard.attempt("read", where, None, parse_text_document, text, path)


def parse_text_document(text: str, path: Path) -> Release | Problem:
    """Decoded text of one `.txt`/`.md` file -> its release."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header, body = split_header(text)
    body, glued_date = _take_glued_date(body)
    if not body.strip():
        return Problem(str(path), None, "empty file" if not text.strip() else "no text after the header")
    title = header.pop("title", "")
    if not title:
        title, body = _title_from_body(body)
    date = header.pop("date", "") or glued_date
    name = file_label(path.name)
    rec_id = header.pop("id", "") or "doc-" + stable_hash(name, body)
    markdown = path.suffix.lower() in (".md", ".markdown")
    metadata: dict[str, Any] = dict(header)
    metadata[TEXT_FORMAT_KEY] = "markdown" if markdown else "text"
    return Release(
        id=rec_id,
        lang=metadata.pop("lang", ""),
        text=body,
        title=title,
        date=date or None,
        url=metadata.pop("url", ""),
        source=metadata.pop("source", "") or name,
        pair_id=metadata.pop("pair_id", "") or None,
        metadata=metadata,
    )


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Front matter (`---` ... `---`) or a leading block of `key: value` lines, and the rest.

    A leading block counts only if every line is `key: value`, it ends at a blank line, and it
    names at least one known key (title, date, lang, url, id, pair_id, source): a first line
    like "Note: ..." or "MONTREAL: ..." is text, not a header.
    """
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and lines[start].strip() == "---":
        for end in range(start + 1, min(len(lines), start + 200)):
            if lines[end].strip() in ("---", "..."):
                header = _parse_pairs(lines[start + 1:end])
                if header is not None:
                    return header, "\n".join(lines[end + 1:])
                break
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    if end > start and (end == len(lines) or not lines[end].strip()):
        header = _parse_pairs(lines[start:end])
        if header is not None and _KNOWN_KEYS & header.keys() and end < len(lines):
            return header, "\n".join(lines[end + 1:])
    return {}, text


def _parse_pairs(lines: list[str]) -> dict[str, str] | None:
    """`key: value` lines (YAML-ish: quotes removed, `- item` lines join a list); None if not all match."""
    header: dict[str, str] = {}
    last_key = ""
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = re.match(r"^\s+-\s+(.*)$", line) or re.match(r"^-\s+(.*)$", line)
        if item and last_key:
            value = _unquote(item.group(1))
            header[last_key] = f"{header[last_key]}, {value}" if header[last_key] else value
            continue
        m = _HEADER_LINE.match(line)
        if not m:
            return None
        key = m.group(1).lower().replace("-", "_")
        key = _KEY_ALIASES.get(key, key)
        value = _unquote(m.group(2).strip())
        if value.startswith("[") and value.endswith("]"):
            value = ", ".join(_unquote(v) for v in value[1:-1].split(",") if v.strip())
        header[key] = value
        last_key = key
    return header


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _take_glued_date(body: str) -> tuple[str, str]:
    """The seed's scraper glued `date 2025-09-25` before the subtitle: take the date, keep the rest."""
    stripped = body.lstrip("\n")
    m = _GLUED_DATE.match(stripped)
    if not m:
        return body, ""
    return stripped[m.end():], m.group(1)


def _title_from_body(body: str) -> tuple[str, str]:
    """A leading `# heading` is the title (and leaves the body); else a short first line is a title."""
    lines = body.split("\n")
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return "", body
    m = _MD_TITLE.match(lines[first])
    if m and m.group(1).rstrip(" \t#"):
        return m.group(1).rstrip(" \t#").strip(), "\n".join(lines[:first] + lines[first + 1:])
    line = lines[first].strip()
    rest = "\n".join(lines[first + 1:]).strip()
    if rest and len(line) <= _TITLE_MAX_CHARS and not line.endswith((".", ",", ";", ":")):
        return line, body  # kept in the text too: it may be a subtitle carrying facts
    return "", body
