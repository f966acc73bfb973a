"""The assistant: question (+ history) → retrieval → quoted sentences with `[n]` → Answer.

One `Assistant` is shared by every chat session: it keeps no per-question state, and the
`Retriever` it wraps follows index re-ingests by itself.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator

from assistant import abstain
from assistant.crosslang import counterpart
from assistant.extractive import Sentence, Terms, collect, idf_lookup, question_terms, score, select
from assistant.followup import Resolution, normalise_history, resolve
from assistant.models import Answer, Citation
from assistant.question import MAX_QUESTION_CHARS, Question, analyse
from assistant.render import Piece, compose, date_range, message, not_found
from assistant.text import Span, stem
from index.models import Hit, Release
from index.text import tokenize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AssistantConfig:
    """Settings that change answers; recorded with eval runs."""

    answerer: str = "extractive"
    k: int = 6  # releases retrieved (both language versions count separately)
    per_release: int = 2  # chunks per release looked at
    suggestions: int = 3  # releases listed when not found
    policy: abstain.Policy = field(default_factory=abstain.Policy)


@dataclass
class _Draft:
    """What the extractive pass decided, before the text is written."""

    question: Question
    resolution: Resolution
    hits: list[Hit]
    releases: dict[str, Release]
    chosen: list[Sentence]
    terms: Terms
    signals: abstain.Signals | None
    abstained: bool
    retrieval_ms: float
    dated: bool


class Assistant:
    def __init__(self, retriever: Any, config: AssistantConfig | None = None, llm: Any = None) -> None:
        self.retriever = retriever
        self.config = config or AssistantConfig()
        self.llm = llm
        self._idf = idf_lookup(retriever)

    @classmethod
    def open(cls, index_dir: str | Path, *, answerer: str = "extractive", llm_settings: Any = None,
             retriever: Any = None, **settings: Any) -> "Assistant":
        """Open the index at `index_dir` (IndexProblem subclasses say what is wrong with it)."""
        if answerer not in ("extractive", "llm"):
            raise ValueError(f"answerer must be 'extractive' or 'llm', not {answerer!r}")
        if retriever is None:
            from index.retriever import Retriever

            retriever = Retriever.open(index_dir, verify=False)
        llm = None
        if answerer == "llm":
            from assistant.llm import LLMAnswerer, LLMSettings

            llm = LLMAnswerer(llm_settings if llm_settings is not None else LLMSettings.from_env())
        return cls(retriever, AssistantConfig(answerer=answerer, **settings), llm)

    # -- public API -----------------------------------------------------------------------
    def ask(self, question: Any, history: Iterable[Any] | None = None, lang: str | None = None,
            date_from: str | None = None, date_to: str | None = None, source_lang: str | None = None,
            department: str | None = None) -> Answer:
        answer: Answer | None = None
        for piece in self.stream(question, history=history, lang=lang, date_from=date_from, date_to=date_to,
                                 source_lang=source_lang, department=department):
            if isinstance(piece, Answer):
                answer = piece
        assert answer is not None
        return answer

    def stream(self, question: Any, history: Iterable[Any] | None = None, lang: str | None = None,
               date_from: str | None = None, date_to: str | None = None, source_lang: str | None = None,
               department: str | None = None) -> Iterator[str | Answer]:
        """Text pieces as the answer forms, then the final `Answer` (always last)."""
        started = time.perf_counter()
        turns = normalise_history(history)
        previous_lang = _last_user_lang(turns)
        q = analyse(question, lang=lang if lang in ("fr", "en") else None, date_from=date_from, date_to=date_to,
                    default_lang=previous_lang)
        if q.problem in ("empty", "no_words"):
            text = message(q.lang, q.problem)
            yield text
            yield Answer(text=text, language=q.lang, abstained=True, question=q.text, resolved_question="",
                         timings=_timings(started, 0.0, started), notice=None)
            return
        notice = message(q.lang, "truncated", n=f"{MAX_QUESTION_CHARS:,}") if q.problem == "truncated" else None

        resolution = resolve(q, turns)
        if resolution.is_followup and self.llm is not None:
            resolution = self.llm.rewrite_followup(q, turns, resolution)
        draft = self._draft(resolution, source_lang=source_lang, department=department,
                            explicit_dates=bool(date_from or date_to))
        answer_started = time.perf_counter()
        extractive = self._extractive_answer(draft, notice)
        if self.llm is None or draft.abstained:
            for piece in _pieces(extractive.text):
                yield piece
            extractive.timings = _timings(started, draft.retrieval_ms, answer_started)
            yield extractive
            return
        final: Answer | None = None
        for item in self.llm.stream_answer(draft, extractive, self):
            if isinstance(item, Answer):
                final = item
            else:
                yield item
        assert final is not None
        final.timings = _timings(started, draft.retrieval_ms, answer_started)
        yield final

    # -- steps ----------------------------------------------------------------------------
    def _search(self, resolution: Resolution, *, source_lang: str | None, department: str | None,
                date_from: str | None, date_to: str | None) -> list[Hit]:
        q = resolution.question
        kwargs: dict[str, Any] = {"query_lang": q.lang, "collapse_pairs": False, "per_release": self.config.per_release}
        if department:
            kwargs["department"] = department
        return self.retriever.search(resolution.query, k=self.config.k, lang=source_lang, date_from=date_from,
                                     date_to=date_to, **kwargs)

    def _draft(self, resolution: Resolution, *, source_lang: str | None, department: str | None,
               explicit_dates: bool) -> _Draft:
        q = resolution.question
        t0 = time.perf_counter()
        hits = self._search(resolution, source_lang=source_lang, department=department,
                            date_from=q.date_from, date_to=q.date_to)
        retrieval_ms = (time.perf_counter() - t0) * 1000
        dated = bool(q.date_from or q.date_to)
        releases = self.retriever.releases(list(dict.fromkeys(h.release_id for h in hits))) if hits else {}
        terms = question_terms(resolution, self._idf)
        sentences = collect(hits, releases)
        score(sentences, terms, q.kind, q.lang)
        chosen = select(sentences, terms, q.kind, releases)
        signals = self._signals(chosen, terms, releases, q) if chosen else None
        abstained = signals is None or abstain.should_abstain(signals, self.config.policy)
        return _Draft(q, resolution, hits, releases, chosen, terms, signals, abstained, retrieval_ms, dated)

    def _signals(self, chosen: list[Sentence], terms: Terms, releases: dict[str, Release], q: Question) -> abstain.Signals:
        best = max(chosen, key=lambda s: s.score)
        focus_weights = {s: w for s, w in terms.weights.items() if s in terms.focus}
        focus_total = sum(focus_weights.values()) or 1.0
        context: set[str] = set()
        for sent in chosen:
            context |= sent.matched
            context |= {s for s in terms.weights if s in _title_stems(sent.hit.title)}
        context_coverage = sum(w for s, w in focus_weights.items() if s in context) / focus_total
        specifics = set(terms.names) & set(terms.focus)
        found = 1.0
        if specifics:
            present: set[str] = set()
            for rid in {s.release_id for s in chosen}:
                release = releases.get(rid)
                if release is not None:
                    present |= _stems_of(release.title + "\n" + release.text[:200_000])
            for rid in {t for s in chosen for t in s.hit.translations}:
                other = self.retriever.release(rid)
                if other is not None:
                    present |= _stems_of(other.title + "\n" + other.text[:200_000])
            found = len(specifics & present) / len(specifics)
        return abstain.Signals(
            coverage=round(best.focus_coverage, 4),
            context_coverage=round(context_coverage, 4),
            specifics=round(found, 4),
            n_specifics=len(specifics),
            dense=round(float(best.hit.dense_score or 0.0), 4),
            cue=best.cue if q.kind != "other" else 1.0,
            cross_language=best.lang != q.lang,
        )

    def _extractive_answer(self, draft: _Draft, notice: str | None) -> Answer:
        q = draft.question
        if draft.abstained:
            return self._not_found(draft, notice)
        pieces: list[Piece] = []
        citations: list[Citation] = []
        for sent in draft.chosen:
            quoted = self._in_answer_language(sent, draft)
            if quoted is None:
                continue
            release, span, chunk_id = quoted
            if release.text[span.start : span.end] != span.text:  # the invariant, checked on every quote
                log.error("quote mismatch in %s at %d-%d; dropped", release.id, span.start, span.end)
                continue
            n = len(citations) + 1
            citations.append(Citation(n=n, release_id=release.id, chunk_id=chunk_id, title=release.title,
                                      date=release.date, url=release.url, lang=release.lang, quote=span.text,
                                      start=span.start, end=span.end, source=release.source))
            pieces.append(Piece(span.text, n, release.id, release.lang, release.date, release.title))
        if not citations:
            return self._not_found(replace(draft, abstained=True), notice)
        return Answer(text=compose(pieces, q.lang), language=q.lang, abstained=False, citations=citations,
                      presented=list(draft.hits), notice=notice, question=q.text,
                      resolved_question=draft.resolution.query)

    def _in_answer_language(self, sent: Sentence, draft: _Draft) -> tuple[Release, Span, str] | None:
        """The quote to show: the sentence itself, or its counterpart in the asker's language."""
        release = draft.releases.get(sent.release_id)
        if release is None:
            return None
        span = Span(sent.start, sent.end, sent.text)
        q = draft.question
        if sent.lang == q.lang or not sent.hit.translations:
            return release, span, sent.hit.chunk_id
        for tid in sent.hit.translations:
            target = draft.releases.get(tid) or self.retriever.release(tid)
            if target is None or target.lang != q.lang:
                continue
            match = counterpart(release.text, span, target.text, frozenset(draft.terms.weights))
            if match is None:
                continue
            chunk_id = _chunk_containing(self.retriever, tid, match.span)
            if chunk_id is None:
                continue
            draft.releases.setdefault(tid, target)
            return target, match.span, chunk_id
        return release, span, sent.hit.chunk_id

    def _not_found(self, draft: _Draft, notice: str | None) -> Answer:
        q = draft.question
        suggestions: list[tuple[str, str | None]] = []
        seen: set[str] = set()
        for hit in draft.hits:
            key = hit.pair_id or hit.release_id
            if key in seen:
                continue
            seen.add(key)
            title = hit.title
            if hit.lang != q.lang:
                for tid in hit.translations:
                    other = draft.releases.get(tid) or self.retriever.release(tid)
                    if other is not None and other.lang == q.lang and other.title:
                        title = other.title
                        break
            suggestions.append((title or hit.release_id, hit.date))
            if len(suggestions) >= self.config.suggestions:
                break
        dated = date_range(q.date_from, q.date_to, q.lang) if draft.dated else None
        text = not_found(q.lang, suggestions, dated=dated, nothing=not draft.hits and not dated)
        return Answer(text=text, language=q.lang, abstained=True, citations=[], presented=list(draft.hits),
                      notice=notice, question=q.text, resolved_question=draft.resolution.query)


def _chunk_containing(retriever: Any, release_id: str, span: Span) -> str | None:
    for chunk in retriever.chunks_of(release_id):
        if chunk.start <= span.start and span.end <= chunk.end:
            return chunk.id
    for chunk in retriever.chunks_of(release_id):
        if chunk.start <= span.start < chunk.end:
            return chunk.id
    return None


_TITLE_CACHE: dict[str, frozenset[str]] = {}


def _title_stems(title: str) -> frozenset[str]:
    cached = _TITLE_CACHE.get(title)
    if cached is None:
        cached = frozenset(stem(t) for t in tokenize(title, keep_stopwords=True))
        if len(_TITLE_CACHE) > 4096:
            _TITLE_CACHE.clear()
        _TITLE_CACHE[title] = cached
    return cached


def _stems_of(text: str) -> set[str]:
    return {stem(t) for t in tokenize(text, keep_stopwords=True)}


def _last_user_lang(turns: list[Any]) -> str | None:
    for turn in reversed(turns):
        if turn.role == "user":
            q = analyse(turn.text)
            if q.lang_confident:
                return q.lang
    return None


def _pieces(text: str) -> Iterator[str]:
    """Stream an already-written answer in readable pieces (sentence and citation boundaries)."""
    for match in re.finditer(r".+?(?:\[\d+\]|\n\n|$)", text, flags=re.S):
        if match.group():
            yield match.group()


def _timings(started: float, retrieval_ms: float, answer_started: float) -> dict[str, float]:
    now = time.perf_counter()
    return {
        "retrieval": round(retrieval_ms, 2),
        "answering": round((now - answer_started) * 1000, 2),
        "total": round((now - started) * 1000, 2),
    }
