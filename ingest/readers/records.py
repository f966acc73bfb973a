"""One JSON object -> `Release`: shared by the JSONL and JSON readers.

Records come from scrapers and exports of every kind, so no field's type is trusted: a known
field of the wrong type is either coerced (a number as a title) or dropped with a warning
(a list as a URL), and only a missing or non-string `text`, or an `id` that is not text,
rejects the record. Nesting is bounded, measured without recursion.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from communique.index.models import Release, stable_hash
from communique.index.scrub import scrub_value
from communique.ingest.problems import Problem, file_label
from communique.ingest.readers.common import LINE_KEY, TEXT_FORMAT_KEY

MAX_JSON_DEPTH = 32  # real records nest two or three levels; 500+ blew the stack
_RECORD_FIELDS = ("id", "lang", "title", "date", "url", "text", "pair_id", "source")
_OPTIONAL_TEXT_FIELDS = ("lang", "title", "url", "source", "pair_id")
_DATE_FALLBACKS = ("datetime", "published", "date_published", "pubDate", "issued", "created")
WARNINGS_KEY = "warnings"


class NestedTooDeep(ValueError):
    """A JSON value nested deeper than MAX_JSON_DEPTH."""


class _WrongType(ValueError):
    """A known field holds a value that cannot stand for text."""


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), with an explicit stack, not recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            depth += 1
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            stack.extend((child, depth) for child in item if isinstance(child, (list, dict)))
    return deepest


def parse_json(text: str) -> Any:
    """`json.loads` with nesting bounded; raises ValueError with a clear message."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise NestedTooDeep(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise NestedTooDeep(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def record_to_release(obj: Any, path: Path, line: int | None, *, where: str = "") -> Release | Problem:
    """One JSON object -> Release; known fields become attributes, all others `metadata`."""
    prefix = f"{where}: " if where else ""
    if not isinstance(obj, dict):
        return Problem(str(path), line, f"{prefix}expected a JSON object, got {type(obj).__name__}")
    if json_depth(obj) > MAX_JSON_DEPTH:
        return Problem(str(path), line, f"{prefix}record nested deeper than {MAX_JSON_DEPTH} levels")
    obj = scrub_value(obj)  # lone surrogates would abort the ingest: U+FFFD each
    text = obj.get("text")
    if text is None:
        return Problem(str(path), line, f"{prefix}missing 'text' field")
    if not isinstance(text, str):
        return Problem(str(path), line, f"{prefix}'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        return Problem(str(path), line, f"{prefix}empty 'text'")
    try:
        rec_id = _as_str(obj.get("id"), "id")
    except _WrongType as exc:
        return Problem(str(path), line, f"{prefix}{exc}")
    warnings = _record_warnings(obj.get(WARNINGS_KEY))
    fields = {key: _optional_text(obj, key, warnings) for key in _OPTIONAL_TEXT_FIELDS}
    if not rec_id:
        rec_id = "rec-" + stable_hash(file_label(path.name), str(line if line is not None else where), text)
    date = next((d for key in ("date", *_DATE_FALLBACKS) if (d := _optional_text(obj, key, warnings))), "")
    metadata = {k: v for k, v in obj.items() if k not in _RECORD_FIELDS and k not in (LINE_KEY, WARNINGS_KEY)}
    if warnings:
        metadata[WARNINGS_KEY] = warnings
    metadata[TEXT_FORMAT_KEY] = _record_format(obj)
    if line is not None:
        metadata[LINE_KEY] = line  # taken out by the pipeline, so warnings can name the line
    return Release(
        id=rec_id,
        lang=fields["lang"],
        text=text,
        title=fields["title"],
        date=date or None,
        url=fields["url"],
        source=fields["source"] or file_label(path.name),
        pair_id=fields["pair_id"] or None,
        metadata=metadata,
    )


def _optional_text(obj: dict[str, Any], key: str, warnings: list[str]) -> str:
    """A field the release can live without: its text, or "" and a warning when of the wrong type."""
    try:
        return _as_str(obj.get(key), key)
    except _WrongType as exc:
        warnings.append(f"{exc}; ignored")
        return ""


def _as_str(value: Any, key: str) -> str:
    """Text of a known field: strings and numbers are text; lists, objects and booleans are not."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _WrongType(f"field {key!r} must be text, got {_json_type(value)}")


def _record_warnings(value: Any) -> list[str]:
    """A record's own `warnings` (an exporter's notes) kept if they are text; anything else noted."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return [f"field 'warnings' must be a list of text, got {_json_type(value)}; ignored"]


def _json_type(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def _record_format(obj: dict[str, Any]) -> str:
    """Markdown only when the record says so: joining soft wraps would damage line-based text."""
    hint = " ".join(str(obj.get(k, "")) for k in ("text_kind", "format", "text_format", "content_type")
                    if isinstance(obj.get(k), str))
    return "markdown" if "markdown" in hint.lower() else "text"
