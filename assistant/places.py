"""Canada's provinces and territories under their French, English and short names.

"Colombie-Britannique", "British Columbia" and "B.C." are one place: when a question names a place the
release must name too (a near miss is often "another province"), the check must not fail only because
the release is in the other language. A closed list, so no model is needed.
"""
from __future__ import annotations

import re

from communique.assistant.text import fold

_PLACES = (
    ("british columbia", "colombie-britannique", "b.c.", "c.-b.", "bc"),
    ("alberta",),
    ("saskatchewan",),
    ("manitoba",),
    ("ontario",),
    ("quebec", "québec"),
    ("new brunswick", "nouveau-brunswick", "n.b.", "n.-b."),
    ("nova scotia", "nouvelle-écosse", "n.s.", "n.-é."),
    ("prince edward island", "île-du-prince-édouard", "p.e.i.", "î.-p.-é.", "pei"),
    ("newfoundland and labrador", "terre-neuve-et-labrador", "newfoundland", "terre-neuve", "n.l.", "nl"),
    ("yukon",),
    ("northwest territories", "territoires du nord-ouest", "n.w.t.", "t.n.-o.", "nwt"),
    ("nunavut",),
    ("atlantic canada", "canada atlantique"),
    # "Ottawa" also names the federal government in news writing (« Ottawa versera… »)
    ("ottawa", "federal", "fédéral", "fédérale", "government of canada", "gouvernement du canada"),
)


def _key(name: str) -> str:
    return re.sub(r"[^a-z]+", " ", fold(name)).strip()


_ALIASES: dict[str, tuple[str, ...]] = {}
for _names in _PLACES:
    for _name in _names:
        _ALIASES[_key(_name)] = tuple(_key(n) for n in _names)


def aliases(name: str) -> tuple[str, ...]:
    """Every way of writing the province or territory `name` names (folded), or () if it names none."""
    return _ALIASES.get(_key(name), ())


def mentions(text_folded_words: str, name: str) -> bool | None:
    """Does the text (folded, non-letters as spaces) name the place? None when `name` is no province."""
    names = aliases(name)
    if not names:
        return None
    padded = f" {text_folded_words} "
    return any(f" {n} " in padded for n in names)


_PROVINCES = [tuple(_key(n) for n in names) for names in _PLACES[:-2]]  # not Atlantic Canada, not "federal"


def other_province(text_folded_words: str, asked: list[str]) -> bool:
    """Does the text name a province or territory other than the `asked` ones?"""
    padded = f" {text_folded_words} "
    asked_keys = {a for name in asked for a in aliases(name)}
    return any(not set(names) & asked_keys and any(f" {n} " in padded for n in names) for names in _PROVINCES)
