"""Sentence spans and word stems for choosing what to quote.

Offsets are kept into the *release* text so that every quote can be checked verbatim.
Stems are crude on purpose (suffix strip + 6-char prefix): they run per sentence per
question, and the prefix also matches many French/English cognates (« ministre »/"minister",
« artificielle »/"artificial"), which is the only lexical bridge between the two languages.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from index.text import STOPWORDS, fold, tokenize  # noqa: F401  (re-exported: one tokenizer for index and answers)

# Words that carry no topic in a question (interrogatives, auxiliaries, generic verbs).
QUESTION_WORDS: frozenset[str] = frozenset(
    """
    what which who whom whose when where why how much many does did do is are was were was
    tell say says said give list name please know there any some kind
    quoi quel quelle quels quelles qui quand comment combien pourquoi ou est ce qu
    dit dire donne donner liste nomme sait savoir il y-a ya t peux pouvez ete etait
    happen happened happens occur occurred passe passee s'est-il faite faites fait made done took being been
    """.split()
)

_STEM_SUFFIXES = (
    "ements", "ement", "ations", "ation", "ings", "ing", "ies", "ied", "ees", "ee", "es", "ed",
    "s", "x", "e",
)

# Abbreviations after which a period does not end a sentence (folded, without the dot).
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr st sr jr mt no nos vol art sec ch fig inc ltd corp co hon rev gen lt col sgt
    gov sen rep prof dept approx est vs etc e.g i.e u.s u.k p ex env
    m mme mmes mlle me pr
    jan feb mar apr jun jul aug sep sept oct nov dec
    janv fevr fev avr juil aout dec
    """.split()
)

_BOUNDARY = re.compile(
    r"""[.!?…]+[»"”’)\]]*(?=\s+[\"“«(\-–—•*A-ZÀ-ÖØ-Þ0-9])"""  # end punctuation before a new start
    r"""|\n"""  # every line break ends a unit (paragraphs, list items, attribution lines)
    # Whitespace-collapsed scrapes: "…at home.“Currently…", "…East Vancouver.Located along…"
    r"""|(?<=[a-zà-öø-ÿ0-9)][.!?])[”"’]?(?=[“"«][A-ZÀ-ÖØ-Þ])|(?<=[a-zà-öø-ÿ]{2}[.!?])[”"’]?(?=[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ])"""
)
_LEADING_JUNK = re.compile(r"^[\s.,;:·•*\-–—_|>]+")
_TRAILING_SPACE = re.compile(r"\s+$")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w.]*)[.!?…]+[»\"”’)\]]*$")

MAX_SENTENCE_CHARS = 600


@dataclass(frozen=True)
class Span:
    """A sentence: `text == release_text[start:end]`."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Crude language-agnostic stem of a folded token (see the module docstring)."""
    if token.isdigit() or len(token) <= 3:
        return token
    for suffix in _STEM_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            token = token[: -len(suffix)]
            break
    return token[:6]


def content_stems(text: str) -> list[str]:
    """Stems of the topic words of `text` (stop-words and question words removed)."""
    return [stem(t) for t in tokenize(text) if t not in QUESTION_WORDS]


def all_stems(text: str) -> set[str]:
    return {stem(t) for t in tokenize(text, keep_stopwords=True)}


def split_sentences(text: str, lo: int = 0, hi: int | None = None) -> list[Span]:
    """Sentence spans of `text[lo:hi]`, with offsets into `text`.

    Leading punctuation/bullets and surrounding whitespace are trimmed from each span (the
    scraped releases carry fragments such as ". L'édition de 2025…"); empty spans dropped.
    """
    hi = len(text) if hi is None else min(hi, len(text))
    lo = max(0, lo)
    window = text[lo:hi]
    cuts = [0]
    for match in _BOUNDARY.finditer(window):
        end = match.end()
        if match.group() != "\n" and _is_abbreviation(window[max(0, end - 40) : end]):
            continue
        cuts.append(end)
    cuts.append(len(window))
    spans: list[Span] = []
    for a, b in zip(cuts, cuts[1:]):
        for sa, sb in _limit_length(window, a, b):
            piece = window[sa:sb]
            lead = _LEADING_JUNK.match(piece)
            if lead:
                sa += lead.end()
            trail = _TRAILING_SPACE.search(window[sa:sb])
            if trail:
                sb = sa + trail.start()
            if sb - sa >= 2 and re.search(r"\w", window[sa:sb]):
                spans.append(Span(lo + sa, lo + sb, window[sa:sb]))
    return spans


def _is_abbreviation(tail: str) -> bool:
    match = _WORD_BEFORE.search(tail)
    if not match:
        return False
    word = fold(match.group(1)).rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    # A single capital letter is an initial ("J. Smith"), not the end of a sentence.
    return len(match.group(1).rstrip(".")) == 1 and match.group(1)[0].isupper()


def _limit_length(window: str, a: int, b: int) -> list[tuple[int, int]]:
    """Cut over-long units (whitespace-collapsed scrapes) at ';' or spaces so quotes stay short."""
    pieces: list[tuple[int, int]] = []
    while b - a > MAX_SENTENCE_CHARS:
        limit = a + MAX_SENTENCE_CHARS
        cut = window.rfind("; ", a + MAX_SENTENCE_CHARS // 3, limit)
        if cut < 0:
            cut = window.rfind(", ", a + MAX_SENTENCE_CHARS // 2, limit)
        if cut < 0:
            cut = window.rfind(" ", a + MAX_SENTENCE_CHARS // 2, limit)
        if cut < 0:
            cut = limit
        else:
            cut += 1
        pieces.append((a, cut))
        a = cut
    pieces.append((a, b))
    return pieces


def is_stopword(token: str) -> bool:
    return token in STOPWORDS or token in QUESTION_WORDS
