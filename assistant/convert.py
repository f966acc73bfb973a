"""Write a value found in one language the way the asker's language writes it.

« 3,07 milliards de dollars » → "$3.07 billion", "June 30, 2025" → « 30 juin 2025 », "5.5%" → « 5,5 % ».
Deterministic rewriting of numbers, money, percentages and dates only: words around them are left
as they are (no translation model ships offline; the original quote is always shown as evidence).
"""
from __future__ import annotations

import re

from communique.index.calendar import month_name, month_number

NUMBER_WORDS = {  # zero to ten, by language (index = value)
    "en": "zero one two three four five six seven eight nine ten".split(),
    "fr": "zéro un deux trois quatre cinq six sept huit neuf dix".split(),
}
_LEADS = [  # (english, french)
    ("up to", "jusqu'à"), ("more than", "plus de"), ("nearly", "près de"), ("almost", "presque"), ("about", "environ"),
    ("approximately", "environ"), ("at least", "au moins"), ("over", "plus de"),
]
_UNITS = [("years", "ans"), ("year", "an"), ("months", "mois"), ("weeks", "semaines"), ("days", "jours"),
          ("kilometres", "kilomètres"), ("kilometre", "kilomètre"), ("metres", "mètres"), ("metre", "mètre")]


def localize(value: str, kind: str, source_lang: str, target_lang: str) -> str:
    """`value` as `target_lang` writes it; unchanged when the languages agree or nothing is recognised."""
    if source_lang == target_lang or target_lang not in ("en", "fr"):
        return value
    if kind == "date":
        return _date(value, target_lang) or _date_range(value, target_lang) or value
    if kind in ("amount", "percent", "count", "duration"):
        out = _to_english(value) if target_lang == "en" else _to_french(value)
        for en, fr in _UNITS[5:]:  # units of measure: one word each way ("42 kilomètres" → "42 kilometres")
            out = re.sub(rf"\b{fr}\b" if target_lang == "en" else rf"\b{en}\b", en if target_lang == "en" else fr, out)
        # words of the other language left after a rate ("per $100 de rémunération assurable"): the quote has them
        return re.sub(r"(?<=\d)(\s?\$)?\s+(?:of|de|d['’])\s+[^\d$]*$", r"\1", out) if out != value else out
    return value


def _parse_number(text: str, lang: str) -> float | None:
    raw = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if lang == "fr":
        raw = raw.replace(" ", "").replace(",", ".")
    else:
        raw = raw.replace(",", "").replace(" ", "")
    try:
        return float(raw)
    except ValueError:
        return None


def _format_number(x: float, lang: str) -> str:
    if x == int(x):
        digits = f"{int(x):,}"
        return digits.replace(",", "\u00a0") if lang == "fr" else digits
    text = f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x) < 1000 else f"{x:,.2f}"
    if lang == "fr":
        return text.replace(",", "\u00a0").replace(".", ",")
    return text


_FR_NUM = r"\d{1,3}(?:[\s\u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_EN_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_FR_MONEY = re.compile(r"(?P<n>" + _FR_NUM + r")\s?(?P<scale>millions?|milliards?)?\s?(?:de\s+|d['’])?(?:\$|dollars?)")
_EN_MONEY = re.compile(r"\$\s?(?P<n>" + _EN_NUM + r")(?:\s?(?P<scale>million|billion|thousand))?")
_FR_PERCENT = re.compile(r"(?P<n>" + _FR_NUM + r")\s?(?:%|pour\s?cent)")
_EN_PERCENT = re.compile(r"(?P<n>" + _EN_NUM + r")\s?(?:%|per\s?cent|percent)")
_SCALE_FR_TO_EN = {"million": "million", "millions": "million", "milliard": "billion", "milliards": "billion"}


def _to_english(value: str) -> str:
    out = _FR_MONEY.sub(_fr_money_to_en, value)
    out = _FR_PERCENT.sub(lambda m: _format_number(_parse_number(m.group("n"), "fr") or 0, "en") + "%", out)
    out = re.sub(r"\bpar\s+tranche\s+de\s+", "per ", out)
    out = re.sub(r"\b(?:par|pour\s+chaque)\s+(?=\$)", "per ", out)
    out = re.sub(r"\bsur\s+(\w+)\s+ans\b", lambda m: f"over {_word_number(m.group(1), 'fr', 'en')} years", out)
    out = re.sub(r"\b(\d+|\w+)\s+ans\b", lambda m: f"{_word_number(m.group(1), 'fr', 'en')} years", out)
    for en, fr in _LEADS:
        out = re.sub(rf"(?i)^{re.escape(fr)}\s+", en + " ", out)
    out = re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d{3}\b)", ",", out) if not _FR_MONEY.search(value) else out
    return out


def _fr_money_to_en(m: re.Match[str]) -> str:
    number = _parse_number(m.group("n"), "fr")
    if number is None:
        return m.group()
    scale = _SCALE_FR_TO_EN.get((m.group("scale") or "").casefold())
    return f"${_format_number(number, 'en')}" + (f" {scale}" if scale else "")


def _to_french(value: str) -> str:
    out = _EN_MONEY.sub(_en_money_to_fr, value)
    out = _EN_PERCENT.sub(lambda m: _format_number(_parse_number(m.group("n"), "en") or 0, "fr") + "\u00a0%", out)
    out = re.sub(r"\b(?:per|for\s+every|for\s+each)\s+(?=\d[\d\s\u00a0]*\s?\$)", "par tranche de ", out)
    out = re.sub(r"\bover\s+(\w+)\s+years\b", lambda m: f"sur {_word_number(m.group(1), 'en', 'fr')} ans", out)
    for en, fr in _LEADS:
        out = re.sub(rf"(?i)^{re.escape(en)}\s+", fr + " ", out)
    out = re.sub(r"(?<=\d),(?=\d{3}\b)", "\u00a0", out)
    return out


def _en_money_to_fr(m: re.Match[str]) -> str:
    number = _parse_number(m.group("n"), "en")
    if number is None:
        return m.group()
    scale = (m.group("scale") or "").casefold()
    if scale in ("million", "billion"):
        word = "million" if scale == "million" else "milliard"
        plural = "s" if number >= 2 else ""
        return f"{_format_number(number, 'fr')} {word}{plural} de dollars"
    if scale == "thousand":
        number *= 1000
    return f"{_format_number(number, 'fr')}\u00a0$"


def _word_number(word: str, source: str, target: str) -> str:
    words = NUMBER_WORDS[source]
    if word.casefold() in words:
        return NUMBER_WORDS[target][words.index(word.casefold())]
    return word


_EN_DATE = re.compile(r"(?P<m>[A-Za-z]+\.?)\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)")
_FR_DATE = re.compile(r"(?P<d>[0-3]?\d)(?:er)?\s+(?P<m>[a-zéû]+\.?)\s+(?P<y>(?:19|20)\d\d)", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"^(?P<m>[A-Za-zéû]+\.?)\s+(?:de\s+)?(?P<y>(?:19|20)\d\d)$")


def _date(value: str, target: str) -> str | None:
    text = value.strip()
    for pattern in (_EN_DATE, _FR_DATE):
        m = pattern.fullmatch(text)
        if m:
            month = month_number(m.group("m"))
            if month:
                return format_day(int(m.group("y")), month, int(m.group("d")), target)
    m = _MONTH_YEAR.match(text)
    month = month_number(m.group("m")) if m else None
    if m and month:
        return f"{month_name(month, target)} {m.group('y')}"
    return None


def format_day(year: int, month: int, day: int, lang: str) -> str:
    if lang == "fr":
        return f"{'1er' if day == 1 else day} {month_name(month, 'fr')} {year}"
    return f"{month_name(month, 'en')} {day}, {year}"


_RANGE = re.compile(r"^(?:from|du|between|entre)\s+(?P<a>.+?)\s+(?:to|au|and|et|until|jusqu['’]au)\s+(?P<b>.+)$", re.IGNORECASE)


def _date_range(value: str, target: str) -> str | None:
    """"from January 20 to February 3, 2026" → « du 20 janvier au 3 février 2026 » (and back)."""
    m = _RANGE.match(value.strip())
    if not m:
        return None
    end = _date(m.group("b"), target)
    year = re.search(r"(?:19|20)\d\d", m.group("b"))
    start = _date(m.group("a"), target) or (_date(f"{m.group('a')} {year.group()}", target) if year else None)
    if not start or not end:
        return None
    if year and start.endswith(year.group()) and end.endswith(year.group()):
        start = start[: -len(year.group())].rstrip(", ")
    return f"du {start} au {end}" if target == "fr" else f"from {start} to {end}"
