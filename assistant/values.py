"""The value a question asks for, found inside a quoted sentence: "$1.64 for every $100 of insurable
earnings", "Montréal", "Mélanie Joly", "30 juin 2025", "five years".

Answers open with that value (the reader wants the figure, not a paragraph), and its offsets into the
release are kept so the value can be checked against the source like every quote. Patterns only: no
model ships offline that could do this better (DESIGN.md), and patterns are fast and predictable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from communique.assistant.cues import ADDRESS, DATE, DATELINE, NAMED_PERSON, PHONE
from communique.assistant.organisations import organisations_in
from communique.assistant.quantities import counts_of_noun, figure_of, of_another_year
from communique.assistant.text import fold
from communique.assistant.titles import titled_names
from communique.index.calendar import MONTH_NAMES

_NUM = r"(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_SCALE_EN = r"(?:million|billion|trillion|thousand)"
_SCALE_FR = r"(?:millions?|milliards?|mille)"
_LEAD_EN = r"(?:(?:up\s+to|more\s+than|over|nearly|almost|about|approximately|roughly|at\s+least|close\s+to)\s+)?"
_LEAD_FR = r"(?:(?:jusqu['’]à|plus\s+de|près\s+de|environ|au\s+moins|quelque)\s+)?"
_PER = (
    r"(?:\s+(?:per|for\s+every|for\s+each|a|par|pour\s+chaque|tous\s+les)\s+(?:\$\s?" + _NUM + r"|" + _NUM
    + r"\s?\$|tranche\s+de\s+" + _NUM + r"\s?\$)(?:\s+(?:of|de)\s+(?:la\s+|l['’])?(?:\w+\s+){0,2}?"
    r"(?:earnings|income|salary|rémunération|gains|revenus?)(?:\s+assurables?|\s+insurable)?)?)?"
)
_PERIOD = r"(?:\s+(?:over|for|sur|pendant|during)\s+(?:the\s+next\s+)?(?:\w+|\d+)\s+(?:years?|ans|années|months?|mois))?"
MONEY_VALUE = re.compile(
    r"(?i:" + _LEAD_EN + r")\$\s?(?:" + _NUM + r")(?:[\s-]?(?i:" + _SCALE_EN + r"|M|B|G|K)\b)?" + _PER + _PERIOD
    + r"|(?i:" + _LEAD_FR + _LEAD_EN + r")(?:" + _NUM + r")\s?(?:(?i:" + _SCALE_FR + r"|" + _SCALE_EN + r")\s+)?(?:(?i:de\s+|d['’]))?"
    r"(?:\$|(?i:dollars?)\b|M\$|G\$|k\$)" + _PER + _PERIOD,
)
PERCENT_VALUE = re.compile(r"(?i:" + _LEAD_EN + _LEAD_FR + r")(?:" + _NUM + r")\s?(?:%|(?i:per\s?cent|pour\s?cent)\b)")
_COUNT_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|"
    r"dozens?|hundreds|thousands|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|"
    r"quarante|cinquante|cent|mille|dizaines?|centaines?|milliers?"
)
COUNT_VALUE = re.compile(
    r"(?i:" + _LEAD_EN + _LEAD_FR + r")(?:(?<![\w.$])(?:" + _NUM + r")(?![\w.,]*\s?(?:\$|%|dollars))|\b(?i:" + _COUNT_WORDS
    + r")\b)(?:\s+(?i:million|billion|millions?|milliards?))?(?:(?:\s+|-)(?:de\s+|d['’])?[^\W_][\w'’\-+]*){1,2}"
)
DURATION_VALUE = re.compile(
    r"\b(?:" + _NUM + r"|" + _COUNT_WORDS + r")[\s-]+(?:years?|months?|weeks?|days?|hours?|minutes?|ans?|années?|mois|semaines?|"
    r"jours?|heures?)\b",
    re.IGNORECASE,
)
SEASON_VALUE = re.compile(
    r"\b(?:spring|summer|fall|autumn|winter|(?:au\s+)?printemps|(?:à\s+l['’])?été|(?:à\s+l['’])?automne|(?:à\s+l['’])?hiver)"
    r"\s+(?:of\s+|de\s+|d['’])?(?:19|20)\d\d\b",
    re.IGNORECASE,
)
# "MONTRÉAL, le 25 sept. 2025 —", "GATINEAU (Québec), …", "CALGARY — The Honourable …" (advisories)
_ONE_DATE = DATE.pattern
DATE_RANGE = re.compile(
    r"(?i:from|du|between|entre|de)\s+(?:" + _ONE_DATE + r")(?:,?\s+(?:19|20)\d\d)?\s+(?i:to|au|and|et|until|till|jusqu['’]au|à)\s+"
    r"(?:" + _ONE_DATE + r")(?:,?\s+(?:19|20)\d\d)?", DATE.flags)
_DATELINE_PLACE = re.compile(r"^\s*((?:[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'’\- ]*[A-ZÀ-ÖØ-Þ.]))(?:\s*\(([^)]{2,40})\))?(?:,|\s+[—–-]\s)")
_CAP_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’\-]+"
PLACE_VALUE = re.compile(
    r"\b(?:in|at|near|à|au|aux|dans|près\s+de)\s+((?:the\s+|la\s+|le\s+|l['’])?" + _CAP_WORD
    + r"(?:(?:\s+|-)(?:(?:de|du|des|of|sur)\s+)?" + _CAP_WORD + r"){0,3}(?:,\s+" + _CAP_WORD + r"(?:\s+" + _CAP_WORD
    + r")?)?)"
)
# "in the province of Québec", « dans la ville de Montréal », "in the City of Mississauga": the place is
# the name after the kind of place (PLACE_VALUE would read "the province" or nothing at all).
PLACE_OF = re.compile(
    r"\b(?:in|of|dans|de)\s+(?:the\s+|la\s+|le\s+|l['’])?(?i:province|city|town|village|municipality|territory|"
    r"region|ville|municipalit[ée]|territoire|r[ée]gion)\s+(?:of\s+|de\s+(?:la\s+|l['’])?|du\s+|des\s+|d['’])("
    + _CAP_WORD + r"(?:(?:\s+|-)(?:(?:de|du|des|of|sur)[\s-]+)?" + _CAP_WORD + r"){0,2}(?:\s+(?:and|et)\s+Labrador)?)"
)
_NOT_PLACES = frozenset(
    "canada government gouvernement minister ministre council conseil order parliament parlement house budget the la le "
    "les".split()
) | frozenset(name.casefold() for names in MONTH_NAMES.values() for name in names)


# "for every $100", "$1.64 a $100": the unit of a rate; but "a $5-million grant" is an amount.
_UNIT_BEFORE = re.compile(r"(?:\b(?:every|per|each|chaque|par|tranche\s+de)|(?:[\d%]|\bcents?)\s+a)\s*$", re.IGNORECASE)
# Words of ministry names, never of a person's name ("Democratic Institutions", "Natural Resources").
_NOT_NAMES = frozenset(
    "Affairs Institutions Safety Defence Defense Resources Development Canada Canadian Agency Ministry Government "
    "Department Services Health Energy Natural Public Democratic Intergovernmental Economic Industry Innovation Science "
    "Veterans National Foreign Women Gender Equality Youth Rural Atlantic Opportunities Fisheries Oceans Guard Coast "
    "Environment Climate Change Finance Justice Transport Infrastructure Communities Housing Heritage Sport Employment "
    "Workforce Labour Immigration Refugees Citizenship Indigenous Northern Crown Relations Official Languages Trade "
    "International Families Children Social Seniors Agriculture Agri-Food Tourism Commerce Digital Artificial "
    "Intelligence Prairies Pacific Quebec Québec Ontario Southern Northern Region Regions House Commons Senate Council "
    "Treasury Board President Nova Scotia Brunswick Alberta Manitoba Saskatchewan British Columbia Newfoundland "
    "Labrador Prince Edward Island Yukon Nunavut Territories Emergency Preparedness Mental Addictions Forestry Parks "
    "Procurement Small Business Export Promotion Tax Revenue".split()
)


@dataclass(frozen=True)
class Value:
    """A value inside a release: `text == release.text[start:end]`; `shown` is how the answer writes it."""

    kind: str
    start: int
    end: int
    text: str
    shown: str


def find_value(kind: str, text: str, offset: int, *, anchors: tuple[int, ...] = (), lead: bool = False,
               noun: str | None = None, exclude: str = "", years: tuple[str, ...] = (),
               titles: tuple[str, ...] = (), measure: str | None = None) -> Value | None:
    """The value of `kind` in sentence `text` (which starts at `offset` in its release), or None.

    When several match, the one nearest the question's words (`anchors`: positions in `text`) wins,
    then the first. `lead` says the sentence opens its release (its dateline names the place and date).
    `years`: the question's years; an amount or count said of another year just before it ("the 2024
    rate of $1.66" for the 2025 rate) is not the answer. `titles`: the title a person is asked by.
    `measure`: "money" or "percent" when the question names one (`quantities.asked_measure`): an
    amount of the other sort is not the answer.
    """
    spans = _candidates("percent" if kind == "amount" and measure == "percent" else kind, text, lead=lead)
    if kind == "amount" and measure == "money":
        spans = [s for s in spans if not PERCENT_VALUE.fullmatch(s[2])]
    if years and kind in ("amount", "count"):
        spans = [s for s in spans if not of_another_year(text, s[0], years)]
    if kind in ("amount", "count"):
        phones = [m.span() for m in PHONE.finditer(text)]  # "780-423-6807": a number to call, not a count
        spans = [s for s in spans if not any(a <= s[0] < b for a, b in phones)]
    if exclude and kind in ("amount", "count"):
        # a figure the question already names is not its answer ("How much of the $2 billion …?")
        named = _named_figures(kind, exclude)
        spans = [s for s in spans if figure_of(s[2]) not in named]
    if exclude and kind in ("place", "person", "organisation"):
        # a value the question already names is not its answer ("Where in Squamish …?" → not "Squamish")
        exclude = exclude.replace("’", "'")  # "Q’waxsem Place" in the text is the question's "Q'waxsem Place"
        # (a body's last word is often the type asked: "Which hospital …?" → "Royal Columbian Hospital")
        spans = [s for s in spans if (f := fold(s[2]).replace("’", "'")) not in exclude
                 and (kind == "organisation" or f.split()[-1] not in exclude.split())]
    if noun and kind == "count":
        spans = [s for s in spans if counts_of_noun(s, text, noun)]
    if titles and kind == "person":
        spans = titled_names(text, spans, titles) or spans  # "which premier …?": the name the title stands beside
    if not spans:
        return None

    def distance(span: tuple[int, int, str]) -> tuple[int, int]:
        a, b, _ = span
        if not anchors:
            return (0, a)
        return (min(0 if a <= p < b else min(abs(p - a), abs(p - b)) for p in anchors), a)

    a, b, shown = min(spans, key=distance)
    return Value(kind, offset + a, offset + b, text[a:b], shown)


@lru_cache(maxsize=256)
def _named_figures(kind: str, question_folded: str) -> frozenset[float]:
    """The figures of the question's own values of `kind` (its sums for a sum asked, its counts for a
    count): "How much will each of the 500 participants receive?" names 500 people, not $500."""
    text = re.sub(r"(?<=\d)\s?([mgk])\$", lambda m: " " + m.group(1).upper() + "$", question_folded)
    return frozenset(f for _, _, v in _candidates(kind, text, lead=False) if (f := figure_of(v)) is not None)


Span3 = tuple[int, int, str]  # (start, end, value as shown), offsets into the sentence


def _matches(pattern: re.Pattern[str], text: str, start_at: int = 0, group: int = 0) -> list[Span3]:
    out: list[Span3] = []
    for m in pattern.finditer(text, start_at):
        a, b = m.span(group)
        if _UNIT_BEFORE.search(text[max(0, a - 20) : a]):
            continue  # "every $100": the unit of a rate, not a value
        value = text[a:b].strip().rstrip(",;:")
        if value:
            a = a + (len(text[a:b]) - len(text[a:b].lstrip()))
            out.append((a, a + len(value), value))
    return out


def _amounts(text: str, body: int, dateline: bool, lead: bool) -> list[Span3]:
    return _matches(MONEY_VALUE, text, body) or _matches(PERCENT_VALUE, text, body)


def _counts_of(text: str, body: int, dateline: bool, lead: bool) -> list[Span3]:
    found = [_count_noun(s) for s in _matches(COUNT_VALUE, text, body)]
    return [s for s in found if not re.fullmatch(r"(?:19|20)\d\d\b.*", s[2]) or " " not in s[2]]


def _dates(text: str, body: int, dateline: bool, lead: bool) -> list[Span3]:
    ranges = _matches(DATE_RANGE, text, body)  # "from January 20 to February 3, 2026" is one answer
    singles = [_with_year(text, s) for s in _matches(DATE, text, body)] + _matches(SEASON_VALUE, text, body)
    singles = [s for s in singles if not any(r[0] <= s[0] < r[1] for r in ranges)]
    found = ranges + singles
    # (the release's own date, in its dateline, answers only "when was it announced?": see shape.lead_value)
    return [s for s in found if not re.fullmatch(r"(?i)today|tomorrow|tonight|aujourd'hui|demain|ce\s+soir", s[2])]


def _places(text: str, body: int, dateline: bool, lead: bool) -> list[Span3]:
    out: list[Span3] = []
    place = _DATELINE_PLACE.match(text) if dateline or lead else None
    if place and len(place.group(1)) >= 3:
        a, b = place.span(1)
        out.append((a, b, _title_case(place.group(1))))
    for m in ADDRESS.finditer(text, body):  # "Located at 38012 3rd Ave., …": the address is the place
        value = m.group().rstrip(" ,")
        if value.endswith(".") and not re.search(r"\b(?:Ave|St|Rd|Blvd|Dr|Hwy)\.$", value):
            value = value[:-1]  # the sentence's full stop, not an abbreviation's
        out.append((m.start(), m.start() + len(value), value))
    for m in PLACE_OF.finditer(text, body):
        out.append((m.start(1), m.end(1), m.group(1)))
    for m in PLACE_VALUE.finditer(text, body):
        value = m.group(1).strip().rstrip(",")
        first = re.sub(r"^(?:the|la|le|l['’])\s*", "", value, flags=re.I).split()[0].casefold() if value else ""
        if first and first not in _NOT_PLACES:
            out.append((m.start(1), m.start(1) + len(value), value))
    return out


def _people(text: str, body: int, dateline: bool, lead: bool) -> list[Span3]:
    out: list[Span3] = []
    place = _DATELINE_PLACE.match(text)
    for m in _overlapping(NAMED_PERSON, text):
        name = _person_name(m.group())
        if name and not (place and _title_case(place.group(1)) == name) and name not in text[:body]:
            a = m.start() + m.group().find(name)
            out.append((a, a + len(name), name))
    return out


_FINDERS = {
    "amount": _amounts,
    "percent": lambda text, body, dateline, lead: _matches(PERCENT_VALUE, text, body),
    "count": _counts_of,
    "duration": lambda text, body, dateline, lead: _matches(DURATION_VALUE, text, body),
    "date": _dates,
    "place": _places,
    "person": _people,
    "who_said": _people,
    "organisation": lambda text, body, dateline, lead: [s for s in organisations_in(text) if s[0] >= body],
}


def _candidates(kind: str, text: str, *, lead: bool) -> list[Span3]:
    finder = _FINDERS.get(kind)
    if finder is None:
        return []
    dateline = DATELINE.match(text)
    return finder(text, dateline.end() if dateline else 0, bool(dateline), lead)


_YEAR_AFTER = re.compile(r",?\s+(?:19|20)\d\d\b")


def _with_year(text: str, span: Span3) -> Span3:
    """"June 27" followed by ", 2024" is "June 27, 2024"."""
    a, b, _ = span
    more = _YEAR_AFTER.match(text, b)
    if more and not re.search(r"(?:19|20)\d\d", text[a:b]):
        b = more.end()
    return a, b, text[a:b]


_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’\-]+(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?"  # "LeBlanc", "MacKinnon"
_NAME_RUN = re.compile(_NAME_WORD + r"(?:\s+[A-Z]\.)?(?:\s+" + _NAME_WORD + r"){1,2}")
_TITLES = frozenset(
    "Minister Ministre Premier Honourable Hon Mr Mrs Ms Dr Mme Mayor Chief Chef Senator President Prime The Le La "
    "Said Secretary Deputy Parliamentary".split()
)


def _count_noun(span: tuple[int, int, str]) -> tuple[int, int, str]:
    """"seven organizations promoting" → "seven organizations"; "four 2SLGBTQI+ organizations" stays."""
    a, _, value = span
    words = value.split()
    for i, word in enumerate(words):
        if re.fullmatch(r"[\d,.\u00a0\u202f]+|(?i:" + _COUNT_WORDS + r"|million|billion|millions?|milliards?|more|than|up|to|"
                        r"over|nearly|almost|about|plus|de|d['’]\w*|près|environ)", word):
            continue
        keep = i + (2 if (re.search(r"[\d+]", word) or word.isupper()) and i + 1 < len(words) else 1)
        value = " ".join(words[:keep])
        break
    value = re.sub(r"(?i)(?:\s+(?:de|du|des|d['’]|of|the|for|pour|la|le))+$", "", value)  # "13,1 MW de" → "13,1 MW"
    return a, a + len(value), value


def _person_name(match: str) -> str | None:
    """The person's name inside a NAMED_PERSON match ("the Honourable Mélanie Joly" → "Mélanie Joly")."""
    if "," in match and not re.match(r"\s*" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r")+,", match):
        match = match[match.rindex(",") + 1 :]  # "Minister of Energy …, Jonathan Wilkinson"
    for run in _NAME_RUN.finditer(match):
        words = [w for w in run.group().split() if w.rstrip(".") not in _TITLES]
        if any(w.rstrip(".,") in _NOT_NAMES for w in words):
            continue
        if len(words) >= 2:
            return " ".join(words) if run.group().endswith(words[-1]) and run.group().find(words[0]) >= 0 else None
    single = re.search(r"\b(?:Minister|Ministre|ministre|Premier|Mayor|Chief|Senator|Mr\.|Mrs\.|Ms\.|Dr\.|M\.|Mme)\s+"
                       r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’\-]+$", match.strip())
    return single.group() if single else None


def _overlapping(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Matches that may overlap: "Speaking in Port Hawkesbury, the Minister of …, Jonathan Wilkinson"
    holds a false match ("Port Hawkesbury, the Minister") that would hide the true one."""
    out: list[re.Match[str]] = []
    pos = 0
    while pos < len(text) and len(out) < 20:
        m = pattern.search(text, pos)
        if m is None:
            break
        out.append(m)
        pos = m.start() + 1
    return out


def _title_case(caps: str) -> str:
    """'PORT HAWKESBURY' → 'Port Hawkesbury'; 'MONTRÉAL' → 'Montréal' (datelines are upper case)."""
    if not caps.isupper():
        return caps
    return re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), caps.casefold())


def people_in(text: str) -> list[tuple[int, int, str]]:
    """Every person named in a sentence, in order, once each (for "which ministers …?" lists)."""
    seen: set[str] = set()
    out: list[tuple[int, int, str]] = []
    for m in _overlapping(NAMED_PERSON, text):
        name = _person_name(m.group())
        if name and not any(name in other for other in seen):
            seen.add(name)
            a = m.start() + m.group().find(name)
            out.append((a, a + len(name), name))
    return out


def full_name(name: str, release_text: str) -> str:
    """"ministre Joly" → "Mélanie Joly" when the release names her in full somewhere."""
    parts = name.split()
    surname = parts[-1]
    if len(parts) >= 2 and parts[0][:1].isupper() and parts[0] not in _TITLES and parts[0].casefold() not in (
            "ministre", "minister", "premier", "mayor", "maire"):
        return name
    match = re.search(r"\b(" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r")?)\s+" + re.escape(surname) + r"\b", release_text[:20000])
    if match:
        first = [w for w in match.group(1).split() if w.rstrip(".") not in _TITLES and w not in _NOT_NAMES]
        if first:
            return " ".join(first + [surname])
    return name
