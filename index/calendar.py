"""Month names and ISO dates, in French and English: one table for reading dates (ingest,
questions) and writing them (answers), one check for an ISO `YYYY-MM-DD` date."""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata

MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}
# Abbreviations seen in the sources ("Sept. 25", « 25 sept. 2025 », « févr. »), accents dropped.
_ABBREVIATIONS = ("jan janv", "feb fevr fev", "mar", "apr avr", "", "jun", "jul juil", "aug", "sep sept", "oct",
                  "nov", "dec")


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c))


# Folded name or abbreviation (no accents, lower case) -> month number.
MONTH_NUMBERS: dict[str, int] = {}
for _number, (_en, _fr, _short) in enumerate(zip(MONTH_NAMES["en"], MONTH_NAMES["fr"], _ABBREVIATIONS), start=1):
    for _name in (_en, _fr, *_short.split()):
        MONTH_NUMBERS[_fold(_name)] = _number
# A regular-expression alternation of every folded month word, longest first (match on folded text).
MONTH_PATTERN = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
_ACCENTED = {"e": "[eéèê]", "a": "[aàâ]", "u": "[uûù]", "i": "[iî]", "o": "[oô]", "c": "[cç]"}
# The same words on text as written: accents optional («février», "fevrier"), a trailing period
# allowed ("Sept."); use with re.IGNORECASE.
MONTH_WORD_PATTERN = "(?:" + "|".join("".join(_ACCENTED.get(ch, ch) for ch in word)
                                      for word in sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def month_number(word: str) -> int | None:
    """1-12 for a French or English month name or abbreviation ("Sept.", « Février »), else None."""
    return MONTH_NUMBERS.get(_fold(word).rstrip("."))


def month_name(month: int, lang: str) -> str:
    """The month's full name in `lang` ('fr' or 'en'; anything else is English)."""
    return MONTH_NAMES.get(lang, MONTH_NAMES["en"])[month - 1]


def parse_iso_date(value: object) -> _dt.date:
    """The date of an ISO `YYYY-MM-DD` string; ValueError naming the value when it is not one."""
    text = str(value).strip()
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{value!r} is not a date of the form YYYY-MM-DD")
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None


def is_iso_date(value: object) -> bool:
    """Whether `value` is a real `YYYY-MM-DD` date (2024-02-30 is not)."""
    try:
        parse_iso_date(value)
    except ValueError:
        return False
    return True
