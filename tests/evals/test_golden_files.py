"""The project's golden sets are valid: schema, unique ids, sources exist, facts occur in a source,
every class is represented in both languages, and the held-out split is exactly the rule's."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from communique.evals.golden import CLASSES, check_golden, load_golden
from communique.evals.splits import HELDOUT, split_mismatches
from communique.index.retriever import Retriever

GOLDEN = Path(__file__).resolve().parents[2] / "evals" / "golden"
FILES = ("samples.jsonl", "shared.jsonl")


def _check(path: Path, index_dir: Path) -> list[str]:
    items = load_golden(path)
    retriever = Retriever.open(index_dir)
    ids = {s for item in items for s in item.sources}
    return check_golden(items, retriever.releases(sorted(ids)))


@pytest.mark.parametrize("name", FILES)
def test_written_splits_follow_the_rule(name):
    items = load_golden(GOLDEN / name)
    assert split_mismatches(items, {i.id: i.split for i in items}) == []
    heldout = sum(i.split == HELDOUT for i in items)
    # each stratum rounds its third by at most half a question
    assert abs(heldout - len(items) / 3) <= len({(i.batch, i.kind, i.question_class) for i in items}) / 2


def test_shared_set_has_every_class_in_both_languages():
    items = load_golden(GOLDEN / "shared.jsonl")
    assert sum(i.answerable for i in items) > 150
    per_class = Counter(i.question_class for i in items)
    per_class_lang = Counter((i.question_class, i.lang) for i in items)
    for cls in CLASSES:
        assert per_class[cls] >= 15, (cls, per_class[cls])
        assert per_class_lang[(cls, "en")] >= 7 and per_class_lang[(cls, "fr")] >= 7, cls
    crosslang_kinds = Counter(i.kind for i in items if i.question_class == "crosslang")
    assert crosslang_kinds["en-fr"] >= 7 and crosslang_kinds["fr-en"] >= 7


def test_samples_set_has_new_classes():
    items = load_golden(GOLDEN / "samples.jsonl")
    assert len({i.question_class for i in items} & set(CLASSES)) >= 5


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
