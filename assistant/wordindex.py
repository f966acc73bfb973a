"""A release's words for "does it say this?" checks: folded once, scanned per question term.

Used by sentence scoring (release-level coverage) and by the abstention signals (are the question's
names and numbers in the cited releases?).
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Mapping

from communique.assistant.text import fold
from communique.index.models import Release


class WordIndex:
    """A release's folded text, for "does a word start with this stem?".

    Folded once per release (and cached a little); each look-up is then one C-level regex scan.
    Tokenising whole releases into sets was slower than scanning for the few question terms.
    """

    __slots__ = ("folded", "joined", "_memo", "_letters")

    def __init__(self, text: str) -> None:
        self.folded = fold(text)
        self.joined: str | None = None  # digit groups joined ("600 000" -> "600000"), made on demand
        self._memo: dict[str, bool] = {}
        self._letters: str | None = None

    @property
    def letters(self) -> str:
        """The folded text with every non-letter a space, for whole-phrase look-ups ("nova scotia")."""
        if self._letters is None:
            self._letters = re.sub(r"[^a-z]+", " ", self.folded)
        return self._letters

    def has(self, stem_: str) -> bool:
        found = self._memo.get(stem_)
        if found is None:
            if stem_.isdigit():
                if self.joined is None:
                    # "600 000" and "600,000" → "600000"; "9.8" and « 9,8 » → "98", as the tokenizer writes them
                    self.joined = _DECIMAL_MARK.sub("", _DIGIT_GROUPS.sub("", self.folded))
                found = re.search(rf"(?<![\d.,]){stem_}(?![\d])", self.joined) is not None
            else:
                found = re.search(rf"\b{re.escape(stem_)}", self.folded) is not None
            self._memo[stem_] = found
        return found


_DIGIT_GROUPS = re.compile(r"(?<=\d)[\s\u00a0\u202f,](?=\d{3}\b)")
_DECIMAL_MARK = re.compile(r"(?<=\d)[.,](?=\d)")
_WORD_INDEXES: "OrderedDict[tuple[str, int, int], WordIndex]" = OrderedDict()
_WORD_INDEX_LOCK = threading.Lock()


def word_index(release: Release) -> WordIndex:
    """The WordIndex of a release's title, date, issuer and speaker fields and text (first 100,000
    characters), from a small LRU cache."""
    # the release's own date counts as its text: "in September 2024" is answered by a release of that date
    text = (release.title + "\n" + (release.date or "").replace("-", " ") + "\n" + _record_fields(release) + "\n"
            + release.text[:100_000])
    key = (release.id, len(text), hash(text))
    with _WORD_INDEX_LOCK:
        cached = _WORD_INDEXES.get(key)
        if cached is not None:
            _WORD_INDEXES.move_to_end(key)
            return cached
    built = WordIndex(text)
    with _WORD_INDEX_LOCK:
        _WORD_INDEXES[key] = built
        while len(_WORD_INDEXES) > 256:
            _WORD_INDEXES.popitem(last=False)
    return built


# Who issued and who speaks are the record's words too: "…, according to the National Battlefields
# Commission?" is asked of a release whose text never names its department.
# (Adding the record's `location` changed no dev answer: left out.)
RECORD_FIELDS = ("department", "ministere", "organization", "minister", "speaker")


def _record_fields(release: Release) -> str:
    meta = release.metadata if isinstance(release.metadata, dict) else {}
    return "\n".join(v[:300] for k in RECORD_FIELDS if isinstance(v := meta.get(k), str) and v.strip())


def release_coverage(release: Release, weights: Mapping[str, float],
                     translations: Mapping[str, frozenset[str]] | None = None) -> float:
    """Weighted share of the terms found anywhere in the release (title and text); with
    `translations` (for a release in the other language), a term's equivalents count too."""
    total = sum(weights.values())
    if not total:
        return 0.0
    words = word_index(release)
    alternatives = translations or {}
    return sum(w for s, w in weights.items()
               if words.has(s) or any(words.has(a) for a in alternatives.get(s, ()))) / total
