"""Raw release -> clean release: text and title cleaned, date parsed, language checked.

Problems with a field that the release can live without (a bad date, a wrong `lang`) become
warnings in `metadata["warnings"]`; only a release with no text left is rejected.
"""
from __future__ import annotations

import dataclasses

from index.models import Release
from ingest.cleaning import clean_text, clean_title
from ingest.dates import parse_date
from ingest.language import resolve_language
from ingest.problems import Problem
from ingest.readers.common import LINE_KEY, TEXT_FORMAT_KEY


def normalize_release(release: Release, *, path: str = "", line: int | None = None) -> Release | Problem:
    """Cleaned copy of `release` (same id), or a Problem naming the file and line when no text is left."""
    where = path or release.source or release.id
    metadata = dict(release.metadata or {})
    text_format = metadata.pop(TEXT_FORMAT_KEY, "text")
    record_line = metadata.pop(LINE_KEY, None)  # never stored; names the line when the caller did not
    line = line if line is not None else record_line
    warnings = [str(w) for w in metadata.get("warnings", []) or []]

    text = clean_text(release.text or "", markdown=text_format == "markdown")
    if not text:
        return Problem(where, line, f"release {release.id!r}: no text left after cleaning")

    date = None
    if release.date not in (None, ""):
        date = parse_date(release.date)
        if date is None:
            warnings.append(f"date {release.date!r} is not a date; left empty")

    lang, warning = resolve_language(release.lang, text)
    if warning:
        warnings.append(warning)
    if lang not in ("fr", "en", "und"):  # "und" already has its own warning
        warnings.append(f"language {lang!r} is neither French nor English: stored and searchable, "
                        "answers are written in French or English")

    if warnings:
        metadata["warnings"] = warnings
    return dataclasses.replace(
        release,
        text=text,
        title=clean_title(release.title or ""),
        date=date,
        lang=lang,
        url=(release.url or "").strip(),
        metadata=metadata,
    )
