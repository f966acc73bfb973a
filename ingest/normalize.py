"""Raw release -> clean release: text and title cleaned, date parsed, language checked.

Problems with a field that the release can live without (a bad date, a wrong `lang`, a title
of a whole page) become warnings in `metadata["warnings"]`; only a release with no text left is
rejected. Cleaning and detection each run under the per-record guard (`ingest.guard`).
"""
from __future__ import annotations

import dataclasses
import re

from communique.index.models import Release
from communique.ingest import guard
from communique.ingest.cleaning import clean_text, clean_title
from communique.ingest.dates import parse_date
from communique.ingest.language import resolve_language
from communique.ingest.problems import Problem
from communique.ingest.readers.common import LINE_KEY, TEXT_FORMAT_KEY

# A title is shown beside every passage and joined to each chunk for embedding and BM25: a
# 100,000-character "title" cost 1.15 GB for two releases. Longer ones are cut at a word and
# kept whole (cleaned) under FULL_TITLE_KEY.
MAX_TITLE_CHARS = 300
FULL_TITLE_KEY = "full_title"
# Half-masting notices open their text and title with the notice's numeric id
# ("1379939572179 Notice of half-masting: …"): an id, not words to quote or match.
NOTICE_ID_KEY = "notice_id"
_LEADING_NOTICE_ID = re.compile(r"^[ \t]*(\d{10,20})[ \t]+(?=\w)")
_MAX_DATE_CHARS = 100  # a "date" longer than this is not one (and is not worth parsing)


def normalize_release(release: Release, *, path: str = "", line: int | None = None) -> Release | Problem:
    """Cleaned copy of `release` (same id), or a Problem naming the file and line when no text is left."""
    where = path or release.source or release.id
    metadata = dict(release.metadata or {})
    text_format = metadata.pop(TEXT_FORMAT_KEY, "text")
    record_line = metadata.pop(LINE_KEY, None)  # never stored; names the line when the caller did not
    line = line if line is not None else record_line
    line = line if isinstance(line, int) and not isinstance(line, bool) else None
    warnings = _warnings_of(metadata.get("warnings"))

    text = guard.attempt("clean", where, line, clean_text, release.text or "", markdown=text_format == "markdown")
    if isinstance(text, Problem):
        return text
    text, notice_id = _strip_notice_id(text)
    if not text:
        return Problem(where, line, f"release {release.id!r}: no text left after cleaning")

    title = guard.attempt("clean", where, line, clean_title, release.title or "")
    if isinstance(title, Problem):
        return title
    title, title_id = _strip_notice_id(title)
    notice_id = notice_id or title_id
    if notice_id:
        metadata[NOTICE_ID_KEY] = notice_id
    if len(title) > MAX_TITLE_CHARS:
        metadata[FULL_TITLE_KEY] = title
        warnings.append(f"title of {len(title):,} characters cut to {MAX_TITLE_CHARS} (kept whole as {FULL_TITLE_KEY!r})")
        title = cap_title(title)

    date = None
    if release.date not in (None, ""):
        raw_date = str(release.date)
        date = parse_date(raw_date) if len(raw_date) <= _MAX_DATE_CHARS else None
        if date is None:
            shown = raw_date if len(raw_date) <= 60 else raw_date[:60] + "…"
            warnings.append(f"date {shown!r} is not a date; left empty")

    resolved = guard.attempt("detect", where, line, resolve_language, release.lang, text)
    if isinstance(resolved, Problem):
        return resolved
    lang, warning = resolved
    if warning:
        warnings.append(warning)
    if lang not in ("fr", "en", "und"):  # "und" already has its own warning
        warnings.append(f"language {lang!r} is neither French nor English: stored and searchable, "
                        "answers are written in French or English")

    if warnings:
        metadata["warnings"] = warnings
    else:
        metadata.pop("warnings", None)
    return dataclasses.replace(
        release,
        text=text,
        title=title,
        date=date,
        lang=lang,
        url=(release.url or "").strip(),
        metadata=metadata,
    )


def cap_title(title: str, limit: int = MAX_TITLE_CHARS) -> str:
    """`title` cut at the last space before `limit` characters, with an ellipsis."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def _strip_notice_id(text: str) -> tuple[str, str]:
    """Text without a leading numeric notice id, and that id ("" when there is none)."""
    m = _LEADING_NOTICE_ID.match(text)
    if not m:
        return text, ""
    return text[m.end():], m.group(1)


def _warnings_of(value: object) -> list[str]:
    """Warnings already noted by the reader: a list of text (anything else is not trusted)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(w) for w in value]
    return []
