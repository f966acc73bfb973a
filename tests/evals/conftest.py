"""Synthetic golden items and answers (real records, no model) for the scoring/report tests."""
from __future__ import annotations

import pytest

from communique.assistant.models import Answer, Citation
from communique.evals.golden import GoldenItem
from communique.evals.scoring import ItemResult, score_item, summarize

# a_fr/a_en: one announcement in two languages; b_en: another one.
EQUIVALENTS = {"a_fr": "pair:A", "a_en": "pair:A", "b_en": "id:b_en"}


def make_answer(text: str, cited: list[tuple[str, str]] = (), abstained: bool = False) -> Answer:
    citations = [
        Citation(n=i, release_id=rid, chunk_id=f"{rid}-c{i}", title="t", date=None, url="",
                 lang=rid[-2:], quote=quote, start=0, end=len(quote))
        for i, (rid, quote) in enumerate(cited, start=1)
    ]
    return Answer(text=text, language="fr", abstained=abstained, citations=citations)


def golden(id: str, *, lang="fr", kind="fr-fr", answerable=True, sources=("a_fr",), facts=("Cornwall",),
           question_class="unclassified", split="dev") -> GoldenItem:
    return GoldenItem(id=id, question=f"Question {id} ?", lang=lang, answerable=answerable,
                      sources=list(sources) if answerable else [], facts=list(facts) if answerable else [],
                      kind=kind, question_class=question_class, split=split, origin=f"g.jsonl:{id}")


def synthetic_run(variant: str = "a") -> list[ItemResult]:
    """Four questions; variant "b" fixes q2 and breaks q1 (for compare tests).

    q2 is of class "where"; q4 (answered although unanswerable) is in the held-out split."""
    out = []
    q1_answer = (make_answer("Cornwall [1]", [("a_en", "Cornwall plant")]) if variant == "a"
                 else make_answer("Je ne trouve pas.", abstained=True))
    out.append(score_item(golden("q1"), retrieved_ids=["a_en", "b_en"], equivalents=EQUIVALENTS,
                          answer=q1_answer, latency_ms=100.0))
    q2_answer = (make_answer("Montréal [1]", [("b_en", "Montreal")]) if variant == "a"
                 else make_answer("Cornwall [1]", [("a_fr", "à Cornwall")]))
    out.append(score_item(golden("q2", lang="en", kind="en-fr", question_class="where"), retrieved_ids=["b_en", "a_fr"],
                          equivalents=EQUIVALENTS, answer=q2_answer, latency_ms=200.0))
    out.append(score_item(golden("q3", kind="unanswerable", answerable=False), retrieved_ids=["b_en"],
                          equivalents=EQUIVALENTS, answer=make_answer("Rien.", abstained=True), latency_ms=300.0))
    out.append(score_item(golden("q4", lang="en", kind="unanswerable", answerable=False, split="heldout"),
                          retrieved_ids=[],
                          equivalents=EQUIVALENTS, answer=make_answer("Yes [1]", [("b_en", "x")]),
                          latency_ms=400.0))
    return out


@pytest.fixture(name="make_answer")
def make_answer_fixture():
    return make_answer


@pytest.fixture(name="golden")
def golden_fixture():
    return golden


@pytest.fixture(name="synthetic_run")
def synthetic_run_fixture():
    return synthetic_run


@pytest.fixture(name="equivalents")
def equivalents_fixture():
    return dict(EQUIVALENTS)


@pytest.fixture
def run_a():
    results = synthetic_run("a")
    return summarize(results, config={"golden_name": "g.jsonl", "retrieval_only": False}), results


@pytest.fixture
def run_b():
    results = synthetic_run("b")
    return summarize(results, config={"golden_name": "g.jsonl", "retrieval_only": False}), results
