"""The assistant: question (+ history) → retrieval → quoted sentences with `[n]` → Answer.

One `Assistant` is shared by every chat session: it keeps no per-question state, and the
`Retriever` it wraps follows index re-ingests by itself.
"""
from __future__ import annotations

import copy

import logging
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator

from assistant import abstain
from assistant.crosslang import counterpart
from assistant.dates import mentions_range
from assistant.extractive import Sentence, Terms, collect, idf_lookup, question_terms, score, select, word_index
from assistant.followup import Resolution, normalise_history, resolve
from assistant.models import Answer, Citation
from assistant.question import MAX_QUESTION_CHARS, Question, analyse
from assistant.render import Piece, compose, date_range, message, not_found
from assistant.text import Span, fold, stem, tokenize
from index.models import Hit, Release

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AssistantConfig:
    """Settings that change answers; recorded with eval runs."""

    answerer: str = "extractive"
    k: int = 10  # releases retrieved (both language versions count separately)
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
    source_lang: str | None = None


class Assistant:
    def __init__(self, retriever: Any, config: AssistantConfig | None = None, llm: Any = None) -> None:
        self.retriever = retriever
        self.config = config or AssistantConfig()
        self.llm = llm
        self._idf = idf_lookup(retriever)
        self._always_semantic = False  # set by calibration runs to record the signal everywhere

    @classmethod
    def open(cls, index_dir: str | Path, *, answerer: str = "extractive", llm_settings: Any = None,
             llm: Any = None, retriever: Any = None, **settings: Any) -> "Assistant":
        """Open the index at `index_dir` (IndexProblem subclasses say what is wrong with it).

        `answerer="llm"` adds the LLM answerer, configured by `llm_settings` (an `LLMSettings`)
        or the COMMUNIQUE_LLM_* environment variables; `llm` passes a ready `LLMAnswerer`.
        """
        if answerer not in ("extractive", "llm"):
            raise ValueError(f"answerer must be 'extractive' or 'llm', not {answerer!r}")
        if retriever is None:
            from index.retriever import Retriever

            retriever = Retriever.open(index_dir, verify=False)
        if answerer == "llm" and llm is None:
            from assistant.llm import LLMAnswerer, LLMSettings

            llm = LLMAnswerer(llm_settings if llm_settings is not None else LLMSettings.from_env())
        return cls(retriever, AssistantConfig(answerer=answerer, **settings), llm if answerer == "llm" else None)

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
        """Text pieces as the answer forms, then the final `Answer` (always last).

        One question reads one index generation: the search and the release texts it quotes come
        from a pinned view, even if another thread's search meanwhile loads a newer generation.
        """
        pin = getattr(self.retriever, "pinned", None)
        if callable(pin):
            view = copy.copy(self)
            view.retriever = pin()
            yield from Assistant._stream(view, question, history, lang, date_from, date_to, source_lang, department)
        else:
            yield from self._stream(question, history, lang, date_from, date_to, source_lang, department)

    def _stream(self, question: Any, history: Iterable[Any] | None, lang: str | None, date_from: str | None,
                date_to: str | None, source_lang: str | None, department: str | None) -> Iterator[str | Answer]:
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
        extractive = self._extractive_answer(draft, notice)
        if self.llm is None or draft.abstained:
            for piece in _pieces(extractive.text):
                yield piece
            extractive.timings = _timings(started, draft.retrieval_ms, started)
            yield extractive
            return
        answer_started = time.perf_counter()
        final: Answer | None = None
        for item in self.llm.stream_answer(draft, extractive, self):
            if isinstance(item, Answer):
                final = item
            else:
                yield item
        assert final is not None
        final.timings = _timings(started, draft.retrieval_ms, answer_started)
        yield final

    def inspect(self, question: Any, history: Iterable[Any] | None = None, lang: str | None = None,
                date_from: str | None = None, date_to: str | None = None, source_lang: str | None = None,
                department: str | None = None) -> dict[str, Any]:
        """The abstention signals and the answer that would be given without abstaining.

        For calibrating the abstention policy on golden questions (see assistant/README.md).
        """
        q = analyse(question, lang=lang if lang in ("fr", "en") else None, date_from=date_from, date_to=date_to,
                    default_lang=_last_user_lang(normalise_history(history)))
        if q.problem in ("empty", "no_words"):
            return {"signals": None, "confidence": None, "abstained": True, "forced": None}
        resolution = resolve(q, normalise_history(history))
        draft = self._draft(resolution, source_lang=source_lang, department=department,
                            explicit_dates=bool(date_from or date_to))
        forced = self._extractive_answer(replace(draft, abstained=draft.signals is None), None)
        return {
            "signals": draft.signals.to_dict() if draft.signals else None,
            "confidence": abstain.confidence(draft.signals) if draft.signals else None,
            "abstained": draft.abstained,
            "forced": forced,
        }

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
        draft = self._draft_once(resolution, source_lang=source_lang, department=department,
                                 date_from=q.date_from, date_to=q.date_to)
        if draft.abstained and q.dates_from_text and (q.date_from or q.date_to):
            # The date may be about the content ("premiums in 2025", « au 30 juin 2025 ») rather
            # than when the release came out: look again without the filter, keeping the date in
            # the query, and accept only an answer whose sentence states that date.
            wider = replace(resolution, query=f"{resolution.query} {_date_words(q)}".strip())
            retry = self._draft_once(wider, source_lang=source_lang, department=department, date_from=None,
                                     date_to=None, must_mention=(q.date_from, q.date_to))
            if not retry.abstained:
                retry.retrieval_ms += draft.retrieval_ms
                return retry
            draft.retrieval_ms += retry.retrieval_ms
        return draft

    def _draft_once(self, resolution: Resolution, *, source_lang: str | None, department: str | None,
                    date_from: str | None, date_to: str | None,
                    must_mention: tuple[str | None, str | None] | None = None) -> _Draft:
        q = resolution.question
        t0 = time.perf_counter()
        hits = self._search(resolution, source_lang=source_lang, department=department,
                            date_from=date_from, date_to=date_to)
        retrieval_ms = (time.perf_counter() - t0) * 1000
        dated = bool(date_from or date_to)
        releases = self.retriever.releases(list(dict.fromkeys(h.release_id for h in hits))) if hits else {}
        terms = question_terms(resolution, self._idf)
        sentences = collect(hits, releases)
        kinds = q.kinds or (q.kind,)
        score(sentences, terms, kinds, q.lang, releases, until=q.until)
        chosen = select(sentences, terms, kinds, releases)
        signals = self._signals(chosen, terms, releases, q) if chosen else None
        abstained = signals is None or abstain.should_abstain(signals, self.config.policy)
        if not abstained and must_mention is not None:
            best = max(chosen, key=lambda s: s.score)
            abstained = not mentions_range(best.text, *must_mention)
        return _Draft(q, resolution, hits, releases, chosen, terms, signals, abstained, retrieval_ms,
                      dated or must_mention is not None, source_lang)

    def _signals(self, chosen: list[Sentence], terms: Terms, releases: dict[str, Release], q: Question) -> abstain.Signals:
        best = max(chosen, key=lambda s: s.score)
        focus_weights = {s: w for s, w in terms.weights.items() if s in terms.focus}
        focus_total = sum(focus_weights.values()) or 1.0
        context: set[str] = set()
        for sent in chosen:
            context |= sent.matched
            context |= {s for s in terms.weights if s in _title_stems(sent.hit.title)}
        context_coverage = sum(w for s, w in focus_weights.items() if s in context) / focus_total
        found = 1.0
        if terms.specifics:
            texts = [releases[rid] for rid in {s.release_id for s in chosen} if rid in releases]
            texts += [r for r in (self.retriever.release(t) for t in {t for s in chosen for t in s.hit.translations}) if r]
            indexes = [word_index(r) for r in texts]
            # A name counts as present when most of its words are ("Nouveau-Brunswick" for "New Brunswick");
            # across languages, where a translated name keeps only some words, when any of them is.
            cross = best.lang != q.lang
            found = sum(
                1 for group in terms.specifics
                if sum(any(ix.has(s) for ix in indexes) for s in group) >= (1 if cross else max(1, len(group) / 2))
            ) / len(terms.specifics)
        coverage = best.focus_coverage
        resolution_followup = bool(set(terms.subject_weights) - set(terms.focus))
        if resolution_followup:
            # A follow-up's own words are few ("When does he start?"): its subject is carried in.
            coverage = 0.5 * best.focus_coverage + 0.5 * best.release_coverage
        semantic = None
        if best.lang != q.lang or self._always_semantic:
            semantic = self._semantic(q.text if not resolution_followup else q.retrieval_text, best.text)
        return abstain.Signals(
            coverage=round(coverage, 4),
            context_coverage=round(context_coverage, 4),
            specifics=round(found, 4),
            n_specifics=len(terms.specifics),
            dense=round(float(best.hit.dense_score or 0.0), 4),
            cue=min(1.0, max(s.cue for s in chosen)) if q.kind != "other" else 1.0,
            cross_language=best.lang != q.lang,
            semantic=None if semantic is None else round(semantic, 4),
            followup=resolution_followup,
        )

    def _semantic(self, question: str, sentence: str) -> float | None:
        """Cosine of question and sentence with the index's embedder: the one signal that crosses languages."""
        embedder = getattr(self.retriever, "embedder", None)
        if embedder is None or not hasattr(embedder, "encode_documents"):
            return None
        try:
            vectors = embedder.encode_documents([question, sentence[:600]])
        except Exception:  # an embedder failure must not stop an answer
            log.exception("semantic check failed")
            return None
        return float(vectors[0] @ vectors[1])

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
        if sent.lang == q.lang or not sent.hit.translations or draft.source_lang:
            return release, span, sent.hit.chunk_id  # (sources restricted to one language: quote those)
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


def _date_words(q: Question) -> str:
    """The question's date phrase as words to search with ("June 2025")."""
    from assistant.dates import find_dates

    return " ".join(q.text[m.start : m.end] for m in find_dates(q.text))


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
    """ms: `retrieval` (index searches), `answering` (everything else), `total`; `llm` when one answered."""
    now = time.perf_counter()
    total = (now - started) * 1000
    timings = {
        "retrieval": round(retrieval_ms, 2),
        "answering": round(max(0.0, total - retrieval_ms), 2),
        "total": round(total, 2),
    }
    if answer_started > started:
        timings["llm"] = round((now - answer_started) * 1000, 2)
    return timings
