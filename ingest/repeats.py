"""Remove text that a scraper pasted twice: the tail of one paragraph glued before the next.

The seed release shows the pattern four times: a paragraph starts with a copy of the end of
the paragraph before it (often starting mid-sentence, sometimes with a word or two lost in
the copy), then goes on with new text. Only that pattern is removed. A copy is cut when,
comparing words (case-insensitive, punctuation ignored, up to 3 dropped words tolerated at a
time):

* it starts the line and copies the *tail* of the line just before it,
* it covers at least `min_words` words (one-letter tokens not counted) and ends at a sentence
  end (``. ! ? …``) both in the copy and in its source, and
* the line goes on after the copy, or the copy starts mid-sentence (a fragment, which cannot
  be a list item of its own).

Repeats elsewhere are kept on purpose. The development corpus is full of legitimate ones:
list items that repeat a template sentence ("An individual aged 20-29 in Zone 2 (south)." twice
means two cases), the same notice under each community, pull quotes, attribution lines
after quotes. Dropping those would change facts; the glued-tail pattern never occurs in them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = r"\d+(?:[.,]\d+)*|\w+"
_FIRST_WORD = re.compile(r"\w")
_TOKEN_GAP = re.compile(rf"({_TOKEN})(\W*)")
_WORDS = re.compile(_TOKEN)
_SENTENCE_END = re.compile(r"[.!?…][\"”’»)\]]*\s")
_LINE_END = re.compile(r"^\W*?[.!?…]\W*$")
_CUT_TAIL = re.compile(r"[.!?…]*[\"”’»)\]]*[.!?…]*\s*")
_GRAM = 3
_MAX_GAP = 3


@dataclass
class _Line:
    """The words of one line (lower-cased), which of them end a sentence, and their offsets."""

    text: str
    norm: list[str]
    ends: list[bool]
    offset: int
    pairs: list[tuple[str, str]]

    @classmethod
    def parse(cls, text: str) -> "_Line":
        first = _FIRST_WORD.search(text)
        start = first.start() if first else len(text)
        pairs = _TOKEN_GAP.findall(text, start)
        norm = [tok.casefold() for tok, _ in pairs]
        # A sentence ends at . ! ? … followed by a space (closing quotes allowed), or at the line's
        # end: "Canada.ca" and "P.C., C.C." do not end sentences.
        ends = [bool(gap) and _SENTENCE_END.search(gap) is not None for _, gap in pairs]
        if pairs and _LINE_END.match(pairs[-1][1]):
            ends[-1] = True
        return cls(text, norm, ends, start, pairs)

    def token_end(self, index: int) -> int:
        """Character offset just after token `index` (tokens and gaps tile the line)."""
        pos = self.offset
        for tok, gap in self.pairs[:index]:
            pos += len(tok) + len(gap)
        return pos + len(self.pairs[index][0])


def remove_repeats(text: str, *, min_words: int = 8) -> str:
    """Return `text` without copied paragraph tails (see the module docstring)."""
    previous: tuple[str, list[str]] | None = None  # last non-empty line and its words
    out: list[str] = []
    for raw in text.split("\n"):
        if not raw.strip():
            out.append(raw)
            continue
        words = _WORDS.findall(raw.casefold())
        kept = raw
        if previous is not None and len(words) >= _GRAM and _shares_start(words, previous[1]):
            line = _Line.parse(raw)
            end = _copied_prefix(line, _Line.parse(previous[0]), min_words)
            if end is not None:
                tail = _CUT_TAIL.match(raw, line.token_end(end))
                kept = raw[tail.end() if tail else line.token_end(end):].strip()
        if kept:
            out.append(kept)
        previous = (raw, words)
    return "\n".join(out)


def _shares_start(words: list[str], before: list[str]) -> bool:
    """Cheap test: do the first three words of a line occur in the line before?"""
    key = words[:_GRAM]
    pos = -1
    while True:
        try:
            pos = before.index(key[0], pos + 1)
        except ValueError:
            return False
        if before[pos:pos + _GRAM] == key:
            return True


def _copied_prefix(line: _Line, source: _Line, min_words: int) -> int | None:
    """Index of the last word of a copied paragraph tail that starts `line`, if there is one."""
    if len(line.norm) < _GRAM:
        return None
    key = line.norm[:_GRAM]
    best: int | None = None
    s = source.norm
    for j in range(len(s) - _GRAM + 1):
        if s[j] != key[0] or s[j:j + _GRAM] != key:
            continue
        end = _extend(line, source, j, min_words)
        if end is None:
            continue
        fragment = j > 0 and not source.ends[j - 1]
        glued = end < len(line.norm) - 1
        if (fragment or glued) and (best is None or end > best):
            best = end
    return best


def _extend(tgt: _Line, src: _Line, b: int, min_words: int) -> int | None:
    """Walk both lines in step from (0, b), skipping small gaps; the copy must reach `src`'s end."""
    t, s = tgt.norm, src.norm
    n, m = len(t), len(s)
    a = matched = skips = 0
    while a < n and b < m:
        if t[a] == s[b]:
            matched += len(t[a]) > 1  # single letters ("l'", initials) are not words
            if b == m - 1:  # the source line's last word: the copy must end here
                ok = matched >= min_words and tgt.ends[a] and src.ends[b]
                return a if ok else None
            a += 1
            b += 1
            continue
        for d in range(1, _MAX_GAP + 1):
            if _agree(s, b + d, t, a):  # words dropped from the copy
                b += d
                break
            if _agree(t, a + d, s, b):  # words added in the copy
                a += d
                break
        else:
            return None
        skips += 1
        if skips * 4 > matched:  # more gaps than a sloppy copy would have: not a copy
            return None
    return None


def _agree(x: list[str], p: int, y: list[str], q: int) -> bool:
    """Two words in a row agree (one when either list ends there), so a skip is not a coincidence."""
    if p >= len(x) or q >= len(y) or x[p] != y[q]:
        return False
    if p + 1 >= len(x) or q + 1 >= len(y):
        return True
    return x[p + 1] == y[q + 1]
