"""The project's golden sets are valid: schema, unique ids, sources exist, facts occur in a source."""
from __future__ import annotations

from pathlib import Path

import pytest

from evals.golden import check_golden, load_golden
from index.retriever import Retriever

GOLDEN = Path(__file__).resolve().parents[2] / "evals" / "golden"


def _check(path: Path, index_dir: Path) -> list[str]:
    items = load_golden(path)
    retriever = Retriever.open(index_dir)
    ids = {s for item in items for s in item.sources}
    return check_golden(items, retriever.releases(sorted(ids)))


def test_samples_golden_set_is_valid(samples_index):
    items = load_golden(GOLDEN / "samples.jsonl")
    assert len(items) >= 40
    assert {i.lang for i in items} == {"en", "fr"}
    assert any(not i.answerable for i in items) and any(i.history for i in items)
    assert _check(GOLDEN / "samples.jsonl", samples_index) == []


@pytest.mark.slow
def test_shared_golden_set_is_valid(shared_index):
    items = load_golden(GOLDEN / "shared.jsonl")
    assert len(items) >= 150
    kinds = {i.kind for i in items}
    assert {"en-en", "fr-fr", "en-fr", "fr-en", "followup", "unanswerable"} <= kinds
    assert _check(GOLDEN / "shared.jsonl", shared_index) == []
