"""The held-out rule: a third of every (batch, kind, class) stratum, by hashed id, order-independent."""
from collections import Counter

from communique.evals.golden import GoldenItem
from communique.evals.splits import HELDOUT, assign_splits, heldout_count, split_mismatches


def _item(i, kind="en-en", cls="list", batch=1):
    return GoldenItem(id=f"q{i:03d}", question="?", lang="en", answerable=True, kind=kind, question_class=cls,
                      batch=batch)


def test_a_third_of_each_stratum_is_held_out():
    items = [_item(i) for i in range(30)] + [_item(100 + i, "fr-fr", "where") for i in range(7)] + [_item(200, "x", "y")]
    splits = assign_splits(items)
    per_stratum = Counter((i.kind, i.question_class) for i in items if splits[i.id] == HELDOUT)
    assert per_stratum == {("en-en", "list"): 10, ("fr-fr", "where"): 2}
    assert splits["q200"] == "dev"  # a stratum of one stays in dev


def test_rule_is_deterministic_and_independent_of_order():
    items = [_item(i) for i in range(40)]
    assert assign_splits(items) == assign_splits(list(reversed(items)))
    # adding questions to another stratum does not move any split in this one
    more = items + [_item(500 + i, "fr-en") for i in range(9)]
    assert {k: v for k, v in assign_splits(more).items() if k in {i.id for i in items}} == assign_splits(items)


def test_a_new_batch_never_moves_an_earlier_question():
    first = [_item(i) for i in range(12)]
    before = assign_splits(first)
    # the same stratum grown by a later batch: without the batch in the stratum, the held-out cut
    # would move (12 -> 4 held out becomes 36 -> 12) and dev questions already read would be re-dealt
    grown = first + [_item(300 + i, batch=2) for i in range(24)]
    after = assign_splits(grown)
    assert {k: after[k] for k in before} == before
    assert Counter(after[i.id] for i in grown[12:]) == {"dev": 16, HELDOUT: 8}
    unbatched = assign_splits(first + [_item(300 + i) for i in range(24)])
    assert {k: unbatched[k] for k in before} != before  # what the batch protects against


def test_heldout_count_rounds_half_up():
    assert [heldout_count(n) for n in (0, 1, 2, 3, 4, 5, 6, 8)] == [0, 0, 1, 1, 1, 2, 2, 3]


def test_mismatches_name_the_question():
    items = [_item(i) for i in range(6)]
    written = assign_splits(items)
    some = next(k for k, v in written.items() if v == HELDOUT)
    written[some] = "dev"
    assert split_mismatches(items, written) == [f"{some}: split is 'dev', the rule gives 'heldout'"]


def test_folds_are_balanced_per_stratum_and_order_free():
    from communique.evals.splits import assign_folds

    items = [_item(i) for i in range(20)] + [_item(100 + i, "fr-fr", "where") for i in range(3)]
    folds = assign_folds(items, k=5)
    assert set(folds.values()) == {0, 1, 2, 3, 4}
    assert Counter(folds[i.id] for i in items[:20]) == {f: 4 for f in range(5)}
    assert len({folds[i.id] for i in items[20:]}) == 3  # a small stratum spreads over folds
    assert assign_folds(list(reversed(items)), k=5) == folds


def test_fold_count_must_be_at_least_two():
    import pytest

    from communique.evals.splits import assign_folds

    with pytest.raises(ValueError, match="k >= 2"):
        assign_folds([_item(1)], k=1)
