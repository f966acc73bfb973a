"""Does a text state a golden fact? Tolerant of typography, strict about words.

Kept separate from `index.text` on purpose: the scoring rules of the eval must not move
when someone tunes retrieval's folding.

What is ignored: case, accents, the kind of apostrophe/quote/dash, runs of whitespace, and
the thousands separator inside numbers (`600 000`, `600,000`, `600 000`, `600 000`
all become `600000`; `25 %` becomes `25%`). What is not: word boundaries — `100` does not
match inside `3100` and `Cornwall` does not match inside `Cornwallis`. Inflections such as
`million`/`millions` are alternatives the golden file spells out.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Sequence

_SPACES = "\u00a0\u202f\u2009\u2007\u2002\u2003\u2004\u2005\u2006\u2008\u200a\u205f\u3000"
_SPACE_RUN = re.compile(r"\s+")
# A separator between digits counts as a thousands separator only when exactly three
# digits follow: "1,5" (a French decimal) and "2024 150" stay apart.
_DIGIT_GROUP = re.compile(r"(?<=\d)[ ,](?=\d{3}(?!\d))")
_SPACE_BEFORE_PERCENT = re.compile(r"(?<=\d) (?=%)")
_TRANSLATE = str.maketrans(
    {
        **{ch: " " for ch in _SPACES},
        "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"', "\u201e": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
        "\u0153": "oe", "\u00e6": "ae", "\u00df": "ss",
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
    }
)


def normalize_for_match(text: str) -> str:
    """Folded form of `text` used on both sides of a fact match."""
    text = text.casefold().translate(_TRANSLATE)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = _SPACE_RUN.sub(" ", text)
    text = _DIGIT_GROUP.sub("", text)
    text = _SPACE_BEFORE_PERCENT.sub("", text)
    return text.strip()


def contains_folded(haystack: str, needle: str) -> bool:
    """`needle` occurs in `haystack` (both already folded) and starts and ends on word edges."""
    if not needle:
        return False
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        left_ok = start == 0 or not (haystack[start - 1].isalnum() and needle[0].isalnum())
        right_ok = end == len(haystack) or not (haystack[end].isalnum() and needle[-1].isalnum())
        if left_ok and right_ok:
            return True
        start = haystack.find(needle, start + 1)
    return False


def fact_alternatives(fact: str | Sequence[str]) -> list[str]:
    """A fact is one string or a list of alternative spellings; always return the list."""
    if isinstance(fact, str):
        return [fact]
    return [str(alt) for alt in fact]


def fact_present(fact: str | Sequence[str], text: str) -> bool:
    """True when any alternative of `fact` occurs in `text` (after folding both)."""
    folded = normalize_for_match(text)
    return any(contains_folded(folded, normalize_for_match(alt)) for alt in fact_alternatives(fact))


def facts_present(facts: Sequence[str | Sequence[str]], text: str) -> list[bool]:
    """`fact_present` for several facts, folding the text once."""
    folded = normalize_for_match(text)
    return [
        any(contains_folded(folded, normalize_for_match(alt)) for alt in fact_alternatives(fact))
        for fact in facts
    ]
