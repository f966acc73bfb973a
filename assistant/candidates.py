"""Candidate sentences for an answer: around the retrieved chunks, the ledes, the best release whole.

Offsets stay into the release text (every quote is checked verbatim), and each candidate keeps the
hit of the chunk that contains it, so its citation names the right passage.
"""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Callable, Mapping

from communique.assistant.extractive import Sentence
from communique.assistant.text import Span, split_sentences, words_key
from communique.index.models import Chunk, Hit, Release

WINDOW = 400  # characters looked at around a chunk so its edge sentences are whole
WHOLE_RELEASES = int(os.environ.get("COMMUNIQUE_WHOLE_RELEASES", "1"))  # read whole, beyond their chunks
WHOLE_CHARS = 12_000  # … when no longer than this
WHOLE_SENTENCES = 80
SUBTITLE = 200  # a first paragraph shorter than this is a subtitle, not the lede


def collect(hits: list[Hit], releases: Mapping[str, Release],
            chunks_of: Callable[[str], list[Chunk]] | None = None, lede_releases: int = 4) -> list[Sentence]:
    """Whole sentences around each retrieved chunk, deduplicated, in retrieval order; plus the
    opening paragraph (the lede) of the best `lede_releases` releases when `chunks_of` is given.

    Chunks of one release overlap, so their windows are merged and each release text is
    split once. The lede is added because a release states its news there ("B.C. is investing
    $10 million in the new FireSmart Economic Recovery Fund…") while the retrieved chunk is often
    the quotes or the backgrounder further down (dev split: the fact-bearing sentence was outside
    every retrieved chunk in most cross-language misses).
    """
    spans_by_release = _sentence_spans(hits, releases)
    out: list[Sentence] = []
    taken: dict[str, set[int]] = {}
    keys: dict[str, list[str]] = {}
    for hit in hits:
        spans = spans_by_release.get(hit.release_id)
        if not spans:
            continue
        first_para_end = _first_paragraph_end(releases[hit.release_id].text)
        starts = taken.setdefault(hit.release_id, set())
        seen = keys.setdefault(hit.release_id, [])
        for span in spans:
            if span.start in starts or not _belongs_to(span, hit):
                continue
            starts.add(span.start)
            key = words_key(span.text)
            if len(key) < 3 or any(key in k for k in seen):
                continue  # scraped releases repeat fragments of their own paragraphs
            seen.append(key)
            out.append(Sentence(hit, span.start, span.end, span.text, lead=span.start <= first_para_end))
    if chunks_of is not None:
        out += _ledes(hits, releases, chunks_of, taken, keys, lede_releases)
    return out


def _sentence_spans(hits: list[Hit], releases: Mapping[str, Release]) -> dict[str, list[Span]]:
    """Each release's sentences around its retrieved chunks (windows merged, the text split once)."""
    by_release: dict[str, list[Hit]] = {}
    for hit in hits:
        release = releases.get(hit.release_id)
        if release is None or release.text[hit.start : hit.end] != hit.text:
            continue  # index out of step with its store: never quote what we cannot verify
        by_release.setdefault(hit.release_id, []).append(hit)
    spans_by_release: dict[str, list[Span]] = {}
    for rid, rhits in by_release.items():
        text = releases[rid].text
        windows = sorted((max(0, h.start - WINDOW), min(len(text), h.end + WINDOW)) for h in rhits)
        merged: list[list[int]] = []
        for lo, hi in windows:
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        spans_by_release[rid] = [span for lo, hi in merged for span in split_sentences(text, lo, hi)]
    return spans_by_release


def _belongs_to(span: Span, hit: Hit) -> bool:
    """Mostly inside this chunk (else it belongs to a neighbour)."""
    if span.end <= hit.start or span.start >= hit.end:
        return False
    inside = min(span.end, hit.end) - max(span.start, hit.start)
    return inside >= 0.5 * (span.end - span.start) or inside >= 0.5 * (hit.end - hit.start)


def _ledes(hits: list[Hit], releases: Mapping[str, Release], chunks_of: Callable[[str], list[Chunk]],
           taken: dict[str, set[int]], keys: dict[str, list[str]], limit: int) -> list[Sentence]:
    out: list[Sentence] = []
    firsts: dict[str, Hit] = {}
    for hit in hits:
        if hit.release_id in releases and hit.release_id not in firsts:
            firsts[hit.release_id] = hit
    for i, (rid, best) in enumerate(list(firsts.items())[:limit]):
        release = releases[rid]
        end = _first_paragraph_end(release.text)
        if i < WHOLE_RELEASES and len(release.text) <= WHOLE_CHARS:
            end = len(release.text)  # the best releases are read whole (sentence-window at release level)
        spans = [sp for sp in split_sentences(release.text, 0, min(len(release.text), end + 400))
                 if sp.start <= end and sp.text.strip() != release.title.strip()]
        spans = spans[:3] if end < len(release.text) else spans[:WHOLE_SENTENCES]
        if not spans:
            continue
        chunks = chunks_of(rid)
        for span in spans:
            if span.start in taken.setdefault(rid, set()):
                continue
            key = words_key(span.text)
            seen = keys.setdefault(rid, [])
            if len(key) < 3 or any(key in k for k in seen):
                continue
            chunk = next((c for c in chunks if c.start <= span.start and span.end <= c.end), None)
            if chunk is None or release.text[chunk.start : chunk.end] != chunk.text:
                continue
            seen.append(key)
            taken[rid].add(span.start)
            hit = replace(best, chunk_id=chunk.id, start=chunk.start, end=chunk.end, text=chunk.text)
            out.append(Sentence(hit, span.start, span.end, span.text, lead=True))
    return out


def _first_paragraph_end(text: str) -> int:
    """End of the lede: the first paragraph, or the first two when the first is only a subtitle
    (a line of under 200 characters above the dateline, as CNW copies carry)."""
    head_start = len(text) - len(text.lstrip())
    cut = text.find("\n\n", head_start + 40, head_start + 600)
    if 0 <= cut < head_start + SUBTITLE:
        following = text.find("\n\n", cut + 40, cut + 600)
        return following if following >= 0 else min(len(text), cut + 400)
    return cut if cut >= 0 else min(len(text), head_start + 400)
