"""The assistant over the shared evaluation index (~12,500 chunks of real GC and provincial
announcements; skipped when ../shared/corpus is absent): golden questions of every kind, the
abstention on unanswerable ones, and the latency of `ask` at that size."""
from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from communique.evals.golden import load_golden
from communique.evals.matching import facts_present

GOLDEN = Path(__file__).resolve().parents[2] / "evals" / "golden" / "shared.jsonl"


@pytest.fixture(scope="module")
def golden():
    return {item.id: item for item in load_golden(GOLDEN)}


def _pair_key(release_id: str) -> str:
    """Both language versions of one announcement share the id before their -en/-fr suffix."""
    return release_id[:-3] if release_id.endswith(("-en", "-fr")) else release_id


@pytest.mark.parametrize(
    "item_id",
    [
        "g002", "g004",  # English question, English text
        "g020", "g021",  # French, French
        "g036", "g052",  # English question, answer only in the French seed release
        "g261",  # French question, answer only in an English provincial release
        "g133", "g141", "g146",  # follow-ups, EN and FR
    ],
)
def test_golden_questions_are_answered_with_their_facts_and_sources(shared_assistant, golden, item_id):
    """Dev items only: a test pinned to a held-out question would make it a tuning target."""
    item = golden[item_id]
    assert item.split == "dev", f"{item_id} is in the {item.split} split"
    answer = shared_assistant.ask(item.question, history=item.history or None)
    assert not answer.abstained, answer.text
    assert answer.language == item.lang
    gold = {_pair_key(s) for s in item.sources}
    assert any(_pair_key(c.release_id) in gold for c in answer.citations), answer.text
    assert all(facts_present(item.facts, answer.text)), (item.facts, answer.text)


def test_unanswerable_questions_get_not_found(shared_assistant, golden):
    """Over every unanswerable question of the dev split (held-out ones are never pinned in a test: that
    would invite tuning on them): most say "not found", in the asker's language. 0.67 measured on
    2026-12-01; the policy's trade-off is in assistant/README.md."""
    items = [item for item in golden.values() if not item.answerable and item.split == "dev"]
    answers = [shared_assistant.ask(item.question) for item in items]
    assert len(items) >= 25 and all(a.language == item.lang for a, item in zip(answers, items))
    rate = sum(a.abstained for a in answers) / len(answers)
    assert rate >= 0.6, f"{rate:.2f} of {len(items)} unanswerable dev questions said 'not found'"


def test_ask_latency_on_the_shared_index(shared_assistant, golden):
    shared_assistant.ask("warm-up question about harbours")
    totals = [shared_assistant.ask(item.question, history=item.history or None).timings["total"]
              for item in list(golden.values())[:60]]
    median = statistics.median(totals)
    print(f"ask latency over {len(totals)} golden questions: median {median:.0f} ms, max {max(totals):.0f} ms")
    # The target is a median under 150 ms (measured ~60 ms on 2 busy cores); the bound leaves room for a
    # loaded CI machine while still catching an order-of-magnitude regression.
    assert median < 300
