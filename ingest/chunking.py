"""Sentence-aware chunks with exact character offsets into the cleaned release text.

Sentences are `index.sentences` (one splitter for chunks and quotes). Chunks pack whole
sentences up to a token budget and repeat a few whole trailing sentences
of the previous chunk (overlap), so a fact that straddles two chunks is found whole in one.
A sentence is only cut (at spaces) when it alone exceeds the budget.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable

from communique.index.models import Chunk, Release
from communique.index.sentences import split_sentences

TokenCounter = Callable[[str], int]

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
