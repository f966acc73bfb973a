"""Absolute dates named in a question ("in September 2025", « le 25 septembre 2025 », "in 2024").

They become a `date_from`/`date_to` filter on release dates and are cut from the text used for
retrieval. Relative phrases ("last June", « l'an dernier ») are left alone: a question carries no
reference date, and guessing one would silently hide the right release.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from communique.assistant.text import fold
from communique.index.calendar import MONTH_NUMBERS as _MONTHS

_MONTH = r"(?P<{}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<{}>(?:19|20)\d\d)"
_DAY = r"(?P<{}>[0-3]?\d)(?:st|nd|rd|th|er|e)?"


def _g(pattern: str, name: str) -> str:
    return pattern.format(name)


# Patterns are matched on folded text (lower case, no accents); same length as the original
# for the characters used here, so spans map back onto the question.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    # 25 September 2025 / le 25 septembre 2025 / 25 sept. 2025
    ("dmy", re.compile(r"\b" + _g(_DAY, "d") + r"\s+" + _g(_MONTH, "m") + r",?\s+" + _g(_YEAR, "y") + r"\b")),
    # September 25, 2025
    ("mdy", re.compile(r"\b" + _g(_MONTH, "m") + r"\s+" + _g(_DAY, "d") + r",?\s+" + _g(_YEAR, "y") + r"\b")),
    # September 2025 / septembre 2025
    ("my", re.compile(r"\b" + _g(_MONTH, "m") + r",?\s+(?:de\s+|of\s+)?" + _g(_YEAR, "y") + r"\b")),
    # in 2024 / en 2024 / during 2024 (a bare year only after a preposition: "the 2030 plan" is no date)
    (
        "y",
        re.compile(
            r"\b(?P<p>in|during|throughout|en|durant|pendant|au\s+cours\s+de|courant|since|after|before|until|"
            r"depuis|apres|avant|jusqu'en|jusqu'a)\s+(?:l'annee\s+|the\s+year\s+)?"
            + _g(_YEAR, "y")
            + r"\b(?!\s*[-/]\s*\d)"
        ),
    ),
]

_LEAD_IN = re.compile(
    r"\b(?:(?:in|on|during|throughout|dated|of|since|after|before|until|from|en|durant|pendant|courant|"
    r"depuis|apres|avant|jusqu'au|jusqu'en|au\s+cours\s+de|date\s+du)\s+)?(?:(?:le|du|the)\s+)?$"
)
_RANGE_WORDS = {
    "since": "from", "after": "from", "from": "from", "depuis": "from", "apres": "from",
    "before": "to", "until": "to", "till": "to", "avant": "to", "jusqu'en": "to", "jusqu'au": "to",
    "jusqu'a": "to", "jusqu'": "to", "up to": "to",
}


@dataclass(frozen=True)
class DateMention:
    """A date phrase found in a question and the release-date range it stands for."""

    start: int  # span of the phrase in the question (including a lead-in such as "in")
    end: int
    date_from: str
    date_to: str


def find_dates(question: str) -> list[DateMention]:
    """All non-overlapping absolute date phrases, most specific patterns first."""
    folded = fold(question)
    if len(folded) != len(question):  # ligatures etc.: fall back to a char-by-char fold
        folded = "".join(fold(ch)[:1] or " " for ch in question)
    taken: list[tuple[int, int]] = []
    mentions: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            if any(match.start() < b and a < match.end() for a, b in taken):
                continue
            rng = _range(kind, match)
            if rng is None:
                taken.append((match.start(), match.end()))  # "31 February 2024" is no date at all
                continue
            start = match.start()
            lead = _LEAD_IN.search(folded[:start])
            if lead and not re.search(r"\b[A-Z]{2,}\b", question[lead.start() : start]):
                start = lead.start()  # but "ALL IN 2025" is a name, not "in 2025"
            elif lead:
                start = lead.start() + len(lead.group()) - len(lead.group().split(" ", 1)[-1])
            if kind == "y" and re.search(r"\b[A-Z]{2,}\b", question[match.start() : match.start("y")]):
                continue
            if kind == "y" and match.group("p") in _RANGE_WORDS:
                start = match.start()
                rng = _apply_range_word(match.group("p"), rng)
            else:
                rng = _apply_range_word(folded[: match.start()], rng)
            taken.append((match.start(), match.end()))
            mentions.append(DateMention(start, match.end(), *rng))
    return sorted(mentions, key=lambda m: m.start)


def _range(kind: str, match: re.Match[str]) -> tuple[str, str] | None:
    year = int(match.group("y"))
    if kind == "y":
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    month = int(match.group("m")) if kind == "iso" else _MONTHS.get(match.group("m"))
    if not month or not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if kind == "my":
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    day = int(match.group("d"))
    if not 1 <= day <= last:
        return None
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    return iso, iso


def _apply_range_word(before: str, rng: tuple[str, str]) -> tuple[str, str]:
    """'since June 2024' → open-ended to the right; 'before 2024' → open-ended to the left."""
    words = re.findall(r"[\w']+", before[-20:])
    if not words:
        return rng
    side = _RANGE_WORDS.get(words[-1])
    if side == "from":
        return rng[0], "9999-12-31"
    if side == "to":
        inclusive = words[-1] in ("until", "till", "jusqu'au", "jusqu'en", "jusqu'a", "jusqu'")
        return "0001-01-01", rng[1] if inclusive else _day_before(rng[0])
    return rng


def _day_before(iso: str) -> str:
    import datetime as dt

    day = dt.date.fromisoformat(iso) - dt.timedelta(days=1)
    return day.isoformat()


def date_filter(question: str) -> tuple[str | None, str | None, list[DateMention]]:
    """(date_from, date_to, mentions): the intersection of the ranges named, or the union if disjoint.

    "between May 2024 and July 2024" names two months: the union of both is what is meant.
    Open ends are returned as None.
    """
    mentions = find_dates(question)
    if not mentions:
        return None, None, []
    lo = min(m.date_from for m in mentions)
    hi = max(m.date_to for m in mentions)
    if len(mentions) > 1 and all(m.date_to != "9999-12-31" and m.date_from != "0001-01-01" for m in mentions):
        pass  # union of explicit ranges
    elif len(mentions) > 1:
        lo = max(m.date_from for m in mentions)
        hi = min(m.date_to for m in mentions)
    return (None if lo == "0001-01-01" else lo), (None if hi == "9999-12-31" else hi), mentions


def mentions_range(text: str, date_from: str | None, date_to: str | None) -> bool:
    """Does `text` name the year (and month, for a month or a day) of a date range?

    Used when a question's date is about the content ("premiums in 2025") rather than the
    release date: an answer from a release dated otherwise must at least say that date.
    """
    if not date_from or not date_to or date_from[:4] != date_to[:4]:
        return False
    folded = fold(text)
    year = date_from[:4]
    if not re.search(rf"(?<!\d){year}(?!\d)", folded):
        return False
    if date_from[5:7] != date_to[5:7]:
        return True
    month = int(date_from[5:7])
    names = [n for n, m in _MONTHS.items() if m == month]  # "Feb. 1, 2021" as well as "February"
    pattern = r"\b(?:" + "|".join(sorted(names, key=len, reverse=True)) + r")\b" + rf"|{year}-{month:02d}"
    return re.search(pattern, folded) is not None


# Wording about when something was *published* ("announced in July 2024", « publiés en 2025 »,
# "releases from June 2024"). Only such a date restricts retrieval by release date; any other date in
# a question names an event or the content ("the rate for 2025", "as of June 30", "since 2019").
_PUBLICATION_VERB = (
    r"(?:announc\w*|publish\w*|releas\w*|issu(?:e|ed|es|ing)|post(?:ed|s)?|put\s+out|came\s+out|made\s+public|"
    r"annonc\w*|publi\w*|diffus\w*|emis|emise?s?|paru\w*|sorti\w*|rendu\w*\s+publi\w*)"
)
_PUBLICATION_NOUN = (
    r"(?:news(?:\s+releases?)?|releases?|announcements?|statements?|notices?|advisories|advisory|updates?|backgrounders?|"
    r"fiches?\s+d['’]information|documents?\s+d['’]information|"
    r"communiques?|annonces?|avis|declarations?|nouvelles|actualites|mises?\s+a\s+jour)"
)
_PUBLICATION_BEFORE = re.compile(
    r"(?:\b" + _PUBLICATION_VERB + r"(?:\s+\S+){0,2}?|\b" + _PUBLICATION_NOUN + r"(?:\s+(?:from|of|dated|de|du|des|dates?))?)"
    r"\s+(?:(?:in|on|during|throughout|dated|en|le|du|au\s+cours\s+de|durant|pendant|courant|de|since|depuis|"
    r"after|before|until|apres|avant|jusqu'en|jusqu'au|between|entre)\s+)?(?:(?:le|la|the)\s+)?(?:mois\s+de\s+)?$"
)
_PUBLICATION_AFTER = re.compile(r"^\s*(?:'s\s+)?" + _PUBLICATION_NOUN + r"\b")


def is_publication_date(question: str, mention: DateMention) -> bool:
    """Does the question name this date as *when something was published or announced*?

    "What did the government announce in July 2024?" yes; "Is the EI rate going down in 2025?" no;
    « Quels avis ont été publiés en 2025 ? » yes; "the July 2024 announcements" yes.
    """
    folded = fold(question).replace("’", "'")
    if len(folded) != len(question):
        folded = "".join(fold(ch)[:1] or " " for ch in question)
    before = folded[max(0, mention.start - 60) : mention.start].rstrip() + " "
    if re.search(r"\b(?:as|au|a\s+compter\s+du|effective|en\s+date\s+du)\s*$", before):
        return False  # "announced as of June 30": the figures' date, not the release's
    if _PUBLICATION_BEFORE.search(before):
        return True
    return bool(_PUBLICATION_AFTER.match(folded[mention.end : mention.end + 30]))
