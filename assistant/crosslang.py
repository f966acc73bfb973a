"""Find, in the other-language version of a release, the sentence that translates a given one.

Translations keep numbers, names and many cognates, and keep the order of the text; so a
sentence is matched by shared numbers, shared stems (names, « ministre »/"minister") and
similar relative position, plus how well it answers the question in its own language. When
nothing matches clearly (the other version is a one-line teaser, say) there is no counterpart
and the original is quoted with a framing sentence instead — as it is when the counterpart
drops what the original states (`loses_information`: versions are not always full translations).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from communique.assistant.glossary import equivalents
from communique.assistant.places import mentions
from communique.assistant.text import Span, fold, split_sentences, stem, tokenize
from communique.assistant.values import find_value

MAX_TARGET_CHARS = 60_000  # beyond this, look only near the relative position
ACCEPT = 0.42


@dataclass(frozen=True)
class Match:
    span: Span
    score: float


def _profile(text: str) -> tuple[set[str], set[str]]:
    tokens = tokenize(text)
    numbers = {t for t in tokens if t.isdigit()}
    stems = {stem(t) for t in tokens if not t.isdigit() and len(t) > 3}
    return numbers, stems


def counterpart(
    source_text: str,
    span: Span,
    target_text: str,
    question_stems: frozenset[str] = frozenset(),
) -> Match | None:
    """The sentence of `target_text` that best corresponds to `span` of `source_text`, if clear."""
    if not target_text.strip() or not source_text:
        return None
    rel = span.start / max(1, len(source_text))
    lo, hi = 0, len(target_text)
    if len(target_text) > MAX_TARGET_CHARS:
        centre = int(rel * len(target_text))
        lo, hi = max(0, centre - MAX_TARGET_CHARS // 2), min(len(target_text), centre + MAX_TARGET_CHARS // 2)
    numbers, stems = _profile(span.text)
    best: Match | None = None
    second = 0.0
    for cand in split_sentences(target_text, lo, hi):
        c_numbers, c_stems = _profile(cand.text)
        num = _overlap(numbers, c_numbers) if numbers or c_numbers else None
        lex = _overlap(stems, c_stems)
        pos = 1.0 - min(1.0, abs(cand.start / max(1, len(target_text)) - rel) * 2.5)
        ratio = min(len(cand.text), len(span.text)) / max(len(cand.text), len(span.text), 1)
        q = len(question_stems & c_stems) / len(question_stems) if question_stems else 0.0
        if num is None:
            value = 0.45 * lex + 0.25 * pos + 0.15 * ratio + 0.15 * q
        else:
            value = 0.35 * num + 0.30 * lex + 0.15 * pos + 0.10 * ratio + 0.10 * q
        if numbers and c_numbers and not numbers & c_numbers:
            value *= 0.5  # different figures: not the same sentence
        if best is None or value > best.score:
            second = best.score if best else 0.0
            best = Match(cand, value)
        elif value > second:
            second = value
    if best is None or best.score < ACCEPT or best.score - second < 0.03:
        return None
    return best


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b)) * (0.5 + 0.5 * min(len(a), len(b)) / max(len(a), len(b)))


def loses_information(original: str, translated: str, kind: str, question: str, *, opens: bool = False) -> bool:
    """Whether quoting `translated` instead of `original` would drop what the question asks.

    Versions of one release are not always full translations: a French teaser may name the minister
    its English partner leaves out. The translated sentence must keep the original's figures, the
    surnames of the people it names, and, for a "where" question, the place it names (`opens`: the
    original opens its release, so its dateline names a place)."""
    asked = set(tokenize(question))
    numbers, _ = _profile(_CLOCK.sub(" ", original))  # "10:45 p.m." is « 22 h 45 » in French
    t_tokens = set(tokenize(translated, keep_stopwords=True))
    t_stems = {stem(t) for t in t_tokens} | {stem(t) for t in asked}
    if numbers - asked - {t for t in t_tokens if t.isdigit()}:
        return True  # (a figure the question itself gives is not news to the asker)
    letters = re.sub(r"[^a-z]+", " ", fold(translated))

    def absent(name: str) -> bool:
        province = mentions(letters, name)  # "Nova Scotia" is there as « Nouvelle-Écosse »
        if province is not None:
            return not province
        last = tokenize(name.split()[-1])
        # a word with a known translation ("Canadian *Heritage*") is not a surname
        return bool(last) and stem(last[-1]) not in t_stems and not equivalents(stem(last[-1]))

    if any(absent(found.group()) for found in _PERSON.finditer(original)):
        return True
    if kind != "place":
        return False
    # a place the original names and the translation does not (a dateline "OTTAWA" only one version has);
    # other kinds are not compared: « Jour des funérailles » is no date to the French reader, "the day
    # of the funeral" is one to the English one, and figures were compared above
    place = find_value(kind, original, 0, exclude=fold(question), lead=opens)
    if place is None or not tokenize(place.text):
        return False
    province = mentions(letters, place.text)
    return not province if province is not None else stem(tokenize(place.text)[-1]) not in t_stems


_CLOCK = re.compile(r"\b\d{1,2}(?:\s?[:h]\s?\d{2})?\s?(?:[ap]\.\s?m\.|h\b)|\b\d{1,2}\s?[:h]\s?\d{2}\b", re.I)
# A person's name: two to four capitalised words ("Bill Blair", "Arthur J. LeBlanc"), which translations
# keep as they are; names of bodies and programs are translated, and are not checked this way.
_PERSON = re.compile(r"\b[A-ZÀ-Ö][a-zà-ÿ'’\-]+(?:\s+(?:[A-Z]\.|[A-ZÀ-Ö][a-zà-ÿ'’\-]*[a-zà-ÿ][A-Za-zà-ÿ'’\-]*)){1,3}\b")
