"""Find, in the other-language version of a release, the sentence that translates a given one.

Translations keep numbers, names and many cognates, and keep the order of the text; so a
sentence is matched by shared numbers, shared stems (names, « ministre »/"minister") and
similar relative position, plus how well it answers the question in its own language. When
nothing matches clearly (the other version is a one-line teaser, say) there is no counterpart
and the original is quoted with a framing sentence instead.
"""
from __future__ import annotations

from dataclasses import dataclass

from communique.assistant.text import Span, split_sentences, stem, tokenize

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
