"""From a Draft to the extractive Answer: quotes in the asker's language, the value they hold first.

Kept apart from `assistant.py` (which orchestrates retrieval, follow-ups and the LLM) so that the
writing of an answer — which quote, in which language, opened by which value — reads in one place.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from communique.assistant.attribution import naming_sentence, speaker_of
from communique.assistant.crosslang import adds_information, counterpart, loses_information
from communique.assistant.extractive import Sentence
from communique.assistant.models import Answer, Citation, Draft, Lead, Source
from communique.assistant.overview import overview_answer, wants_overview
from communique.assistant.render import Piece, compose, date_range, message, not_found
from communique.assistant.shape import (
    QUOTE_OR_SPEECH,
    Cited,
    defuse,
    is_yes_no,
    lead_value,
    list_items,
    quoted_list,
    speakers,
    wants_list,
    yes_no,
)
from communique.assistant.text import Span, fold, split_sentences
from communique.assistant.values import full_name
from communique.index.models import Release

log = logging.getLogger(__name__)


@dataclass
class Quotes:
    """The citations of an answer as they are added, with what shaping needs of each."""

    citations: list[Citation] = field(default_factory=list)
    cited: list[Cited] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)

    def add(self, item: Cited) -> Citation:
        citation = replace(item.citation, n=len(self.citations) + 1)
        release = item.release
        self.citations.append(citation)
        self.cited.append(Cited(citation, release, item.score))
        self.pieces.append(Piece(defuse(citation.quote), citation.n, release.id, release.lang, release.date,
                                 release.title))
        return citation

    def lead_first(self, lead: Lead) -> Lead:
        """Quote the sentence the value was read from first ("**$1.64 per $100** — 2025 employee rate:
        $1.64 … [1]"), when only sentences of its own announcement (the release or a translation of
        it) precede it; renumbered, the rest in order. A partial translation may quote the release's
        sentence without the value first; the value must not open on a quote that lacks it."""
        i = next((k for k, c in enumerate(self.citations) if c.n == lead.n), None)
        if i is None or i == 0:
            return lead
        own = self._announcement(i)
        if any(self._announcement(k) != own for k in range(i)):
            return lead
        order = [i] + [k for k in range(len(self.citations)) if k != i]
        self.citations = [replace(self.citations[k], n=j + 1) for j, k in enumerate(order)]
        self.cited = [replace(self.cited[k], citation=c) for c, k in zip(self.citations, order)]
        self.pieces = [replace(self.pieces[k], n=j + 1) for j, k in enumerate(order)]
        return replace(lead, n=1)

    def _announcement(self, k: int) -> str:
        release = self.cited[k].release
        return f"pair:{release.pair_id}" if release.pair_id else f"id:{release.id}"

    def has(self, release_id: str, start: int) -> bool:
        return any(c.release_id == release_id and c.start == start for c in self.citations)


def extractive_answer(source: Source, draft: Draft, notice: str | None, *, suggestions: int = 3) -> Answer:
    q = draft.question
    if wants_overview(draft):
        answer = overview_answer(source, draft, notice)
        if answer is not None:
            return answer
    if draft.abstained:
        return not_found_answer(source, draft, notice, suggestions=suggestions)
    quotes = Quotes()
    for sent in draft.chosen:
        probe = _probe(source, draft, sent, 0)
        if probe is not None and not quotes.has(probe.citation.release_id, probe.citation.start):
            quotes.add(probe)  # (the same sentence reached twice — a chunk and its translation — is quoted once)
            fuller = _fuller_version(source, draft, sent, probe)
            if fuller is not None and not quotes.has(fuller.citation.release_id, fuller.citation.start):
                quotes.add(fuller)
    if not quotes.citations:
        return not_found_answer(source, replace(draft, abstained=True), notice, suggestions=suggestions)
    lead, items, form, opening = _shape(source, draft, quotes)
    if form == "value" and lead is not None:
        lead = quotes.lead_first(lead)
    body = opening + compose(quotes.pieces, q.lang)
    if draft.widened:
        widened = message(q.lang, "widened", range=date_range(q.date_from, q.date_to, q.lang))
        notice = f"{notice} {widened}" if notice else widened
    return Answer(text=body, language=q.lang, abstained=False, citations=quotes.citations, presented=list(draft.hits),
                  notice=notice, question=q.text, resolved_question=draft.resolution.query, lead=lead, items=items,
                  form=form)


def _shape(source: Source, draft: Draft, quotes: Quotes) -> tuple[Lead | None, list[Lead], str, str]:
    """(lead, items, form, the text before the quotes): a list, a Yes/No, the value asked, or nothing."""
    q = draft.question
    if q.kind in ("person", "who_said", "organisation") and wants_list(q.text):
        items = list_items(q.text, quotes.cited, "organisation" if q.kind == "organisation" else "person")
        if quoted_list(q.text):
            items = _speakers(source, draft, quotes) or items
        if items:
            return None, items, "list", "\n".join(f"- **{defuse(i.shown)}** [{i.n}]" for i in items) + "\n\n"
    if is_yes_no(q.text):
        lead = yes_no(q.text, quotes.cited, q.lang)
        if lead is None:
            extra = _settling_sentence(source, draft, quotes)
            if extra is not None:
                lead = yes_no(q.text, [quotes.cited[-1]], q.lang)
        return (lead, [], "yes_no", f"**{lead.shown}.** ") if lead else (None, [], "quote", "")
    lead = _quotation_speaker(source, draft, quotes) if q.kind == "who_said" else None
    lead = lead or lead_value(q.kind, q.text, quotes.cited, q.lang, frozenset(draft.terms.weights))
    if lead is not None:
        return lead, [], "value", f"**{defuse(lead.shown)}** — "
    return None, [], "quote", ""


def _quotation_speaker(source: Source, draft: Draft, quotes: Quotes) -> Lead | None:
    """"Who said …?": the speaker of the quotation that the chosen sentence closest to the question's words
    is part of (a sentence in the middle of a quote names nobody; the best-scored one may be another
    speaker's attribution line), cited to the sentence that names them — added when not quoted yet."""
    if not draft.chosen:
        return None
    best = max(draft.chosen, key=lambda s: (s.coverage, s.score))
    release = draft.releases.get(best.release_id)
    who = None if release is None else speaker_of(release.text, best.start, best.end)
    if who is None or release is None or fold(who.name) in fold(draft.question.text):
        return None
    known = next((k for k in quotes.citations if k.release_id == release.id and k.start <= who.start < k.end), None)
    if known is None:
        span = naming_sentence(release.text, who)
        chunk_id = None if span is None else chunk_containing(source, release.id, span)
        named = None if span is None or chunk_id is None else _cited(release, span, chunk_id, best.score)
        if named is None:
            return None
        known = quotes.add(named)
    return Lead(kind="person", shown=full_name(who.name, release.text), n=known.n, release_id=release.id,
                start=who.start, end=who.end, original=who.name)


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
        if match is None or loses_information(span.text, match.span.text, q.kind, q.text, opens=sent.start < 3):
            continue
        chunk_id = chunk_containing(source, tid, match.span)
        if chunk_id is None:
            continue
        draft.releases.setdefault(tid, target)
        return target, match.span, chunk_id
    return release, span, sent.hit.chunk_id


def _fuller_version(source: Source, draft: Draft, sent: Sentence, quoted: Cited) -> Cited | None:
    """The other version's sentence, when it states what the quoted one drops: a partial translation
    leaves out the minister "on behalf of" whom, the year, the city of the dateline ("Lahore" where the
    English notice says "Pakistan"). Quoted as well, framed as the other language's."""
    q = draft.question
    if quoted.release.lang != q.lang or draft.source_lang:
        return None
    for tid in sent.hit.translations if sent.lang == q.lang else ():
        target = draft.releases.get(tid) or source.release(tid)
        if target is None or target.lang == q.lang:
            continue
        span = Span(quoted.citation.start, quoted.citation.end, quoted.citation.quote)
        match = counterpart(quoted.release.text, span, target.text, frozenset(draft.terms.weights))
        if match is None or not adds_information(match.span.text, span.text, q.kind, q.text,
                                                  opens=match.span.start < 3):
            continue
        chunk_id = chunk_containing(source, tid, match.span)
        # A name the asker's version leaves out is the news, so it leads; a figure leads from the asker's
        # own wording when both give one (« dix nouveaux services », not "10 new").
        ahead = 1e-3 if q.kind in ("person", "who_said", "place") else -1e-3
        fuller = None if chunk_id is None else _cited(target, match.span, chunk_id, quoted.score + ahead)
        if fuller is not None:
            draft.releases.setdefault(tid, target)
            return fuller
    return None


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
    return _cited(release, span, chunk_id, sent.score, n)


def _cited(release: Release, span: Span, chunk_id: str, score: float, n: int = 0) -> Cited | None:
    """`span` of `release` as a citation, if it is the release's own text (the invariant, checked on
    every quote)."""
    if release.text[span.start : span.end] != span.text:
        log.error("quote mismatch in %s at %d-%d; dropped", release.id, span.start, span.end)
        return None
    return Cited(Citation(n=n, release_id=release.id, chunk_id=chunk_id, title=release.title, date=release.date,
                          url=release.url, lang=release.lang, quote=span.text, start=span.start, end=span.end,
                          source=release.source), release, score)


def _speakers(source: Source, draft: Draft, quotes: Quotes) -> list[Lead]:
    """"Which ministers are quoted …?": every speaker of the best release, each line cited to the
    sentence that names them (added to the citations when not already quoted)."""
    probes = [p for p in (_probe(source, draft, s, 0) for s in draft.pool + _quoted_sentences(source, draft, quotes))
              if p is not None]
    items = []
    for item in speakers(quotes.cited, quotes.cited + probes):
        at = item.start if item.start is not None else -1
        known = next((c for c in quotes.citations if c.release_id == item.release_id and c.start <= at < c.end), None)
        if known is None:
            probe = next(p for p in probes if p.release.id == item.release_id and p.citation.start <= at < p.citation.end)
            known = quotes.add(probe)
        items.append(replace(item, n=known.n))
    return items


SPEAKER_SCAN_CHARS = 12_000  # a release read whole for its speakers when no longer than this


def _quoted_sentences(source: Source, draft: Draft, quotes: Quotes) -> list[Sentence]:
    """The sentences of the best cited release that quote someone or name who speaks, beyond the
    scored candidates: a release's third and fourth speakers are rarely among them. Each keeps the
    passage that holds it (its citation names that chunk)."""
    if not quotes.cited:
        return []
    release = max(quotes.cited, key=lambda c: c.score).release
    hit = next((s.hit for s in draft.pool + draft.chosen if s.release_id == release.id), None)
    if hit is None or len(release.text) > SPEAKER_SCAN_CHARS:
        return []
    chunks = [c for c in source.chunks_of(release.id) if release.text[c.start:c.end] == c.text]
    taken = {s.start for s in draft.pool if s.release_id == release.id}
    out = []
    for span in split_sentences(release.text):
        if span.start in taken or not QUOTE_OR_SPEECH.search(span.text):
            continue
        chunk = next((c for c in chunks if c.start <= span.start and span.end <= c.end), None)
        if chunk is not None:
            passage = replace(hit, chunk_id=chunk.id, start=chunk.start, end=chunk.end, text=chunk.text)
            out.append(Sentence(passage, span.start, span.end, span.text, lead=False))
    return out


def _settling_sentence(source: Source, draft: Draft, quotes: Quotes) -> Citation | None:
    """A candidate not chosen that settles a yes/no question ("Both rates are two cents lower"), from a
    release already cited: added to the quotes."""
    q = draft.question
    releases = {c.release_id for c in quotes.citations}
    for sent in draft.pool:
        if sent.release_id not in releases or quotes.has(sent.release_id, sent.start):
            continue
        probe = _probe(source, draft, sent, 0)
        if probe is not None and yes_no(q.text, [probe], q.lang) is not None:
            return quotes.add(probe)
    return None
