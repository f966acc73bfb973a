"""Sentence spans and word stems for choosing what to quote.

Offsets are kept into the *release* text so that every quote can be checked verbatim.
Stems are crude on purpose (suffix strip + 6-char prefix): they run per sentence per
question, and the prefix also matches many French/English cognates (« ministre »/"minister",
« artificielle »/"artificial"), which is the only lexical bridge between the two languages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from communique.index.sentences import split_sentences as sentence_spans
from communique.index.text import STOPWORDS, fold, stem, tokenize  # noqa: F401  (re-exported: one tokenizer for index and answers)

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

MAX_SENTENCE_CHARS = 600
_NON_WORD = re.compile(r"\W+")


def words_key(text: str) -> str:
    """The words of `text` alone (folded, punctuation dropped): two sentences with the same key say the same
    thing twice (a release and its backgrounder, a scraped fragment repeated)."""
    return _NON_WORD.sub(" ", fold(text)).strip()


@dataclass(frozen=True)
class Span:
    """A sentence: `text == release_text[start:end]`."""

    start: int
    end: int
    text: str


def content_stems(text: str) -> list[str]:
    """Stems of the topic words of `text` (stop-words and question words removed)."""
    return [stem(t) for t in tokenize(text) if t not in QUESTION_WORDS]


def split_sentences(text: str, lo: int = 0, hi: int | None = None) -> list[Span]:
    """Sentence spans of `text[lo:hi]`, with offsets into `text`, for quoting.

    The splitter is `index.sentences` (the one chunking uses), with each line its own unit
    (attribution lines, list items), leading punctuation/bullets trimmed (the scraped releases
    carry fragments such as ". L'édition de 2025…") and over-long units cut at `;` or spaces.
    """
    return [Span(a, b, text[a:b]) for a, b in sentence_spans(text, lo, hi, every_line_break=True,
                                                             strip_bullets=True, max_chars=MAX_SENTENCE_CHARS)]
