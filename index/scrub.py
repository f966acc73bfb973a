"""Lone UTF-16 surrogates out of text before anything hashes, stores or embeds it.

JSON `\\ud800`-style escapes (records and API clients alike) can yield them; no hash, database
or model accepts one, so a single one would abort a whole ingest or query. Each becomes U+FFFD.
"""
from __future__ import annotations

import re
from typing import Any

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def scrub_surrogates(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD (the same object when there is none)."""
    return LONE_SURROGATE.sub(REPLACEMENT, text) if LONE_SURROGATE.search(text) else text


def scrub_value(value: Any) -> Any:
    """The same for every string inside parsed JSON (keys too); bound its depth before calling."""
    if isinstance(value, str):
        return scrub_surrogates(value)
    if isinstance(value, list):
        return [scrub_value(v) for v in value]
    if isinstance(value, dict):
        return {scrub_value(k): scrub_value(v) for k, v in value.items()}
    return value
