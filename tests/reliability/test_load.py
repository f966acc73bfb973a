"""Load: 10,000 distinct questions through the library in one process, and memory does not grow.

Every question is different (templates x places x numbers x languages x filters), so an
unbounded cache keyed by question or filter would show up as growth. RSS is read after a
warm-up (models loaded, allocator settled) and at the end.
"""
from __future__ import annotations

import itertools
import time

import psutil
import pytest

from communique.index.retriever import Retriever

QUESTIONS = 10_000
WARM_UP = 1_000
MAX_GROWTH_MB = 50

TEMPLATES = [  # each names {n}, so that no two questions are the same
    "How much did the government invest in {topic} in {place} in {year}, file {n}?",
    "Combien le gouvernement a-t-il investi dans {topic} à {place} en {year} (dossier {n}) ?",
    "who announced the {topic} project for {place} ({n})",
    "{topic} {place} {year} funding {n}",
    "Quand les travaux de {topic} commencent-ils à {place} ? {n}",
]
TOPICS = ["wildfire equipment", "small craft harbours", "clean hydrogen", "Canadarm3", "employment insurance",
          "aging with dignity", "agri-food", "lobster fishing", "half-masting", "peacekeepers", "AI on Canada.ca"]
PLACES = ["Alberta", "Nova Scotia", "St. Anthony", "Germany", "Northern Ontario", "Ottawa", "Moncton", "Gatineau"]


def _questions():
    """Distinct questions with varying filters, cycling languages and date ranges."""
    combos = itertools.product(range(10**6), TEMPLATES, TOPICS, PLACES)
    for i, (n, template, topic, place) in enumerate(combos):
        question = template.format(topic=topic, place=place, year=2015 + i % 12, n=n)
        filters = {}
        if i % 7 == 0:
            filters["lang"] = "fr" if i % 2 else "en"
        if i % 11 == 0:
            filters["date_from"] = f"20{10 + i % 15}-01-{1 + i % 28:02d}"
        yield question, filters


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1e6


def test_ten_thousand_library_questions_do_not_grow_memory(samples_index, record_property):
    retriever = Retriever.open(samples_index)
    questions = _questions()
    seen = set()
    for question, filters in itertools.islice(questions, WARM_UP):
        seen.add(question)
        retriever.search(question, k=5, **filters)
    warm = _rss_mb()
    started = time.perf_counter()
    samples = []
    empty = 0
    for i, (question, filters) in enumerate(itertools.islice(questions, QUESTIONS - WARM_UP), 1):
        seen.add(question)
        hits = retriever.search(question, k=5, **filters)
        empty += not hits
        if i % 1000 == 0:
            samples.append(round(_rss_mb() - warm, 1))
    seconds = time.perf_counter() - started
    end = _rss_mb()
    record_property("rss_warm_mb", round(warm, 1))
    record_property("rss_growth_mb", round(end - warm, 1))
    record_property("ms_per_search", round(seconds * 1000 / (QUESTIONS - WARM_UP), 2))
    print(f"\nRSS after warm-up {warm:.0f} MB, growth every 1,000 questions {samples} MB, "
          f"{seconds * 1000 / (QUESTIONS - WARM_UP):.1f} ms per search")
    assert len(seen) == QUESTIONS  # every question was distinct
    assert empty < QUESTIONS / 2  # the searches did real work
    assert end - warm < MAX_GROWTH_MB, samples
    # No steady climb either: the last half grew by less than a fifth of the bound.
    assert samples[-1] - samples[len(samples) // 2] < MAX_GROWTH_MB / 5, samples


@pytest.mark.huge
def test_three_thousand_assistant_questions_do_not_grow_memory(samples_index, record_property):
    """The same through `Assistant.ask` (~0.1 s each: minutes, hence slow)."""
    assistant_module = pytest.importorskip("communique.assistant.assistant", reason="assistant.Assistant not written yet")
    assistant = assistant_module.Assistant.open(samples_index)
    questions = _questions()
    for question, _ in itertools.islice(questions, 300):
        assistant.ask(question)
    warm = _rss_mb()
    samples = []
    answered = 0
    for i, (question, filters) in enumerate(itertools.islice(questions, 3000), 1):
        dates = {k: v for k, v in filters.items() if k == "date_from"}
        answer = assistant.ask(question, source_lang=filters.get("lang"), **dates)
        answered += not answer.abstained
        if i % 500 == 0:
            samples.append(round(_rss_mb() - warm, 1))
    record_property("assistant_rss_growth_mb", samples[-1])
    print(f"\nassistant: RSS after warm-up {warm:.0f} MB, growth every 500 questions {samples} MB; "
          f"{answered} of 3000 answered")
    assert samples[-1] < MAX_GROWTH_MB, samples
    assert samples[-1] - samples[len(samples) // 2] < MAX_GROWTH_MB / 5, samples
