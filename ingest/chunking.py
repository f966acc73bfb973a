"""Sentence-aware chunks with exact character offsets into the cleaned release text.

Chunks pack whole sentences up to a token budget and repeat a few whole trailing sentences
of the previous chunk (overlap), so a fact that straddles two chunks is found whole in one.
A sentence is only cut (at spaces) when it alone exceeds the budget.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable

from index.models import Chunk, Release

TokenCounter = Callable[[str], int]

# Words after which a period does not end a sentence even before a capital ("M. Joly", "Dr. Henry").
ABBREVIATIONS = frozenset(
    """M MM Mme Mmes Mlle Mlles Dr Dre Drs Pr Pre Me St Ste Sts Mr Mrs Ms Messrs Prof Hon hon Rév Rev
    Jr Sr ex cf éd env Gen Gén Lt Col Capt Sgt Cpl Adj
    Maj Cmdr Sen Sén Rep Gov Gouv Atty Supt Insp Const Cst Sask Man Ont Qué Alta Nfld approx tél Tél
    Tel av Av boul Boul ch bur vs v c.-à-d i.e e.g E.-U U.S U.K B.C C.-B Î.-P.-É N.-B N.-É T.-N.-L
    jan janv fév févr avr juil sept oct nov déc Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec""".split()
)
# Abbreviations only before a number ("No. 5", "p. 12"): elsewhere they can end a sentence.
NUMBER_ABBREVIATIONS = frozenset("No no Nos nos N° art Art p pp vol Vol fig Fig ch Ch".split())
_END = re.compile(r"[.!?…]+(?:[»”\"’)\]]| [»”])*(?=\s)")
_OPENERS = set("«“\"‘'([—–-•¿¡")
_LIST_MARKER = re.compile(r"^(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,5})[.)]$")
_WORD_BEFORE = re.compile(r"(\S+?)[.!?…]+$")
_TIMEZONE_NEXT = re.compile(r"(?:[A-Z]{1,4}T|HE|HNE|HAE|Eastern|Pacific|Central|Mountain|Atlantic|Newfoundland)\b")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; spans exclude surrounding whitespace and never overlap.

    Boundaries: blank lines; line breaks unless the next line continues in lower case; and
    `. ! ? …` (with closing quotes) followed by a capital, a digit or an opening quote/dash,
    except after abbreviations, initials and list markers.
    """
    cuts: list[int] = []
    n = len(text)
    for m in _END.finditer(text):
        end = m.end()
        nxt = end
        while nxt < n and text[nxt].isspace():
            nxt += 1
        if nxt >= n:
            continue
        if "\n" in text[end:nxt]:
            continue  # handled with the line breaks below
        c = text[nxt]
        if not (c.isupper() or c.isdigit() or c in _OPENERS):
            continue
        if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(text, m.start(), nxt):
            continue
        cuts.append(end)
    for m in re.finditer(r"\n\s*", text):
        nxt = m.end()
        if nxt >= n:
            continue
        if m.group().count("\n") == 1 and text[nxt].islower():
            prev = text[max(0, m.start() - 1)]
            if prev not in ".!?…:»”":
                continue  # a wrapped line: the sentence goes on
        cuts.append(m.start())
    cuts.sort()

    spans: list[tuple[int, int]] = []
    pos = 0
    for cut in [*cuts, n]:
        if cut < pos:
            continue
        start, end = _trim(text, pos, cut)
        if start < end:
            spans.append((start, end))
        pos = cut
    return _merge_markers(text, spans)


def _is_abbreviation(text: str, dot: int, nxt: int) -> bool:
    m = _WORD_BEFORE.search(text, max(0, dot - 40), dot + 1)
    if not m:
        return False
    word = m.group(1).lstrip("(«\"“'")
    if word.lower() in ("a.m", "p.m"):  # "at 10 a.m. ET the…" goes on; "at 5 p.m. Staff…" does not
        return _TIMEZONE_NEXT.match(text, nxt) is not None
    if word in ABBREVIATIONS:
        return True
    if word in NUMBER_ABBREVIATIONS and text[nxt].isdigit():
        return True
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith"
    if re.fullmatch(r"(?:\w\.)+\w", word):
        return True  # "U.S.", "B.C.", "p.ex."
    return False


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _merge_markers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A "sentence" that is only a list marker ("1.", "a)") belongs to the sentence after it."""
    out: list[tuple[int, int]] = []
    carry: int | None = None
    for start, end in spans:
        if carry is not None:
            start, carry = carry, None
        if end - start <= 6 and _LIST_MARKER.match(text[start:end]):
            carry = start
            continue
        out.append((start, end))
    if carry is not None:
        out.append((carry, spans[-1][1]))
    return out


def estimate_tokens(text: str) -> int:
    """Cheap stand-in for a subword tokenizer: about 1.3 tokens per word."""
    return math.ceil(len(text.split()) * 1.3)


def chunk_release(
    release: Release,
    *,
    max_tokens: int = 200,
    overlap_tokens: int = 40,
    count_tokens: TokenCounter | None = None,
) -> list[Chunk]:
    """Chunks of `release.text` with `chunk.text == release.text[chunk.start:chunk.end]`."""
    if max_tokens <= 0:
        raise ValueError("max_tokens must be positive")
    count = count_tokens or estimate_tokens
    text = release.text
    units = _units(text, split_sentences(text), count, max_tokens)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and (j == i or total + units[j][2] <= max_tokens):
            total += units[j][2]
            j += 1
        spans.append((units[i][0], units[j - 1][1]))
        if j >= len(units):
            break
        # Whole trailing sentences as overlap, but never so many that the next chunk cannot
        # also take the next new sentence (it would only repeat the previous chunk).
        k, overlap, following = j, 0, units[j][2]
        while (k - 1 > i and overlap + units[k - 1][2] <= overlap_tokens
               and overlap + units[k - 1][2] + following <= max_tokens):
            k -= 1
            overlap += units[k][2]
        i = k
    return [
        Chunk(id=Chunk.make_id(release.id, s, e), release_id=release.id, start=s, end=e,
              text=text[s:e], lang=release.lang)
        for s, e in spans
    ]


def _units(text: str, sentences: list[tuple[int, int]], count: TokenCounter, max_tokens: int
           ) -> list[tuple[int, int, int]]:
    """(start, end, tokens) per sentence; a sentence over budget becomes word-boundary pieces."""
    baseline = max(0, count(""))  # special tokens a real tokenizer adds to every call
    units: list[tuple[int, int, int]] = []
    for start, end in sentences:
        tokens = max(1, count(text[start:end]) - baseline)
        if tokens <= max_tokens:
            units.append((start, end, tokens))
            continue
        piece_start, piece_tokens, piece_end = None, 0, start
        for w in re.finditer(r"\S+", text[start:end]):
            ws, we = start + w.start(), start + w.end()
            wt = max(1, count(w.group()) - baseline)
            if piece_start is not None and piece_tokens + wt > max_tokens:
                units.append((piece_start, piece_end, piece_tokens))
                piece_start, piece_tokens = None, 0
            if piece_start is None:
                piece_start = ws
            piece_tokens += wt
            piece_end = we
        if piece_start is not None:
            units.append((piece_start, piece_end, piece_tokens))
    return units
