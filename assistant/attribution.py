"""Who speaks a sentence that sits inside a quotation: the attribution of the quotation around it.

A quotation often runs over several sentences and names its speaker once, before it ("Paula Telfer,
executive director – “… Some of our campers have come for over 40 years!”") or after it ("“… in almost
20 years,” Eby said."). The sentence that matches a "who said …?" question is often one in the middle,
with no name of its own; the answer is the quotation's speaker, not the nearest name in the release.

Read on the release's own text, so the name keeps its offsets like every quoted value. Quotation
marks: “ ” « » always say which way they face; a straight " opens after a space, a dash or a colon.
Scraped text is often whitespace-collapsed ("…territory.”Lissa Dawn Smith, …") and that is allowed for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from communique.assistant.cues import SPEECH
from communique.assistant.text import Span, split_sentences
from communique.assistant.values import _NOT_NAMES, people_in
from communique.index.text import STOPWORDS

REACH = 2500  # how far back a quotation may have opened (a long quote runs over a few paragraphs)
_OPENING = "“«"
_CLOSING = "”»"
# "…,” Eby said." / "…», a déclaré M. Dion": a surname alone before the verb.
_SURNAME_SAID = re.compile(r"^[\s,.–—-]*((?:[A-ZÀ-ÖØ-Þ][\w'’\-]+\s+){0,2}[A-ZÀ-ÖØ-Þ][\w'’\-]+)\s+(?:said|says|added|noted)\b")
# "Chief Alice McKay, Matsqui First Nation –", "Paula Telfer, directrice générale :": the line that introduces it.
_INTRODUCED = re.compile(r"(?:[–—:-]|\b(?:said|says|a\s+déclaré|a\s+dit|déclare))\s*$", re.IGNORECASE)
_LEADING_NAME = re.compile(r"^\W*((?:[A-ZÀ-ÖØ-Þ][\w'’\-]+ )?[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’\-]+ [A-ZÀ-ÖØ-Þ][\w'’\-]+(?: [A-ZÀ-ÖØ-Þ][\w'’\-]+)?)\s*,")
_DASH_NAME = re.compile(r"^\s*[–—-]\s*((?:[A-ZÀ-ÖØ-Þ][\w'’\-.]+ ){1,3}?[A-ZÀ-ÖØ-Þ][\w'’\-]+)\s*(?:,|$)")


@dataclass(frozen=True)
class Speaker:
    """Who speaks: `text[start:end] == name` in the release text the quotation was read from."""

    start: int
    end: int
    name: str


# Title words that a signing line may run into when no comma follows the name ("Goronwy Price Chair, …").
_TITLE_WORDS = frozenset("Chair Chairperson President CEO Director Manager Minister Mayor Chief Executive Premier "
                         "Président Présidente Directeur Directrice Ministre Maire".split())


def _speaker(text: str, start: int, end: int, name: str) -> Speaker | None:
    """A Speaker only when its offsets hold exactly its name, and the name is a person's: not a place or a
    body ("Across Canada", "Health Canada"), not spread over a tab run, not ending in a title."""
    words = name.split(" ")
    while len(words) > 2 and words[-1] in _TITLE_WORDS:
        words.pop()
    name = " ".join(words)
    end = start + len(name)
    if text[start:end] != name or words[0].casefold() in STOPWORDS:
        return None
    if any(w.strip(".,") in _NOT_NAMES for w in words):
        return None
    return Speaker(start, end, name)


def _opens(text: str, i: int) -> bool | None:
    """True for an opening quotation mark at `text[i]`, False for a closing one, None for no mark."""
    c = text[i]
    if c in _OPENING:
        return True
    if c in _CLOSING:
        return False
    if c == '"':
        before = text[i - 1] if i > 0 else " "
        return before.isspace() or before in "–—-:(["
    return None


def quotation_around(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(open, close): the offsets of the quotation marks around or inside `text[start:end]` that the
    sentence belongs to, or None when it is not part of a quotation."""
    first_inside = next(((i, o) for i in range(start, end) if (o := _opens(text, i)) is not None), None)
    if first_inside is not None and first_inside[1]:
        opening = first_inside[0]  # the sentence opens the quotation
    else:
        opening = -1
        for i in range(start - 1, max(-1, start - REACH - 1), -1):
            kind = _opens(text, i)
            if kind is None:
                continue
            if kind:
                opening = i
            break  # the nearest mark before is a closing one: this sentence is outside any quotation
        if opening < 0:
            return None
    for i in range(max(opening + 1, start), min(len(text), max(end, opening + 1) + REACH)):
        if _opens(text, i) is False:
            return opening, i
    return None


def speaker_of(text: str, start: int, end: int) -> Speaker | None:
    """The speaker of the quotation `text[start:end]` is part of: named just after it with a speech verb
    ("…,” said Ravi Kahlon" / "…,” Eby said"), else on the line that introduces it ("Name, title – “…"),
    else signing it ("… » Paula Telfer, directrice générale")."""
    around = quotation_around(text, start, end)
    if around is None:
        return None
    opening, closing = around
    after_at = closing + 1
    while after_at < len(text) and text[after_at] in " \n\t\u00a0":  # "…”\n— Jane Doe, CEO"
        after_at += 1
    after = _clause(text[after_at : after_at + 200])
    attached = after.lstrip()[:1] in ",–—-" or text[closing - 1] == ","  # "…,” said X" / "… », a dit X"
    found = _said_by(after, after_at) if attached else None
    if found is not None:
        return found
    lo = max(0, opening - 200)
    before = text[lo:opening]
    closed = max(before.rfind(c) for c in _CLOSING + '"')  # the previous quotation ended here
    if closed >= 0 and (before[closed + 1 :].lstrip()[:1] == "," or before[closed - 1 : closed] == ","):
        # "“…,” said Jim Snetsinger, board chair. “<this>…”": the same speaker goes on
        between = before[closed + 1 :]
        alone = len(split_sentences(between)) == 1  # only the attribution, no narrative sentence after it
        found = _said_by(between, lo + closed + 1) if alone else None
        if found is not None:
            return found
    body = before.rstrip()  # the introducing line may end in a line break before the quote
    cut = max(closed, body.rfind(". "), body.rfind("\n"), body.rfind(":") if not body.endswith(":") else -1)
    lo, before = lo + cut + 1, before[cut + 1 :]
    if _INTRODUCED.search(before):
        people = people_in(before)
        if people:
            a, b, name = people[0]
            return _speaker(text, lo + a, lo + b, name)
        leading = _LEADING_NAME.match(before)
        if leading:
            return _speaker(text, lo + leading.start(1), lo + leading.end(1), leading.group(1))
    if after[:1] in "–—-":  # "…”\n— Jane Doe", « … »\n- La ministre de l'Industrie, l'honorable Mélanie Joly
        people = people_in(after)
        if people:
            a, b, name = people[0]
            return _speaker(text, after_at + a, after_at + b, name)
    # "… » Paula Telfer, directrice générale, Easter Seals Alberta"
    signed = _LEADING_NAME.match(after) or _DASH_NAME.match(after)
    if signed:  # (not "In British Columbia, …", not "Health Canada, which …": `_speaker` checks)
        return _speaker(text, after_at + signed.start(1), after_at + signed.end(1), signed.group(1))
    return None


def _said_by(clause: str, at: int) -> Speaker | None:
    """The name beside a speech verb in `clause` (which starts at `at` in the release text)."""
    verb = SPEECH.search(clause)
    if not verb:
        return None
    people = people_in(clause)
    alone = None if people else _SURNAME_SAID.match(clause)
    if people:
        a, b, name = min(people, key=lambda p: min(abs(p[0] - verb.start()), abs(p[1] - verb.end())))
    elif alone:
        a, b, name = alone.start(1), alone.end(1), alone.group(1)
    else:
        return None
    found = _speaker(clause, a, b, name)
    return None if found is None else Speaker(at + found.start, at + found.end, found.name)


def _clause(after: str) -> str:
    """What follows a closing mark up to the end of its sentence or the next quotation."""
    stop = len(after)
    for mark in (". ", ".\n", "\n", "“", "«"):
        i = after.find(mark)
        if i >= 0:
            stop = min(stop, i)
    m = re.search(r"\.(?=[A-ZÀ-ÖØ-Þ])", after)  # "…Eby said.The Province …" (collapsed)
    if m:
        stop = min(stop, m.start())
    return after[:stop]


def naming_sentence(text: str, speaker: Speaker) -> Span | None:
    """The sentence of `text` that holds the speaker's name, to cite it by."""
    lo, hi = max(0, speaker.start - 600), min(len(text), speaker.end + 600)
    return next((s for s in split_sentences(text, lo, hi) if s.start <= speaker.start and speaker.end <= s.end
                 and (s.start > lo or lo == 0)), None)
