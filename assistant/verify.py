"""Check an LLM's answer against the passages it cites, before it is shown as grounded.

A small model writes fluent sentences that the passages do not say ("The Minister Joly closed the
conference." with no marker, shown as cited). So every sentence must carry a valid `[n]`; every number
and proper name in it must occur in the passages it cites (or in the question); its content words must
mostly be there too (across languages, where words cannot match, a shared name, number or cognate
suffices); and the value the extractive pass found — the answer's skeleton — must still be in it.
Any failure gives the extractive answer with a notice naming the reason.
"""
from __future__ import annotations

import re
from typing import Sequence

from communique.assistant.models import Lead
from communique.assistant.places import mentions
from communique.assistant.text import fold, stem, tokenize
from communique.index.models import Hit

MIN_SUPPORT = 0.5  # share of a sentence's content stems that its cited passages must hold
_CITE = re.compile(r"\[(\d{1,3})\]")
_NUMBER = re.compile(r"\d[\d\s\u00a0\u202f,.]*\d|\d")
_NAME = re.compile(r"(?<![\w'’])[A-ZÀ-ÖØ-Þ][\w'’\-]{2,}")
_GENERIC_CAPITALS = frozenset(
    "The This That These Those It Its In On At For And But Or So As By From With Of To A An Le La Les Un Une Des Ce "
    "Cette Ces Il Elle Ils Elles En Au Aux Et Mais Ou Dans Pour Par Sur Avec De Du Selon Yes No Oui Non Canada".split()
)


def sentences_with_marks(text: str) -> list[str]:
    """Split after sentence punctuation and the citation marks that follow it."""
    parts = re.split(r"(?<=[.!?…])((?:\s*\[\d{1,3}\])*)\s+", text.strip())
    out: list[str] = []
    for i in range(0, len(parts), 2):
        piece = parts[i] + (parts[i + 1] if i + 1 < len(parts) and parts[i + 1] else "")
        if piece.strip():
            out.append(piece.strip())
    return out


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def problem(text: str, passages: Sequence[Hit], question: str, answer_lang: str, lead: Lead | None) -> str | None:
    """Why `text` may not be shown as grounded in `passages` (None: it may)."""
    sentences = sentences_with_marks(text)
    if not sentences:
        return "empty"
    question_folded = fold(question)
    for sentence in sentences:
        cited = [int(n) for n in _CITE.findall(sentence) if 1 <= int(n) <= len(passages)]
        if not cited:
            return "a sentence cites no passage"
        reason = _unsupported(_CITE.sub(" ", sentence), [passages[n - 1] for n in dict.fromkeys(cited)],
                              question_folded, answer_lang)
        if reason:
            return reason
    if lead is not None and lead.kind not in ("yes", "no"):
        said = {_digits(m.group()) for m in _NUMBER.finditer(_CITE.sub(" ", text))}
        wanted = [_digits(m.group()) for m in _NUMBER.finditer(f"{lead.shown} {lead.original}")][:1]
        if wanted and wanted[0] not in said:
            return f"the answer leaves out the value found ({lead.shown})"
    return None


def _unsupported(body: str, sources: list[Hit], question_folded: str, answer_lang: str) -> str | None:
    source_text = "\n".join(h.title + "\n" + h.text for h in sources)
    source_digits = {_digits(m.group()) for m in _NUMBER.finditer(source_text)}
    for m in _NUMBER.finditer(body):
        number = _digits(m.group())
        if number and number not in source_digits and not any(number in d for d in source_digits):
            return f"the number {m.group().strip()} is not in the cited passages"
    name = _missing_name(body, fold(source_text), question_folded)
    if name:
        return f"the name {name} is not in the cited passages"
    stems = {stem(t) for t in tokenize(body) if len(t) > 3 and not t.isdigit()}
    if not stems:
        return None
    support = len(stems & {stem(t) for t in tokenize(source_text)}) / len(stems)
    if any(h.lang == answer_lang for h in sources):
        return "a sentence says what its passages do not" if support < MIN_SUPPORT else None
    if support == 0 and not _NUMBER.search(body):
        return "a sentence shares nothing with its passages"
    return None


def _missing_name(body: str, folded_source: str, question_folded: str) -> str | None:
    letters = re.sub(r"[^a-z]+", " ", folded_source)
    for m in _NAME.finditer(body):
        name = m.group().rstrip("'’-")
        if not body[: m.start()].strip() or name in _GENERIC_CAPITALS:
            continue  # a sentence's first word is capitalised anyway
        folded = fold(name)
        if not (folded in folded_source or folded in question_folded or mentions(letters, name)):
            return name
    return None
