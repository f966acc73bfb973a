"""The title a "which premier/minister/mayor …?" question asks by, and whether a name carries it.

"Which premier took part?" over « annoncé par le ministre Lawrence MacAulay, le premier ministre de
l'Île-du-Prince-Édouard Dennis King » is answered by the name the title stands beside (Dennis King),
not by the first name in the sentence. Titles come before a name ("Premier Dennis King", « la mairesse
Valérie Plante ») or after it, behind a comma ("Dennis King, Premier of Prince Edward Island").
"""
from __future__ import annotations

import re

from communique.assistant.text import fold

# The title asked → how either language writes it (folded, lower case).
_TITLES: dict[str, tuple[str, ...]] = {
    "premier": ("premier", "premiere", "premier ministre", "premiere ministre"),
    "minister": ("minister", "ministre"),
    "mp": ("mp", "member of parliament", "depute", "deputee"),
    "mla": ("mla", "member of the legislative assembly", "depute provincial", "deputee provinciale"),
    "mayor": ("mayor", "maire", "mairesse"),
    "chief": ("chief", "chef"),
    "senator": ("senator", "senateur", "senatrice"),
    "president": ("president", "presidente"),
    "ceo": ("ceo", "chief executive officer", "pdg", "president-directeur general", "presidente-directrice generale"),
    "chair": ("chair", "chairperson", "president du conseil", "presidente du conseil"),
}
_ASKED = re.compile(
    r"\bwhich\s+(?:(?:two|three|federal|provincial|cabinet|other)\s+){0,2}(premier|minister|mp|mla|mayor|chief|senator|"
    r"president|ceo|chair)s?\b"
    r"|\bquel(?:le)?s?\s+(?:(?:deux|trois)\s+)?(premier\s+ministre|premiere\s+ministre|ministres?|deputes?\s+provincia(?:l|ux|les?)|"
    r"deputee?s?|maire|mairesse|chef|senat(?:eur|rice)|president(?:e)?|pdg)\b"
)
_FR_TO_KEY = {"premier ministre": "premier", "premiere ministre": "premier", "ministre": "minister", "ministres": "minister",
              "maire": "mayor", "mairesse": "mayor", "chef": "chief", "senateur": "senator", "senatrice": "senator",
              "president": "president", "presidente": "president", "pdg": "ceo"}
_ANOTHER = re.compile(r",\s*(?:and|et)\b|\s(?:and|et)\s|;")  # "Minister of Housing, and Andy Fillmore": another's
WINDOW = 60  # characters between a title and the name it belongs to ("… de l'Île-du-Prince-Édouard Dennis King")


def asked_title(question: str) -> tuple[str, ...]:
    """How the title a question asks by is written in either language, or () when it asks by none."""
    m = _ASKED.search(fold(question))
    if not m:
        return ()
    word = re.sub(r"\s+", " ", m.group(1) or m.group(2))
    if word.startswith("depute"):
        key = "mla" if "provincia" in word else "mp"
    else:
        key = _FR_TO_KEY.get(word, word)
    return _TITLES.get(key, ())


def titled_names(text: str, spans: list[tuple[int, int, str]], titles: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """The candidate names that carry the title; of runs ending on the same name, the one after a place
    ("Île-du-Prince-Édouard Dennis King"), and never a fragment of a hyphenated name ("Yves Duclos")."""
    names = [(a, b) for a, b, _ in spans]
    words = "|".join(re.escape(t) for t in titles)
    before, after = re.compile(r"\b(?:" + words + r")\b"), re.compile(r"\s*,\s*(?:the\s+|la\s+|le\s+)?(?:" + words + r")\b")
    titled = [s for s in spans if _carries_title(text, s[0], s[1], before, after, names)]
    return [s for s in titled if text[max(0, s[0] - 1)] != "-" and not any(
        t[1] == s[1] and t[0] > s[0] and text[t[0] - 1] == " " and "-" in text[s[0]:t[0]] for t in titled)]


def _carries_title(text: str, start: int, end: int, before: re.Pattern[str], after: re.Pattern[str],
                   names: list[tuple[int, int]]) -> bool:
    """Whether the name at text[start:end] is given the title: just before it with no other name between,
    or right after it behind a comma, when no other name follows that title ("MacAulay, le premier
    ministre de l'Île-du-Prince-Édouard Dennis King": that title is King's). Slices of the text are folded,
    not the text indexed after folding: folding changes lengths (« œ » → "oe")."""
    before_from = max([b for a, b in names if b <= start] + [max(0, start - WINDOW)])
    lead_in = fold(text[before_from:start])
    title = next(reversed(list(before.finditer(lead_in))), None)  # the last title before the name
    if title is not None and not _ANOTHER.search(lead_in[title.end():]):
        return True
    if not after.match(fold(text[end:end + WINDOW])):
        return False
    # a name right after that title, with no "and" between, is the one it belongs to
    return not any(end < a <= end + WINDOW and not _ANOTHER.search(fold(text[end:a])) for a, _ in names)
