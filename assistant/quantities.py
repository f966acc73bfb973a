"""What a number in a sentence is *of*: a count of the asked thing ("how many jobs?" → "755 jobs",
not "Highway 9"), a value of the asked year ("the 2025 rate" → not "the 2024 rate of $1.66").

Split from `values.py`, which finds the values; these checks decide which of them may answer.
"""
from __future__ import annotations

import re

from communique.assistant.glossary import equivalents
from communique.assistant.text import fold, stem
from communique.index.text import STOPWORDS

_HOW_MANY = re.compile(r"\bhow\s+many\s+(?:new\s+|more\s+|additional\s+)?([a-z][\w\-]*)|\bcombien\s+(?:de\s+|d')(?:nouveaux\s+|nouvelles\s+)?([a-z][\w\-]*)")


def asked_noun(question: str) -> str | None:
    """"How many seats …?" → "seat": the count must be of that thing."""
    m = _HOW_MANY.search(fold(question).replace("’", "'"))
    if not m:
        return None
    return stem(m.group(1) or m.group(2))


# A share asked for by its name ("what percentage", « quelle proportion »), or money by its name
# ("what amount", « quel montant », "how much funding", « combien … verse-t-elle »). "How much" and
# "rate" alone say neither ("how much will emissions fall?", "the premium rate": $1.64 per $100).
_PERCENT_ASKED = re.compile(
    r"\b(?:percentage|per\s?cent|percent|proportion|pourcentage|pour\s?cent|what\s+share|which\s+share|"
    r"quelle\s+part|what\s+fraction)\b|%"
)
_MONEY_ASKED = re.compile(
    r"\b(?:amounts?|contribut\w*|sums?|montants?|sommes?|value|worth|valeur|costs?|cout\w*|price|prix|fines?|amendes?|"
    r"penalt(?:y|ies)|penalites?|budgets?|funding|fund(?:s|ed)?|fonds|financement|financ\w+|invest\w*|grants?|"
    r"subventions?|dollars?|money|argent|salar(?:y|ies)|salaires?|wages?|fees?|frais|rents?|loyers?|donations?|"
    r"dons?|spend\w*|spent|depens\w*|pa(?:y|ys|id|ying)|paie\w*|paiements?|verse\w*|plafond|ceiling|premiums?)\b"
)


def asked_measure(question: str) -> str | None:
    """"money" when the question names money and no share, "percent" when it names a share, else
    None: "What amount …?" is not answered by "37 per cent", nor "What share …?" by "$2 million"."""
    folded = fold(question).replace("’", "'")
    if _PERCENT_ASKED.search(folded):
        return "percent"
    return "money" if _MONEY_ASKED.search(folded) else None


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def years_in(text: str) -> tuple[str, ...]:
    """The years a question names ("the rate for 2025" → ("2025",)), for `of_another_year`."""
    return tuple(_YEAR.findall(text))


def of_another_year(text: str, start: int, years: tuple[str, ...]) -> bool:
    """The nearest year before the value, in its sentence, is not an asked one ("… the 2024 EI premium
    rate of $1.66 for employees and $2.32 for employers" for the 2025 rate)."""
    found = _YEAR.findall(text[max(0, start - 120):start])
    return bool(found) and found[-1] not in years


_COUNT_LINKS = frozenset({"de", "d", "des", "du", "of", "million", "millions", "new", "nouveaux", "nouvelles"})
_UNIT_NAMES = {"km": "kilom", "kilom": "km", "ha": "hecta", "hecta": "ha"}  # "how many km" → "42 kilomètres"


def counts_of_noun(span: tuple[int, int, str], text: str, noun: str) -> bool:
    """Is this number a count of `noun` (a stem)? "95-seat", "67 new rental homes", "3.9 million masks"."""
    a, b, value = span
    digit = re.search(r"\d", text[a:b])
    window = fold(text[a + (digit.start() if digit else 0) : min(len(text), b + 40)])  # from the number on
    words = []
    for word in re.findall(r"[a-z][a-z\-]*", window)[:6]:
        if word in STOPWORDS and word not in _COUNT_LINKS:
            break  # "Highway 9 also gets people working when jobs …": the count ended before "also"
        words.append(word)
    wanted = {noun[:5]} | ({_UNIT_NAMES[noun[:5]]} if noun[:5] in _UNIT_NAMES else set())
    wanted |= {other[:5] for other in equivalents(noun) if len(other) >= 3}  # « emplois » counted as "jobs"
    return any(stem(w).startswith(x) or stem(w.split("-")[-1]).startswith(x) for w in words for x in wanted)


# A figure as a number, whatever its writing: "$41.57-million", « 41,57 millions de dollars », "1,3 M$",
# "377,832", « 377 832 »: how a value the question itself names is recognised in a sentence.
_FIGURE = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)*")
_SCALE = re.compile(r"[\s\u00a0\u202f]*-?[\s\u00a0\u202f]*(thousand|millions?|milliards?|billions?|trillions?|bn\b|[mgk]\$|[mbk]\b)",
                    re.IGNORECASE)
_SCALES = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "milliard": 1e9, "milliards": 1e9, "billion": 1e9,
           "billions": 1e9, "trillion": 1e12, "trillions": 1e12, "bn": 1e9, "m$": 1e6, "g$": 1e9, "k$": 1e3,
           "m": 1e6, "b": 1e9, "k": 1e3}


def figure_of(value: str) -> float | None:
    """The number a value states, scale included ("$5-million" → 5e6, « 1,3 M$ » → 1.3e6), or None.
    A comma before exactly three digits groups thousands ("377,832"); before others it is French
    decimals (« 9,8 »)."""
    m = _FIGURE.search(value)
    return _figure(value, m) if m else None


def _figure(value: str, m: re.Match[str]) -> float | None:
    digits = re.sub(r"[ \u00a0\u202f]", "", m.group())
    scale = _SCALE.match(value, m.end())
    if scale and len(scale.group(1)) == 1 and "$" not in value[:m.start()]:
        scale = None  # "5 m" is five metres; "$5M" is five million
    if not scale and re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        digits = digits.replace(",", "")  # "377,832"; with a scale a comma is a decimal one: « 1,125 milliard »
    else:
        digits = digits.replace(",", ".")
    if digits.count(".") > 1:
        return None
    return float(digits) * (_SCALES[scale.group(1).lower()] if scale else 1.0)
