"""From a Draft to the extractive Answer: quotes in the asker's language, the value they hold first.

Kept apart from `assistant.py` (which orchestrates retrieval, follow-ups and the LLM) so that the
writing of an answer — which quote, in which language, opened by which value — reads in one place.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from assistant.crosslang import counterpart
from assistant.extractive import Sentence
from assistant.models import Answer, Citation, Draft, Lead, Source
from assistant.overview import overview_answer, wants_overview
from assistant.render import Piece, compose, date_range, message, not_found
from assistant.shape import (Cited, defuse, is_yes_no, lead_value, list_items, quoted_list, speakers, wants_list,
                             yes_no)
from assistant.text import Span
from index.models import Release

log = logging.getLogger(__name__)


def extractive_answer(source: Source, draft: Draft, notice: str | None, *, suggestions: int = 3) -> Answer:
    q = draft.question
    if wants_overview(draft):
        answer = overview_answer(source, draft, notice)
        if answer is not None:
            return answer
    if draft.abstained:
        return not_found_answer(source, draft, notice, suggestions=suggestions)
    pieces: list[Piece] = []
    citations: list[Citation] = []
    cited: list[Cited] = []
    for sent in draft.chosen:
        quoted = in_answer_language(source, sent, draft)
        if quoted is None:
            continue
        release, span, chunk_id = quoted
        if release.text[span.start : span.end] != span.text:  # the invariant, checked on every quote
            log.error("quote mismatch in %s at %d-%d; dropped", release.id, span.start, span.end)
            continue
        if any(c.release_id == release.id and c.start == span.start for c in citations):
            continue  # the same sentence reached twice (a chunk and its translation): quoted once
        n = len(citations) + 1
        citation = Citation(n=n, release_id=release.id, chunk_id=chunk_id, title=release.title, date=release.date,
                            url=release.url, lang=release.lang, quote=span.text, start=span.start, end=span.end,
                            source=release.source)
        citations.append(citation)
        cited.append(Cited(citation, release, sent.score))
        pieces.append(Piece(defuse(span.text), n, release.id, release.lang, release.date, release.title))
    if not citations:
        return not_found_answer(source, replace(draft, abstained=True), notice, suggestions=suggestions)
    body = compose(pieces, q.lang)
    stems = frozenset(draft.terms.weights)
    lead: Lead | None = None
    items: list[Lead] = []
    form = "quote"
    if q.kind in ("person", "who_said") and wants_list(q.text):
        items = list_items(q.text, cited)
        if quoted_list(q.text):
            items = _speakers(source, draft, citations, cited, pieces) or items
            body = compose(pieces, q.lang)
    if items:
        form = "list"
        body = "\n".join(f"- **{defuse(i.shown)}** [{i.n}]" for i in items) + "\n\n" + body
    elif is_yes_no(q.text):
        lead = yes_no(q.text, cited, q.lang)
        if lead is None:
            extra = _settling_sentence(source, draft, citations)
            if extra is not None:
                citations.append(extra.citation)
                cited.append(extra)
                lead = yes_no(q.text, [extra], q.lang)
                pieces.append(Piece(defuse(extra.citation.quote), extra.citation.n, extra.release.id,
                                    extra.release.lang, extra.release.date, extra.release.title))
                body = compose(pieces, q.lang)
        if lead is not None:
            form = "yes_no"
            body = f"**{lead.shown}.** {body}"
    else:
        lead = lead_value(q.kind, q.text, cited, q.lang, stems)
        if lead is not None:
            form = "value"
            body = f"**{defuse(lead.shown)}** — {body}"
    if draft.widened:
        widened = message(q.lang, "widened", range=date_range(q.date_from, q.date_to, q.lang))
        notice = f"{notice} {widened}" if notice else widened
    return Answer(text=body, language=q.lang, abstained=False, citations=citations, presented=list(draft.hits),
                  notice=notice, question=q.text, resolved_question=draft.resolution.query, lead=lead, items=items,
                  form=form)


def in_answer_language(source: Source, sent: Sentence, draft: Draft) -> tuple[Release, Span, str] | None:
    """The quote to show: the sentence itself, or its counterpart in the asker's language."""
    release = draft.releases.get(sent.release_id)
    if release is None:
        return None
    span = Span(sent.start, sent.end, sent.text)
    q = draft.question
    if sent.lang == q.lang or not sent.hit.translations or draft.source_lang:
        return release, span, sent.hit.chunk_id  # (sources restricted to one language: quote those)
    for tid in sent.hit.translations:
        target = draft.releases.get(tid) or source.release(tid)
        if target is None or target.lang != q.lang:
            continue
        match = counterpart(release.text, span, target.text, frozenset(draft.terms.weights))
        if match is None:
            continue
        chunk_id = chunk_containing(source, tid, match.span)
        if chunk_id is None:
            continue
        draft.releases.setdefault(tid, target)
        return target, match.span, chunk_id
    return release, span, sent.hit.chunk_id


def not_found_answer(source: Source, draft: Draft, notice: str | None, *, suggestions: int = 3) -> Answer:
    q = draft.question
    listed: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for hit in draft.hits:
        key = hit.pair_id or hit.release_id
        if key in seen:
            continue
        seen.add(key)
        title = hit.title
        if hit.lang != q.lang:
            for tid in hit.translations:
                other = draft.releases.get(tid) or source.release(tid)
                if other is not None and other.lang == q.lang and other.title:
                    title = other.title
                    break
        listed.append((defuse(title or hit.release_id), hit.date))
        if len(listed) >= suggestions:
            break
    dated = date_range(q.date_from, q.date_to, q.lang) if draft.dated and not draft.widened else None
    text = not_found(q.lang, listed, dated=dated, nothing=not draft.hits and not dated)
    return Answer(text=text, language=q.lang, abstained=True, citations=[], presented=list(draft.hits),
                  notice=notice, question=q.text, resolved_question=draft.resolution.query, form="not_found")


def chunk_containing(source: Source, release_id: str, span: Span) -> str | None:
    chunks = source.chunks_of(release_id)
    for chunk in chunks:
        if chunk.start <= span.start and span.end <= chunk.end:
            return chunk.id
    for chunk in chunks:
        if chunk.start <= span.start < chunk.end:
            return chunk.id
    return None


def _probe(source: Source, draft: Draft, sent: Sentence, n: int) -> Cited | None:
    """A candidate sentence as a citation numbered `n` (in the asker's language where it can be)."""
    quoted = in_answer_language(source, sent, draft)
    if quoted is None:
        return None
    release, span, chunk_id = quoted
    if release.text[span.start : span.end] != span.text:
        return None
    return Cited(Citation(n=n, release_id=release.id, chunk_id=chunk_id, title=release.title, date=release.date,
                          url=release.url, lang=release.lang, quote=span.text, start=span.start, end=span.end,
                          source=release.source), release, sent.score)


def _speakers(source: Source, draft: Draft, citations: list[Citation], cited: list[Cited],
              pieces: list[Piece]) -> list[Lead]:
    """"Which ministers are quoted …?": every speaker of the best release, each line cited to the
    sentence that names them (added to the citations when not already quoted)."""
    probes = [p for p in (_probe(source, draft, s, 0) for s in draft.pool) if p is not None]
    items = []
    for item in speakers(cited, cited + probes):
        known = next((c for c in citations if c.release_id == item.release_id and c.start <= (item.start or -1) < c.end),
                     None)
        if known is None:
            probe = next(p for p in probes if p.citation.start <= (item.start or -1) < p.citation.end)
            known = replace(probe.citation, n=len(citations) + 1)
            citations.append(known)
            cited.append(Cited(known, probe.release, probe.score))
            pieces.append(Piece(defuse(known.quote), known.n, probe.release.id, probe.release.lang,
                                probe.release.date, probe.release.title))
        items.append(replace(item, n=known.n))
    return items


def _settling_sentence(source: Source, draft: Draft, citations: list[Citation]) -> Cited | None:
    """A candidate not chosen that settles a yes/no question ("Both rates are two cents lower"), from a
    release already cited: the next citation to add."""
    q = draft.question
    releases = {c.release_id for c in citations}
    for sent in draft.pool:
        if sent.release_id not in releases or any(c.release_id == sent.release_id and c.start == sent.start
                                                  for c in citations):
            continue
        probe = _probe(source, draft, sent, len(citations) + 1)
        if probe is not None and yes_no(q.text, [probe], q.lang) is not None:
            return probe
    return None
