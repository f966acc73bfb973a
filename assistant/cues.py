"""Does a sentence contain the *kind* of thing the question asks for?

An amount for "how much/combien", a place for "where/où", a date for "when/quand", a quote
and its speaker for "who said/qui a dit". Language-independent patterns (digits, currency,
quote marks, capitalised names) with the function words of both languages.
"""
from __future__ import annotations

import re

from communique.assistant.organisations import organisation_cue
from communique.index.calendar import MONTH_WORD_PATTERN

_MONTH_WORDS = MONTH_WORD_PATTERN
MONEY = re.compile(
    r"\$\s?\d|\d\s?\$|\d[\d\s\u00a0\u202f,.]*\s*(?:M\$|G\$|k\$|dollars?\b|millions?\b|milliards?\b|billions?\b|"
    r"trillions?\b|%|per\s?cent\b|pour\s?cent\b|euros?\b)|\b(?:CAD|USD)\s?\d",
    re.IGNORECASE,
)
NUMBER = re.compile(
    r"(?<![\w.])(?!(?:19|20)\d\d\b)\d[\d\u00a0\u202f,. ]*\d*(?![\w-])|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"dozen|hundreds?|thousands?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|cent|mille|centaines?|milliers?)\b",
    re.IGNORECASE,
)
DATE = re.compile(
    r"\b[0-3]?\d(?:er|st|nd|rd|th)?\s+" + _MONTH_WORDS + r"(?:\s+(?:19|20)\d\d)?"
    r"|\b" + _MONTH_WORDS + r"\s+[0-3]?\d(?:st|nd|rd|th)?\b"
    r"|\b" + _MONTH_WORDS + r"\s+(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d-[01]\d-[0-3]\d\b"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche|today|tomorrow|tonight|aujourd'hui|demain|ce\s+soir)\b",
    re.IGNORECASE,
)
YEAR = re.compile(r"\b(?:19|20)\d\d\b|\b(?:spring|summer|fall|autumn|winter|printemps|[ée]t[ée]|automne|hiver)\b", re.IGNORECASE)
SEASON_YEAR = re.compile(r"\b(?:spring|summer|fall|autumn|winter|printemps|[ée]t[ée]|automne|hiver)\s+(?:of\s+|de\s+|d['’])?(?:19|20)\d\d\b",
                         re.IGNORECASE)
# The fields of notices and media advisories: "Masting period: …", "Date: …", « Endroit(s) de la mise en berne : … »,
# "Location: …": the line that answers "when?" or "where?" by its label.
FIELD_LABELS = {
    "date": re.compile(r"^\s*(?:Masting\s+period|(?:Time\s+)?period|Dates?|Date\(s\)|When|Time|Period|Période(?:\s+de\s+(?:la\s+)?"
                       r"mise\s+en\s+berne)?|Quand|Heure|Durée)\s*:", re.IGNORECASE),
    "place": re.compile(r"^\s*(?:Masting\s+location\(s\)|Location\(s\)|Locations?|Where|Venue|Address|Place|Endroit\(s\)"
                        r"(?:\s+de\s+(?:la\s+)?mise\s+en\s+berne)?|Endroits?|Lieux?|Où|Adresse)\s*:", re.IGNORECASE),
}


def field_label(kind: str, sentence: str) -> bool:
    """The sentence is a notice's field whose label names the kind asked ("Masting period: …" for "when?")."""
    pattern = FIELD_LABELS.get(kind)
    return bool(pattern and pattern.match(sentence))


_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’\-]+"
# A street address or block: "38012 3rd Ave.", "the 100 block of East Broadway", « 1234, rue Sherbrooke ».
ADDRESS = re.compile(
    r"\b\d{1,6}(?:\s*,)?\s+(?:(?:[A-Z0-9][\w.’'\-]*|de|du|des|la)\s+){0,3}?"
    r"(?:Avenue|Ave|Street|St|Road|Rd|Boulevard|Blvd|Drive|Dr|Way|Crescent|Place|Lane|Highway|Hwy|"
    r"rue|avenue|boulevard|chemin|route|rang|place)\b\.?(?:\s+(?:[A-Z][\w.’'\-]*\s*){1,3})?"
    r"|\b(?:the\s+)?\d{2,5}\s+block\s+of\s+(?:[A-Z][\w.’'\-]*\s*){1,4}"
)
PLACE = re.compile(
    ADDRESS.pattern + r"|"
    r"^\s*[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ .'’\-]{2,},"  # dateline: "MONTRÉAL, le 25 sept."
    r"|\b(?:in|at|near|across|throughout|à|au|aux|en|dans|près\s+de)\s+(?:the\s+|la\s+|le\s+|l['’])?" + _CAP
    + r"|\b" + _CAP + r",\s+(?:" + _CAP + r")\b",  # "Port Hawkesbury, Nova Scotia"
)
PERSON = re.compile(
    r"\b(?:Minister|Ministre|ministre|Premier|premier\s+ministre|Prime\s+Minister|Honourable|honorable|Hon\.|Mr\.|Mrs\.|Ms\.|"
    r"Dr\.|M\.|Mme|MP|député|députée|President|président|présidente|Chief|chef|CEO|Mayor|maire|mairesse|Senator|"
    r"sénateur|sénatrice|Commissioner|commissaire|Deputy|sous-ministre|Secretary|secrétaire|Governor|gouverneur)\b"
    r"|\b" + _CAP + r"\s+" + _CAP + r"\b",
)
# Any case ("Kennedy Stewart, mayor, City of Vancouver" as well as "Mayor Kennedy Stewart"), as a whole
# word ("chiefly" is no chief), except where the lower-case word means something else: « premier »
# is "first" (only « premier ministre » is a role) and "MP" is not "mp".
_ROLE = (
    r"(?:(?i:minister|ministre|premier\s+ministre|première\s+ministre|member\s+of\s+parliament|député|députée|"
    r"president|président|présidente|chief|chef|ceo|mayor|maire|mairesse|senator|sénateur|sénatrice|commissioner|"
    r"commissaire|parliamentary\s+secretary|secrétaire\s+parlementaire|secretary|secrétaire|spokesperson|porte-parole|"
    r"director|directeur|directrice|chair|président-directeur)|Premier|MP)\b"
)
_HONORIFIC = r"(?:Honourable|honorable|Hon\.|Mr\.|Mrs\.|Ms\.|Dr\.|M\.|Mme|Minister|Ministre|ministre|Premier|Chief|Chef|Mayor|maire)"
_NAME_PART = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’\-]+(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?"  # "McKenna", "LeBlanc" too
_PERSON_NAME = _NAME_PART + r"(?:\s+[A-Z]\.)?(?:\s+" + _NAME_PART + r"){1,2}"
# A person named in the sentence: "the Honourable Mélanie Joly", "Todd Loewen, Alberta's Minister of…",
# "said Minister Wilkinson", « a déclaré Steven MacKinnon, député de Gatineau ».
NAMED_PERSON = re.compile(
    r"\b" + _HONORIFIC + r"\s+(?:" + _PERSON_NAME + r"|[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’\-]+)\b"
    r"|\b" + _PERSON_NAME + r",\s+(?:the\s+|la\s+|le\s+|l['’])?(?:[\w'’.\-]+\s+){0,3}" + _ROLE
    + r"|\b(?:said|says|added|noted|déclaré|dit|affirmé|souligné|ajouté|indiqué|par)\s+(?:" + _PERSON_NAME + r")"
    + r"|\b" + _ROLE + r"(?:\s+[\w'’]+){0,8},\s+" + _PERSON_NAME
)
QUOTE = re.compile(r"«[^»]{15,}»?|“[^”]{15,}”?|\"[^\"]{15,}\"?|^\s*[«“\"]")
SPEECH = re.compile(
    r"\b(?:said|says|stated|states|added|noted|declared|explained|remarked|commented|stressed|affirmed|"
    r"a\s+déclaré|a\s+dit|a\s+affirmé|a\s+souligné|a\s+ajouté|a\s+indiqué|a\s+précisé|a\s+expliqué|a\s+rappelé|"
    r"déclare|affirme|souligne|ajoute|indique|précise|explique|estime|selon|according\s+to)\b",
    re.IGNORECASE,
)
ATTRIBUTION = re.compile(
    r"^\s*[-–—]\s*\S|^\s*[-–—]?\s*(?:The\s+Honourable|L['’]honorable|Le\s+ministre|La\s+ministre|Minister|Premier)\b",
)
REASON = re.compile(
    r"\b(?:because|since|in\s+order\s+to|so\s+that|due\s+to|to\s+help|to\s+support|aims?\s+to|goal|objective|"
    r"parce\s+que|car|afin\s+de|afin\s+que|en\s+raison\s+de|dans\s+le\s+but\s+de|pour\s+(?:aider|soutenir|"
    r"favoriser|renforcer|permettre)|vise\s+à|objectif)\b",
    re.IGNORECASE,
)
# A North American telephone number ("780-423-6807", "1-800-663-7867", "(250) 387-1234"): media contacts.
# (Wider than CONTACT's, which only weighs a sentence down; this one keeps a number to call from a count.)
PHONE = re.compile(r"(?<![\d-])(?:1[-. ])?(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\d-])")
# "PORT HAWKESBURY, Nova Scotia, July 31, 2024 — " / "Le 5 juin 2024 — ": the release's own date and place.
DATELINE = re.compile(
    r"^\s*(?:[A-ZÀ-ÖØ-Þ][\w .'’()\-]{1,60},\s+){0,3}(?:le\s+|on\s+)?"
    r"(?:[0-3]?\d(?:er)?\s+" + _MONTH_WORDS + r"\s+(?:19|20)\d\d|" + _MONTH_WORDS + r"\s+[0-3]?\d,?\s+(?:19|20)\d\d)"
    r"\s*(?:/[^/]{1,20}/)?\s*[—–-]+\s*",
    re.IGNORECASE,
)
DURATION = re.compile(
    r"\b(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|"
    r"un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt|trente)[\s-]+"
    r"(?:years?|months?|weeks?|days?|hours?|minutes?|ans?|années?|mois|semaines?|jours?|heures?)\b"
    r"|\b(?:every|each|chaque|tous\s+les|toutes\s+les)\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?|hours?|minutes?|"
    r"ans?|années?|mois|semaines?|jours?|heures?)\b|\b(?:annual|yearly|monthly|weekly|daily|annuel\w*|mensuel\w*|hebdomadaire\w*|quotidien\w*)\b",
    re.IGNORECASE,
)
CONTACT = re.compile(r"@\w+\.\w|\b\d{3}[-.\s]\d{3}[-.\s]\d{4}\b|\bhttps?://|\bwww\.", re.IGNORECASE)


def _amount(sentence: str) -> float:  # "how much": money, a share, a rate
    if MONEY.search(sentence):
        return 1.0
    return 0.4 if NUMBER.search(DATELINE.sub("", sentence, count=1)) else 0.0


def _count(sentence: str) -> float:  # "how many": any number of things
    body = DATELINE.sub("", sentence, count=1)
    return 1.0 if NUMBER.search(body) or MONEY.search(body) else 0.0


def _date(sentence: str) -> float:
    body = DATELINE.sub("", sentence, count=1)
    if DATE.search(body) or SEASON_YEAR.search(body):
        return 1.0
    if body != sentence:
        return 0.4  # only the release's own date: right for "when was it announced?", not otherwise
    return 0.5 if YEAR.search(body) else 0.0


def _person(sentence: str) -> float:
    if NAMED_PERSON.search(sentence):
        return 1.0
    return 0.5 if PERSON.search(sentence) else 0.0


def _who_said(sentence: str) -> float:
    named = NAMED_PERSON.search(sentence) or (SPEECH.search(sentence) and PERSON.search(sentence))
    if QUOTE.search(sentence) and named:
        return 1.0
    if QUOTE.search(sentence) or ATTRIBUTION.search(sentence):
        return 0.7
    return 0.3 if SPEECH.search(sentence) else 0.0


def _duration(sentence: str) -> float:  # "how long", "how often": a length of time or a frequency
    if DURATION.search(sentence):
        return 1.0
    return 0.4 if NUMBER.search(DATELINE.sub("", sentence, count=1)) else 0.0


_CAPITAL_RUN = re.compile(r"\b" + _CAP + r"\s+" + _CAP + r"\b")


def _organisation(sentence: str) -> float:
    if organisation_cue(sentence):
        return 1.0
    # a run of capitalised words may be a body without a telling word ("Flying Squirrel Trampoline Park"):
    # weaker than a named body to choose a sentence by, strong enough not to count as a miss (signals.py)
    return 0.5 if _CAPITAL_RUN.search(sentence) else 0.0


_CUES = {
    "duration": _duration,
    "organisation": _organisation,
    "amount": _amount,
    "count": _count,
    "date": _date,
    "place": lambda sentence: 1.0 if PLACE.search(sentence) else 0.0,
    "person": _person,
    "who_said": _who_said,
    "reason": lambda sentence: 1.0 if REASON.search(sentence) else 0.3,
}


def cue_strength(kind: str, sentence: str) -> float:
    """0..1: how clearly `sentence` holds the kind of answer `kind` asks for (1.0 for `other`)."""
    cue = _CUES.get(kind)
    return 1.0 if cue is None else cue(sentence)
