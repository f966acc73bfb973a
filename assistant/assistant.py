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
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from communique.assistant import abstain, dictionary
from communique.assistant.answering import extractive_answer
from communique.assistant.candidates import collect
from communique.assistant.clause import second_clause
from communique.assistant.context import attach_context
from communique.assistant.extractive import idf_lookup, score, select
from communique.assistant.followup import Resolution, normalise_history, resolve
from communique.assistant.models import Answer, Draft
from communique.assistant.overview import wants_overview
from communique.assistant.quantities import asked_measure, asked_noun, years_in
from communique.assistant.question import MAX_QUESTION_CHARS, analyse
from communique.assistant.ranking import RankModel, load_model, rerank
from communique.assistant.render import message
from communique.assistant.semantic import SentenceSimilarity, rerank_cross_language
from communique.assistant.shape import wants_list
from communique.assistant.signals import announcement_ranks, compute_signals
from communique.assistant.support import with_support
from communique.assistant.terms import question_terms
from communique.index.models import Hit
from communique.index.searcher import Searcher

if TYPE_CHECKING:
    from communique.assistant.llm import LLMAnswerer, LLMSettings
    from communique.index.retriever import IndexStats

log = logging.getLogger(__name__)
POOL = 40  # best candidate sentences kept with a draft (a Yes/No or a list of speakers may need more)


@dataclass(frozen=True)
class AssistantConfig:
    """Settings that change answers; recorded with eval runs."""

    answerer: str = "extractive"
    k: int = 10  # releases retrieved (both language versions count separately)
    per_release: int = 2  # chunks per release looked at
    suggestions: int = 3  # releases listed when not found
    policy: abstain.Policy = field(default_factory=abstain.Policy)
    ranker: RankModel | None = field(default_factory=load_model)  # the learnt score correction (None: hand weights)
    pool: int = POOL  # candidates kept with a draft (the ranker's fit looks at all of them)


class Assistant:
    def __init__(self, retriever: Searcher, config: AssistantConfig | None = None,
                 llm: "LLMAnswerer | None" = None) -> None:
        self.retriever = retriever
        self.config = config or AssistantConfig()
        self.llm = llm
        self._idf = idf_lookup(retriever)
        self._pair_lexicon = getattr(retriever, "pair_lexicon", None)  # another Searcher may have none
        dictionary.warm_up(*([self._pair_lexicon] if self._pair_lexicon else []))

    @classmethod
    def open(cls, index_dir: str | Path, *, answerer: str = "extractive", llm_settings: "LLMSettings | None" = None,
             llm: "LLMAnswerer | None" = None, retriever: Searcher | None = None, **settings: Any) -> "Assistant":
        """Open the index at `index_dir` (IndexProblem subclasses say what is wrong with it).

        `answerer="llm"` adds the LLM answerer, configured by `llm_settings` (an `LLMSettings`)
        or the COMMUNIQUE_LLM_* environment variables; `llm` passes a ready `LLMAnswerer`.
        """
        if answerer not in ("extractive", "llm"):
            raise ValueError(f"answerer must be 'extractive' or 'llm', not {answerer!r}")
        if retriever is None:
            from communique.index.retriever import Retriever

            retriever = Retriever.open(index_dir)  # checksums verified: an altered record store is refused
        if answerer == "llm" and llm is None:
            from communique.assistant.llm import LLMAnswerer, LLMSettings

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
        extractive = extractive_answer(self.retriever, draft, notice, suggestions=self.config.suggestions)
        if self.llm is None or not draft.hits:
            for piece in _pieces(extractive.text):
                yield piece
            attach_context(extractive, self.retriever, draft.releases)
            extractive.timings = _timings(started, draft.retrieval_ms, started)
            yield extractive
            return
        answer_started = time.perf_counter()
        final: Answer | None = None
        for item in self.llm.stream_answer(draft, extractive):
            if isinstance(item, Answer):
                final = item
            else:
                yield item
        assert final is not None
        attach_context(final, self.retriever, draft.releases)
        final.timings = _timings(started, draft.retrieval_ms, answer_started)
        yield final

    # -- steps ----------------------------------------------------------------------------
    def _search(self, resolution: Resolution, *, source_lang: str | None, department: str | None,
                date_from: str | None, date_to: str | None) -> list[Hit]:
        q = resolution.question
        kwargs: dict[str, Any] = {"query_lang": q.lang, "collapse_pairs": False, "per_release": self.config.per_release}
        if department:
            kwargs["department"] = department
        # An overview of a period ("what was announced in July 2024?") lists releases: look at more of them.
        k = self.config.k * 3 if q.dates_from_text and q.kind == "other" and (date_from or date_to) else self.config.k
        return self.retriever.search(resolution.query, k=k, lang=source_lang, date_from=date_from,
                                     date_to=date_to, **kwargs)

    def _draft(self, resolution: Resolution, *, source_lang: str | None, department: str | None,
               explicit_dates: bool) -> Draft:
        q = resolution.question
        draft = self._draft_once(resolution, source_lang=source_lang, department=department,
                                 date_from=q.date_from, date_to=q.date_to)
        if draft.abstained and q.dates_from_text and (q.date_from or q.date_to) and not wants_overview(draft):
            # A publication date restricts softly: when nothing published then answers, look at every date
            # (the answer says it widened). Explicit filters (chat, CLI, API) never widen.
            retry = self._draft_once(resolution, source_lang=source_lang, department=department, date_from=None,
                                     date_to=None)
            retry.retrieval_ms += draft.retrieval_ms
            if not retry.abstained:
                retry.widened = True
                return retry
            draft.retrieval_ms = retry.retrieval_ms
        return draft

    def _draft_once(self, resolution: Resolution, *, source_lang: str | None, department: str | None,
                    date_from: str | None, date_to: str | None) -> Draft:
        q = resolution.question
        t0 = time.perf_counter()
        hits = self._search(resolution, source_lang=source_lang, department=department,
                            date_from=date_from, date_to=date_to)
        retrieval_ms = (time.perf_counter() - t0) * 1000
        dated = bool(date_from or date_to)
        releases = self.retriever.releases(list(dict.fromkeys(h.release_id for h in hits))) if hits else {}
        terms = question_terms(resolution, self._idf, self._pair_lexicon().get if self._pair_lexicon else None)
        sentences = collect(hits, releases, chunks_of=self.retriever.chunks_of)
        kinds = q.kinds or (q.kind,)
        score(sentences, terms, kinds, q.lang, releases, until=q.until, year_asked=q.asks_year,
              count_noun=asked_noun(q.text) if "count" in kinds else None,
              years=years_in(q.text), measure=asked_measure(q.text) if "amount" in kinds else None)
        similarity = SentenceSimilarity(q.text if not resolution.is_followup else resolution.query,
                                        getattr(self.retriever, "embedder", None))
        rerank_cross_language(sentences, q.lang, similarity)
        rerank(sentences, q.lang, kinds[0], self.config.ranker)
        chosen = select(sentences, terms, kinds, releases, second_ask=q.second_ask, second=second_clause(q, terms))
        signals = compute_signals(chosen, terms, releases, q, self.retriever.release, similarity,
                                  announcement_ranks(hits)) if chosen else None
        abstained = signals is None or abstain.should_abstain(signals, self.config.policy)
        if not abstained and not wants_list(q.text):  # a list's items are read from the chosen sentences only
            chosen = with_support(chosen, sentences)
        pool = sorted(sentences, key=lambda s: -s.score)[:self.config.pool]
        return Draft(q, resolution, hits, releases, chosen, terms, signals, abstained, retrieval_ms, dated, source_lang,
                     pool=pool)

    def stats(self) -> "IndexStats":
        """The index's counts, embedder and last ingest (what the chat's header line shows)."""
        return self.retriever.stats()

    def decide(self, question: Any, history: Iterable[Any] | None = None, lang: str | None = None) -> Draft:
        """The extractive pass without writing an answer: its signals and abstention decision.

        For calibrating the abstention policy on golden questions (`evals/calibration.py`).
        """
        q = analyse(question, lang=lang if lang in ("fr", "en") else None,
                    default_lang=_last_user_lang(normalise_history(history)))
        resolution = resolve(q, normalise_history(history))
        return self._draft(resolution, source_lang=None, department=None, explicit_dates=False)

    def write(self, draft: Draft) -> Answer:
        """The extractive answer for a draft, answering even where the policy would abstain (calibration)."""
        return extractive_answer(self.retriever, replace(draft, abstained=not draft.chosen), None,
                                 suggestions=self.config.suggestions)

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
