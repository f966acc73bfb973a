"""One JSON object -> `Release`: shared by the JSONL and JSON readers."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from index.models import Release, stable_hash
from ingest.problems import Problem
from ingest.readers.common import LINE_KEY, TEXT_FORMAT_KEY

_RECORD_FIELDS = ("id", "lang", "title", "date", "url", "text", "pair_id", "source")
_DATE_FALLBACKS = ("datetime", "published", "date_published", "pubDate", "issued", "created")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def record_to_release(obj: Any, path: Path, line: int | None, *, where: str = "") -> Release | Problem:
    """One JSON object -> Release; known fields become attributes, all others `metadata`."""
    prefix = f"{where}: " if where else ""
    if not isinstance(obj, dict):
        return Problem(str(path), line, f"{prefix}expected a JSON object, got {type(obj).__name__}")
    obj = _scrub_surrogates(obj)
    text = obj.get("text")
    if text is None:
        return Problem(str(path), line, f"{prefix}missing 'text' field")
    if not isinstance(text, str):
        return Problem(str(path), line, f"{prefix}'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        return Problem(str(path), line, f"{prefix}empty 'text'")
    rec_id = _as_str(obj.get("id"))
    if not rec_id:
        rec_id = "rec-" + stable_hash(path.name, str(line if line is not None else where), text)
    date = obj.get("date")
    if date in (None, ""):
        date = next((obj[k] for k in _DATE_FALLBACKS if obj.get(k) not in (None, "")), None)
    metadata = {k: v for k, v in obj.items() if k not in _RECORD_FIELDS}
    metadata[TEXT_FORMAT_KEY] = _record_format(obj)
    if line is not None:
        metadata[LINE_KEY] = line  # taken out by the pipeline, so warnings can name the line
    return Release(
        id=rec_id,
        lang=_as_str(obj.get("lang")),
        text=text,
        title=_as_str(obj.get("title")),
        date=_as_str(date) or None,
        url=_as_str(obj.get("url")),
        source=_as_str(obj.get("source")) or path.name,
        pair_id=_as_str(obj.get("pair_id")) or None,
        metadata=metadata,
    )


def _scrub_surrogates(value: Any) -> Any:
    """JSON `\\ud800`-style escapes can yield lone surrogates, which no hash, database or model
    accepts (one would abort the whole ingest): each becomes U+FFFD."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value) if _LONE_SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_scrub_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_scrub_surrogates(k): _scrub_surrogates(v) for k, v in value.items()}
    return value


def _as_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _record_format(obj: dict[str, Any]) -> str:
    """Markdown only when the record says so: joining soft wraps would damage line-based text."""
    hint = " ".join(str(obj.get(k, "")) for k in ("text_kind", "format", "text_format", "content_type"))
    return "markdown" if "markdown" in hint.lower() else "text"
