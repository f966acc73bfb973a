"""Release dates as ISO `YYYY-MM-DD`, from the forms found in French and English sources."""
from __future__ import annotations

import datetime as dt
import re

from communique.index.calendar import month_number

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s_]\d{1,2}:\d{2}|Z|[+-]\d{2}:?\d{2})")
_SLASHED_YMD = re.compile(r"^\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})\b")
_SLASHED_DMY = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_WORD = r"([a-zéèûô]+)\.?"
_DAY_MONTH_YEAR = re.compile(r"(?:^|\s|,)(\d{1,2})(?:er|st|nd|rd|th)?\s+" + _WORD + r",?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"(?:^|\s|,)" + _WORD + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")


def _make(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(value: object) -> str | None:
    """ISO date for `value` (str, date, datetime or epoch-free forms), or None when it is not a date.

    Accepts ISO dates and datetimes, `YYYY/MM/DD`, unambiguous `DD/MM/YYYY` (day > 12 or equal
    to the month), `25 sept. 2025`, `le 1er octobre 2024`, `September 25, 2025`.
    Ambiguous numeric forms such as `03/04/2025` give None rather than a guess.
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = " ".join(value.split()) if isinstance(value, str) else ""
    return _parse_text(text) if text else None


def _parse_text(text: str) -> str | None:
    for pattern in (_ISO, _SLASHED_YMD, _COMPACT):
        m = pattern.match(text)
        if m:
            return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _SLASHED_DMY.match(text)
    if m:
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if first > 12 or first == second:
            return _make(year, second, first)
        if second > 12:
            return _make(year, first, second)  # US order, unambiguous
        return None
    lowered = text.lower()
    m = _DAY_MONTH_YEAR.search(lowered)
    if m and (month := month_number(m.group(2))):
        return _make(int(m.group(3)), month, int(m.group(1)))
    m = _MONTH_DAY_YEAR.search(lowered)
    if m and (month := month_number(m.group(1))):
        return _make(int(m.group(3)), month, int(m.group(2)))
    return None
