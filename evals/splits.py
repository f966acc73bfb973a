"""The held-out split: a third of every (batch, kind, class) stratum, chosen by a hash of the id.

Why a rule and not a hand pick: whoever tunes the answerer must not choose (or drift) which
questions it is measured on out of sample. The rule only reads ids, batches, kinds and classes, so it
is reproducible from the file alone, and `tests/evals/test_golden_files.py` checks that the
`split` values written in the golden files are exactly what it gives.

Rule: group items by (batch, kind, class); in each group sort by SHA-256 of "heldout:" + id and
mark the first round(n / 3) items "heldout", the rest "dev". The batch (the writing round, 1 unless
the item says otherwise) is part of the stratum so that adding questions never moves an earlier
question between splits: a dev question someone has already read cannot become held-out.
"""
from __future__ import annotations

import hashlib
from typing import Iterable, Mapping, Protocol

from communique.evals.golden import DEV

HELDOUT = "heldout"
HELDOUT_SHARE = 1 / 3


class Stratifiable(Protocol):
    id: str
    kind: str
    question_class: str
    batch: int


def _rank(item_id: str) -> str:
    return hashlib.sha256(f"heldout:{item_id}".encode("utf-8")).hexdigest()


def heldout_count(n: int) -> int:
    """How many of a stratum of `n` items are held out (round half up, so 2 of 5, 1 of 2)."""
    return int(n * HELDOUT_SHARE + 0.5)


def assign_splits(items: Iterable[Stratifiable]) -> dict[str, str]:
    """id → "dev" | "heldout" by the rule above."""
    strata: dict[tuple[int, str, str], list[str]] = {}
    for item in items:
        strata.setdefault((item.batch, item.kind, item.question_class), []).append(item.id)
    splits: dict[str, str] = {}
    for ids in strata.values():
        ordered = sorted(ids, key=_rank)
        cut = heldout_count(len(ordered))
        for i, item_id in enumerate(ordered):
            splits[item_id] = HELDOUT if i < cut else DEV
    return splits


def split_mismatches(items: Iterable[Stratifiable], written: Mapping[str, str]) -> list[str]:
    """Ids whose written split differs from the rule's, as readable lines."""
    items = list(items)
    expected = assign_splits(items)
    return [f"{item.id}: split is {written.get(item.id, DEV)!r}, the rule gives {expected[item.id]!r}"
            for item in items if written.get(item.id, DEV) != expected[item.id]]


def assign_folds(items: Iterable[Stratifiable], k: int = 5) -> dict[str, int]:
    """id → fold 0..k-1 for k-fold cross-validation (e.g. calibrating abstention out of sample).

    Stratified by (kind, class), like the held-out split without its batch (folds are redrawn for each
    fit, so nothing already read can move): within each stratum, items sorted by
    SHA-256 of "fold:" + id are dealt round-robin, so every fold gets its share of every stratum
    and the folds do not depend on file order.
    """
    if k < 2:
        raise ValueError(f"k-fold needs k >= 2, got {k}")
    strata: dict[tuple[str, str], list[str]] = {}
    for item in items:
        strata.setdefault((item.kind, item.question_class), []).append(item.id)
    folds: dict[str, int] = {}
    offset = 0
    for key in sorted(strata):
        ordered = sorted(strata[key], key=lambda i: hashlib.sha256(f"fold:{i}".encode("utf-8")).hexdigest())
        for position, item_id in enumerate(ordered):
            folds[item_id] = (offset + position) % k
        offset += len(ordered)  # strata smaller than k do not all start at fold 0
    return folds
