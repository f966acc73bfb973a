"""Choose the one to three sentences of the retrieved releases that best answer a question.

Cheap on purpose (the whole `ask` has a ~150 ms budget): sentences are scored by weighted
lexical overlap with the question (IDF weights from the index, stems that also catch FR/EN
cognates), by whether they hold the kind of thing asked for (an amount, a place, a date, a
quote and its speaker), and by the retrieval rank and dense score of the passage they come
from. No sentence is embedded. Offsets are into the release text, so each quote can be
checked verbatim.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

from assistant.cues import ATTRIBUTION, CONTACT, QUOTE, SPEECH, cue_strength
from assistant.followup import Resolution, names_in
from assistant.text import QUESTION_WORDS, Span, split_sentences, stem
from index.models import Hit, Release
from index.text import fold, tokenize

WINDOW = 400  # characters looked at around a chunk so its edge sentences are whole
MAX_SENTENCES = 3


@dataclass
class Sentence:
    """A candidate quote: `text == release.text[start:end]`."""

    hit: Hit
    start: int
    end: int
    text: str
    lead: bool  # among the first sentences of its release
    stems: frozenset[str] = frozenset()
    coverage: float = 0.0  # weighted share of the question's terms found here
    focus_coverage: float = 0.0  # same, counting only the question's own words (not carried ones)
    context_coverage: float = 0.0  # with the release title added
    cue: float = 0.0
    score: float = 0.0
    matched: frozenset[str] = frozenset()

    @property
    def release_id(self) -> str:
        return self.hit.release_id

    @property
    def lang(self) -> str:
        return self.hit.lang


@dataclass
class Terms:
    """Question terms as stems with weights (IDF; names and numbers count more)."""

    weights: dict[str, float] = field(default_factory=dict)
    focus: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # stems of proper names and numbers: the question's specifics

    @property
    def total(self) -> float:
        return sum(self.weights.values()) or 1.0


def question_terms(resolution: Resolution, idf: Callable[[str], float | None]) -> Terms:
    """Weighted stems of the question's own topic words and (at half weight) the carried ones."""
    weights: dict[str, float] = {}
    name_stems: set[str] = set()
    name_tokens = {t for n in resolution.names for t in tokenize(n)}
    q = resolution.question
    name_tokens |= {t for t in tokenize(q.text) if t.isdigit()}
    name_tokens |= {t for n in names_in(q.text) for t in tokenize(n)}
    focus = [t for t in resolution.focus_words]
    carried = [t for t in resolution.carried_words if t not in focus]
    for tokens, factor in ((focus, 1.0), (carried, 0.5)):
        for token in tokens:
            if token in QUESTION_WORDS:
                continue
            s = stem(token)
            value = idf(token)
            w = 1.0 if value is None else max(0.25, min(value, 8.0) / 4.0)
            if token in name_tokens:
                w *= 1.5
                name_stems.add(s)
            weights[s] = max(weights.get(s, 0.0), w * factor)
    return Terms(weights, frozenset(stem(t) for t in focus), frozenset(name_stems))


def collect(hits: list[Hit], releases: Mapping[str, Release]) -> list[Sentence]:
    """Whole sentences around each retrieved chunk, deduplicated, in retrieval order."""
    out: list[Sentence] = []
    seen: dict[str, list[tuple[int, int]]] = {}
    folded_seen: set[str] = set()
    for hit in hits:
        release = releases.get(hit.release_id)
        if release is None or release.text[hit.start : hit.end] != hit.text:
            continue  # index out of step with its store: never quote what we cannot verify
        text = release.text
        lo, hi = max(0, hit.start - WINDOW), min(len(text), hit.end + WINDOW)
        first_para_end = _first_paragraph_end(text)
        for span in split_sentences(text, lo, hi):
            middle = (span.start + span.end) / 2
            if not hit.start <= middle <= hit.end and not (span.start < hit.end and span.end > hit.start and span.end - span.start > hit.end - hit.start):
                continue
            taken = seen.setdefault(hit.release_id, [])
            if any(span.start < b and a < span.end for a, b in taken):
                continue
            key = re.sub(r"\W+", " ", fold(span.text)).strip()
            if len(key) < 3 or key in folded_seen or any(key in f for f in folded_seen if len(f) > len(key)):
                continue  # scraped releases repeat fragments of their own paragraphs
            taken.append((span.start, span.end))
            folded_seen.add(key)
            out.append(Sentence(hit, span.start, span.end, span.text, lead=span.start <= first_para_end))
    return out


def _first_paragraph_end(text: str) -> int:
    head = text.lstrip()
    offset = len(text) - len(head)
    cut = head.find("\n\n", 40)
    return offset + (cut if 0 <= cut < 600 else min(len(head), 400))


def score(sentences: list[Sentence], terms: Terms, kind: str, qlang: str) -> None:
    """Fill each sentence's coverage, cue and final score (higher is better)."""
    total = terms.total
    focus_total = sum(w for s, w in terms.weights.items() if s in terms.focus) or 1.0
    title_stems: dict[str, frozenset[str]] = {}
    for sent in sentences:
        sent.stems = frozenset(stem(t) for t in tokenize(sent.text, keep_stopwords=True))
        matched = frozenset(s for s in terms.weights if s in sent.stems)
        sent.matched = matched
        sent.coverage = sum(terms.weights[s] for s in matched) / total
        sent.focus_coverage = sum(terms.weights[s] for s in matched if s in terms.focus) / focus_total
        titles = title_stems.get(sent.release_id)
        if titles is None:
            titles = frozenset(stem(t) for t in tokenize(sent.hit.title, keep_stopwords=True))
            title_stems[sent.release_id] = titles
        context = matched | frozenset(s for s in terms.weights if s in titles)
        sent.context_coverage = sum(terms.weights[s] for s in context) / total
        sent.cue = cue_strength(kind, sent.text)
        prior = 1.0 / (1.0 + 0.35 * (max(sent.hit.rank, 1) - 1))
        dense = sent.hit.dense_score
        dense_part = 0.0 if dense is None else max(0.0, min(1.0, (dense - 0.1) / 0.5))
        value = (
            0.45 * sent.coverage
            + 0.15 * sent.context_coverage
            + (0.20 * sent.cue if kind != "other" else 0.08)
            + 0.12 * prior
            + 0.08 * dense_part
        )
        if kind == "other" and sent.lead:
            value += 0.03  # a release's opening sentence usually states the news itself
        if sent.lang != qlang:
            value -= 0.02  # equal evidence: quote the asker's language
        n = len(sent.text)
        if n < 25 and not ATTRIBUTION.search(sent.text):
            value *= 0.6  # headings and fragments ("Quick facts")
        elif n > 450:
            value *= 0.9
        if CONTACT.search(sent.text) and kind != "other":
            value *= 0.6
        sent.score = value


def select(sentences: list[Sentence], terms: Terms, kind: str, releases: Mapping[str, Release]) -> list[Sentence]:
    """The best sentence, plus up to two that add what it lacks (another term, the cue, the speaker)."""
    if not sentences:
        return []
    ranked = sorted(sentences, key=lambda s: -s.score)
    best = ranked[0]
    chosen = [best]
    if kind == "who_said":
        speaker = _attribution(best, releases.get(best.release_id), sentences)
        if speaker is not None:
            chosen.append(speaker)
    covered = set(best.matched)
    has_cue = best.cue >= 0.99
    for cand in ranked[1:]:
        if len(chosen) >= MAX_SENTENCES:
            break
        if cand.score < 0.75 * best.score:
            break
        new_terms = {s for s in cand.matched - covered if terms.weights.get(s, 0) >= 0.5}
        same_release = cand.release_id == best.release_id
        adds_cue = not has_cue and cand.cue >= 0.99
        if (new_terms and (same_release or cand.score >= 0.9 * best.score)) or adds_cue:
            chosen.append(cand)
            covered |= cand.matched
            has_cue = has_cue or cand.cue >= 0.99
    # Read in document order within a release, releases in the order of their best sentence.
    order = {s.release_id: i for i, s in reversed(list(enumerate(chosen)))}
    return sorted(chosen, key=lambda s: (order[s.release_id], s.start))


def _attribution(best: Sentence, release: Release | None, pool: list[Sentence]) -> Sentence | None:
    """The speaker of a quoted sentence: an attribution line after the quote, or a 'said X' sentence."""
    if release is None or (SPEECH.search(best.text) and names_in(best.text)):
        return None  # the sentence names its speaker already ("…," said Minister Wilkinson.)
    text = release.text
    if not (QUOTE.search(best.text) or _inside_quote(text, best.start)):
        return None
    close = _quote_end(text, best.end)
    for span in split_sentences(text, close, min(len(text), close + 400))[:2]:
        if ATTRIBUTION.search(span.text) or (SPEECH.search(span.text) and names_in(span.text)):
            for cand in pool:
                if cand.release_id == best.release_id and cand.start == span.start:
                    return cand
            return Sentence(best.hit, span.start, span.end, span.text, lead=False, score=best.score * 0.9)
    return None


def _inside_quote(text: str, pos: int) -> bool:
    para_start = text.rfind("\n", 0, pos) + 1
    before = text[para_start:pos]
    return before.count("«") > before.count("»") or before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _quote_end(text: str, pos: int) -> int:
    match = re.compile(r"[»”\"]").search(text, pos, min(len(text), pos + 3000))
    end = match.end() if match else pos
    nl = text.find("\n", end)
    return end if nl < 0 else min(nl, end + 200) if text[end:nl].strip() else nl


def idf_lookup(retriever: object) -> Callable[[str], float | None]:
    """IDF of a folded token from the index's lexical statistics, or None when unavailable."""
    public = getattr(retriever, "idf", None)
    if callable(public):
        return lambda token: public(token)  # type: ignore[misc]
    if not hasattr(retriever, "_snapshot"):
        return lambda token: None

    def idf(token: str) -> float | None:
        # Fallback while the Retriever exposes no document frequencies (read per call: the
        # snapshot changes when a new index generation is published).
        try:
            lexical = retriever._snapshot.lexical  # type: ignore[attr-defined]
            n_docs = max(1, int(lexical.size))
            df = lexical.document_frequency(token)
        except AttributeError:
            return None
        return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))

    return idf


def span_of(sentence: Sentence) -> Span:
    return Span(sentence.start, sentence.end, sentence.text)
