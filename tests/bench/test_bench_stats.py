from __future__ import annotations

import pytest

from communique.bench.stats import Stat, fmt_number, percentile, rates, time_calls


def test_percentile_interpolates_and_refuses_empty():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
    assert percentile([0, 10], 95) == pytest.approx(9.5)
    with pytest.raises(ValueError):
        percentile([], 50)


def test_stat_summarises_and_describes_its_spread():
    many = Stat.of(list(range(1, 21)), "ms")
    assert (many.median, many.min, many.max, many.n) == (10.5, 1, 20, 20)
    assert many.spread().startswith("p95 ")
    few = Stat.of([3.0, 1.0, 2.0], "chunks/s")
    assert few.median == 2.0 and few.spread() == "1.00–3.00 (3 runs)"
    assert Stat.of([1.0], "s").spread() == "1 run"
    assert few.scaled(100, "%").median == 200.0 and few.scaled(100, "%").unit == "%"


def test_rates_and_time_calls():
    assert rates([100, 300], [1.0, 2.0], "chunks/s").median == 125.0
    calls = []
    times = time_calls(lambda: calls.append(1), runs=3, warmup=2)
    assert len(times) == 3 and len(calls) == 5 and all(t >= 0 for t in times)


def test_fmt_number():
    assert fmt_number(1234.5) == "1,234"  # format()'s round-half-to-even
    assert fmt_number(1235.5) == "1,236"
    assert fmt_number(12.34) == "12.3"
    assert fmt_number(0.01234) == "0.0123"
    assert fmt_number(None) == "–"
