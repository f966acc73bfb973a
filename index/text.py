"""Text folding and tokenisation shared by lexical search and query handling.

Case and accent folding plus French elisions (l', d', qu') so that « l'Agence » matches
"agence" and "Montreal" matches "Montréal". Kept dependency-free: it runs per query.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)['’ʼ]", re.IGNORECASE)
_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)
_DIGIT_GROUP = re.compile(r"(?<=\d)[\s\u00a0\u202f\u2009,](?=\d{3}\b)")

STOPWORDS: frozenset[str] = frozenset(
    """
    a an and are as at be been by for from has have he her his how i in is it its of on or our
    she that the their them they this to was were what when where which who whom why will with
    would you your do does did about into than then there these those can could should may
    also any all not no yes so if but we us my me more most such over under after before
    le la les un une des du de et en au aux ce ces cet cette est sont ont a il elle ils elles
    on nous vous je tu que qui quoi dont ou où pour par sur dans avec sans sous entre vers chez
    se sa son ses leur leurs notre nos votre vos mon ma mes pas ne plus moins tres très
    quel quelle quels quelles comment combien quand pourquoi est-ce y été etre être avoir fait
    """.split()
)


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def fold(text: str) -> str:
    """Lower-case and strip accents (é→e, œ→oe) so both spellings match.

    Decomposes in C and deletes the combining-mark blocks with one regex: it runs on every
    candidate sentence per question, where a per-character Python loop was 3× slower.
    """
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Folded word and number tokens; elisions dropped; `600 000` → `600000`.

    Stop-words are dropped unless written in capitals: "ALL IN" (an event) or "US" are names.
    """
    text = _DIGIT_GROUP.sub("", text)
    text = _ELISION.sub(" ", text)
    out = []
    for raw in _TOKEN.findall(text):
        token = fold(raw)
        if token[0].isdigit():
            token = token.replace(",", "").replace(".", "")
        elif not keep_stopwords and ((token in STOPWORDS and not (len(raw) > 1 and raw.isupper())) or len(token) < 2):
            continue
        out.append(token)
    return out


# Crude language-agnostic stems (suffix strip + 6-character prefix): cheap enough to run per sentence
# per question, and the prefix also matches many French/English cognates (« ministre »/"minister").
# Here, below the assistant, because the index learns cross-language equivalents between stems too.
_STEM_SUFFIXES = (
    "ements", "ement", "ations", "ation", "ings", "ing", "ies", "ied", "ees", "ee", "es", "ed",
    "s", "x", "e",
)


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Crude language-agnostic stem of a folded token (see above)."""
    if token.isdigit() or len(token) <= 3:
        return token
    for suffix in _STEM_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            token = token[: -len(suffix)]
            break
    return token[:6]
