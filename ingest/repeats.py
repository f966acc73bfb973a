"""Remove passages that a scraper pasted twice.

Scraped releases repeat text: a whole paragraph again, or the tail of the previous paragraph
glued in front of the next one, sometimes with a word or two lost in the copy (the seed release
has all three). A repeat is removed when, compared word by word (case-insensitive, punctuation
ignored, up to 3 dropped words tolerated at a time):

* it covers at least `min_words` words,
* it starts a line or a sentence in the new place, and
* it ends at a sentence end (``. ! ? …``) both where it was copied from and in the new place.

The sentence-end rule is what keeps legitimate repeats: an attribution line such as
"- The Minister of Health, the Honourable X" repeats words of the lead sentence, but the lead
continues after them, so it is not a copied sentence. Short repeats (headings, "-30-", names)
are never touched. Copies are looked for in the previous `window_words` words (scraping noise
is local), which keeps memory and time linear on very long texts; exact repeats of whole
sentence-ending lines are found anywhere.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

_TOKEN = r"\d+(?:[.,]\d+)*|\w+"
_FIRST_WORD = re.compile(r"\w")
_TOKEN_GAP = re.compile(rf"({_TOKEN})(\W*)")
_SENTENCE_END = re.compile(r"[.!?…]")
_GRAM = 3
_MAX_GAP = 3
_MAX_CANDIDATES = 32
_CUT_TAIL = re.compile(r"[.!?…]*[\"”’»)\]]*[.!?…]*\s*")


@dataclass
class _Line:
    """Tokens of one line with where they sit, which end a sentence, and a trigram index."""

    text: str
    norm: list[str]
    spans: list[tuple[int, int]]
    ends: list[bool]
    grams: dict[tuple[str, ...], list[int]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> "_Line":
        first = _FIRST_WORD.search(text)
        if first is None:
            return cls(text, [], [], [], {})
        pairs = _TOKEN_GAP.findall(text, first.start())
        norm = [tok.casefold() for tok, _ in pairs]
        # Tokens and the gaps after them tile the line, so offsets are running sums.
        spans: list[tuple[int, int]] = []
        ends: list[bool] = []
        pos = first.start()
        for tok, gap in pairs:
            end = pos + len(tok)
            spans.append((pos, end))
            ends.append(bool(gap) and _SENTENCE_END.search(gap) is not None)
            pos = end + len(gap)
        grams: dict[tuple[str, ...], list[int]] = {}
        for k, gram in enumerate(zip(norm, norm[1:], norm[2:])):
            grams.setdefault(gram, []).append(k)
        return cls(text, norm, spans, ends, grams)


def remove_repeats(text: str, *, min_words: int = 8, window_words: int = 5000) -> str:
    """Return `text` without passages copied from earlier in it (see the module docstring)."""
    window: deque[_Line] = deque()
    window_size = 0
    seen_lines: set[int] = set()
    out: list[str] = []
    for raw in text.split("\n"):
        if not raw.strip():
            out.append(raw)
            continue
        line = _Line.parse(raw)
        key = hash(" ".join(line.norm))
        if len(line.norm) >= min_words and line.ends and line.ends[-1] and key in seen_lines:
            continue  # an exact copy of an earlier sentence-ending line, however far back
        kept = _strip_copies(line, window, min_words)
        if kept.strip():
            out.append(kept)
        if len(line.norm) >= min_words and line.ends and line.ends[-1]:
            seen_lines.add(key)
        window.append(line)
        window_size += len(line.norm)
        while window_size > window_words and len(window) > 1:
            window_size -= len(window.popleft().norm)
    return "\n".join(out)


def _strip_copies(line: _Line, window: deque[_Line], min_words: int) -> str:
    """Cut from `line` every copied run; returns the remaining text of the line."""
    cuts: list[tuple[int, int]] = []
    n = len(line.norm)
    i = 0
    while i + _GRAM <= n:
        if i == 0 or line.ends[i - 1]:
            end = _longest_copy(line, i, window, min_words)
            if end is not None:
                start_char = 0 if i == 0 else line.spans[i][0]
                tail = _CUT_TAIL.match(line.text, line.spans[end][1])
                end_char = tail.end() if tail else line.spans[end][1]
                cuts.append((start_char, end_char))
                i = end + 1
                continue
        i += 1
    if not cuts:
        return line.text
    pieces, pos = [], 0
    for start, end in cuts:
        pieces.append(line.text[pos:start])
        pos = end
    pieces.append(line.text[pos:])
    return "".join(pieces).strip()


def _longest_copy(line: _Line, i: int, window: deque[_Line], min_words: int) -> int | None:
    """Index of the last token of the longest copied run starting at token `i`, if any."""
    key = tuple(line.norm[i:i + _GRAM])
    best: int | None = None
    sources = list(window) + [line]
    for source in sources:
        positions = source.grams.get(key)
        if not positions:
            continue
        limit = i if source is line else len(source.norm)
        for j in positions[-_MAX_CANDIDATES:]:
            if j + _GRAM > limit:
                continue
            end = _extend(line, i, source, j, limit, min_words)
            if end is not None and (best is None or end > best):
                best = end
    return best


def _extend(tgt: _Line, a: int, src: _Line, b: int, src_limit: int, min_words: int) -> int | None:
    """Walk both token lists in step, skipping small gaps; last target index at a joint sentence end."""
    t, s = tgt.norm, src.norm
    n = len(t)
    matched = skips = 0
    best: int | None = None
    while a < n and b < src_limit:
        if t[a] == s[b]:
            matched += 1
            if matched >= min_words and tgt.ends[a] and src.ends[b]:
                best = a
            a += 1
            b += 1
            continue
        for d in range(1, _MAX_GAP + 1):
            if _agree(s, b + d, src_limit, t, a, n):  # words dropped from the copy
                b += d
                break
            if _agree(t, a + d, n, s, b, src_limit):  # words added in the copy
                a += d
                break
        else:
            break
        skips += 1
        if skips * 4 > matched:  # more gaps than a sloppy copy would have: not a copy
            break
    return best


def _agree(x: list[str], p: int, x_limit: int, y: list[str], q: int, y_limit: int) -> bool:
    """Two words in a row agree (one when either list ends there), so a skip is not a coincidence."""
    if p >= x_limit or q >= len(y) or q >= y_limit or x[p] != y[q]:
        return False
    if p + 1 >= x_limit or q + 1 >= y_limit:
        return True
    return x[p + 1] == y[q + 1]
