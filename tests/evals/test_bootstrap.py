"""Bootstrap intervals over per-question values: seeded, deterministic, and sensible."""
import random

import pytest

from communique.evals.bootstrap import bootstrap_intervals, outside
from communique.evals.metrics import aggregate


def _items(n, p, seed=1):
    r = random.Random(seed)
    return [{"recall@5": float(r.random() < p), "fact_coverage": r.random(), "abstention_accuracy": None}
            for _ in range(n)]


def test_same_input_same_interval_and_label_changes_the_draws():
    items = _items(120, 0.7)
    lat = [float(i) for i in range(120)]
    first = bootstrap_intervals(items, lat, label="by_kind=en-en")
    assert bootstrap_intervals(items, lat, label="by_kind=en-en") == first
    assert bootstrap_intervals(items, lat, label="by_kind=fr-fr") != first
    assert bootstrap_intervals(items, lat, label="by_kind=en-en", seed=7) != first


def test_interval_contains_the_value_and_shrinks_with_more_questions():
    small, large = _items(40, 0.7), _items(400, 0.7, seed=2)
    for items in (small, large):
        values = aggregate(items, [1.0] * len(items))
        ci = bootstrap_intervals(items, [1.0] * len(items))
        for metric in ("recall@5", "fact_coverage"):
            low, high = ci[metric]
            assert low <= values[metric] <= high
    width = lambda ci: ci["recall@5"][1] - ci["recall@5"][0]  # noqa: E731
    assert width(bootstrap_intervals(large, [1.0] * 400)) < width(bootstrap_intervals(small, [1.0] * 40))


def test_binomial_interval_has_the_textbook_width():
    # 100 questions, 70 right: the normal approximation gives ±1.96·sqrt(.7·.3/100) ≈ ±0.09
    items = [{"recall@5": 1.0}] * 70 + [{"recall@5": 0.0}] * 30
    low, high = bootstrap_intervals(items, [1.0] * 100)["recall@5"]
    assert 0.15 < high - low < 0.21
    assert low < 0.7 < high


def test_metrics_that_never_apply_have_no_interval_and_constant_values_have_zero_width():
    items = [{"recall@5": 1.0, "abstention_accuracy": None}] * 10
    ci = bootstrap_intervals(items, [5.0] * 10)
    assert ci["abstention_accuracy"] is None and ci["mrr@10"] is None
    assert ci["recall@5"] == (1.0, 1.0)
    assert ci["latency_p50_ms"] == (5.0, 5.0)


def test_metric_mean_skips_items_it_does_not_apply_to():
    # half the items do not apply: the interval is over the applicable ones only
    items = [{"fact_coverage": 1.0}, {"fact_coverage": None}] * 20
    assert bootstrap_intervals(items, [1.0] * 40)["fact_coverage"] == (1.0, 1.0)


def test_untimed_questions_are_left_out_of_latency():
    items = [{}] * 6
    ci = bootstrap_intervals(items, [10.0, 10.0, None, 10.0, None, 10.0])
    assert ci["latency_p95_ms"] == (10.0, 10.0)
    assert bootstrap_intervals([{}], [None])["latency_p50_ms"] is None


def test_empty_group_and_bad_arguments():
    assert all(v is None for v in bootstrap_intervals([], []).values())
    with pytest.raises(ValueError, match="same questions"):
        bootstrap_intervals([{}], [])
    with pytest.raises(ValueError, match="level"):
        bootstrap_intervals([{}], [1.0], level=95)


def test_outside():
    assert outside(0.5, (0.0, 0.4)) and outside(-0.1, (0.0, 0.4))
    assert not outside(0.4, (0.0, 0.4)) and not outside(None, (0, 1)) and not outside(0.5, None)
