"""Eval metrics as plain functions of ids and text: testable without any model.

Retrieval is scored at the announcement level. `equivalents` maps a release id to a group
key (its `pair_id`, else its own id), so the French and English versions of one
announcement are one unit: retrieving the translation of a gold release counts, and several
chunks or both versions of one announcement count once (first position kept).

A metric that does not apply to an item (retrieval on an unanswerable question, citation
precision when nothing was cited) is `None` for that item, and averages skip `None`s.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping, Sequence

from communique.evals.matching import facts_present

# Names exactly as they appear in summary.json; order is the report's order.
RETRIEVAL_METRICS = ("recall@1", "recall@5", "mrr@10", "ndcg@10")
ANSWER_METRICS = (
    "fact_coverage",
    "citation_precision",
    "citation_recall",
    "abstention_accuracy",
    "false_abstention_rate",
)
LATENCY_METRICS = ("latency_p50_ms", "latency_p95_ms")
ALL_METRICS = RETRIEVAL_METRICS + ANSWER_METRICS + LATENCY_METRICS
# For these, smaller is better (floors are ceilings, a rise is a regression).
LOWER_IS_BETTER = frozenset({"false_abstention_rate", "latency_p50_ms", "latency_p95_ms"})


def _key(release_id: str, equivalents: Mapping[str, str] | None) -> str:
    return equivalents.get(release_id, release_id) if equivalents else release_id


def announcement_ranking(
    ranked_release_ids: Iterable[str], equivalents: Mapping[str, str] | None = None
) -> list[str]:
    """Group keys in rank order, each kept at its first position only."""
    seen: set[str] = set()
    ranking: list[str] = []
    for release_id in ranked_release_ids:
        key = _key(release_id, equivalents)
        if key not in seen:
            seen.add(key)
            ranking.append(key)
    return ranking


def _gold_keys(gold_ids: Iterable[str], equivalents: Mapping[str, str] | None) -> set[str]:
    return {_key(g, equivalents) for g in gold_ids}


def recall_at_k(
    ranked_release_ids: Sequence[str],
    gold_ids: Iterable[str],
    k: int,
    equivalents: Mapping[str, str] | None = None,
) -> float | None:
    """Share of gold announcements among the first `k` distinct announcements retrieved."""
    gold = _gold_keys(gold_ids, equivalents)
    if not gold:
        return None
    top = announcement_ranking(ranked_release_ids, equivalents)[:k]
    return len(gold.intersection(top)) / len(gold)


def mrr_at_k(
    ranked_release_ids: Sequence[str],
    gold_ids: Iterable[str],
    k: int = 10,
    equivalents: Mapping[str, str] | None = None,
) -> float | None:
    """1 / rank of the first gold announcement within the top `k`, else 0."""
    gold = _gold_keys(gold_ids, equivalents)
    if not gold:
        return None
    for rank, key in enumerate(announcement_ranking(ranked_release_ids, equivalents)[:k], 1):
        if key in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(
    ranked_release_ids: Sequence[str],
    gold_ids: Iterable[str],
    k: int = 10,
    equivalents: Mapping[str, str] | None = None,
) -> float | None:
    """Binary-relevance nDCG over distinct announcements (each gold one counts once)."""
    gold = _gold_keys(gold_ids, equivalents)
    if not gold:
        return None
    top = announcement_ranking(ranked_release_ids, equivalents)[:k]
    dcg = sum(1.0 / math.log2(i + 2) for i, key in enumerate(top) if key in gold)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(gold), k)))
    return dcg / ideal


def fact_coverage(facts: Sequence[str | Sequence[str]], text: str) -> float | None:
    """Share of facts stated in `text` (the answer plus its cited quotes)."""
    if not facts:
        return None
    found = facts_present(facts, text)
    return sum(found) / len(found)


def citation_precision(
    cited_release_ids: Sequence[str],
    gold_ids: Iterable[str],
    equivalents: Mapping[str, str] | None = None,
) -> float | None:
    """Share of citations pointing at a gold announcement; None when nothing was cited."""
    if not cited_release_ids:
        return None
    gold = _gold_keys(gold_ids, equivalents)
    correct = sum(_key(c, equivalents) in gold for c in cited_release_ids)
    return correct / len(cited_release_ids)


def citation_recall(
    cited_release_ids: Sequence[str],
    gold_ids: Iterable[str],
    equivalents: Mapping[str, str] | None = None,
) -> float:
    """1.0 when at least one citation points at a gold announcement, else 0.0.

    Averaged over answerable items this is the share of questions with a correct citation.
    """
    gold = _gold_keys(gold_ids, equivalents)
    return float(any(_key(c, equivalents) in gold for c in cited_release_ids))


def abstention_accuracy(abstained: bool) -> float:
    """For an unanswerable item: 1.0 when the assistant said the announcements don't say."""
    return float(abstained)


def false_abstention(abstained: bool) -> float:
    """For an answerable item: 1.0 when the assistant wrongly said it could not answer."""
    return float(abstained)


def percentile(values: Sequence[float], q: float) -> float | None:
    """q-th percentile (0-100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must be within 0..100, got {q}")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = math.floor(pos)
    high = math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: Iterable[float | None]) -> float | None:
    """Average of the values that apply (not None); None if none do."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def aggregate(per_item: Sequence[Mapping[str, float | None]], latencies_ms: Sequence[float]) -> dict[str, float | None]:
    """Summary metrics of a group of items: means of per-item values, latency percentiles."""
    out: dict[str, float | None] = {
        name: mean(item.get(name) for item in per_item)
        for name in RETRIEVAL_METRICS + ANSWER_METRICS
    }
    out["latency_p50_ms"] = percentile(latencies_ms, 50)
    out["latency_p95_ms"] = percentile(latencies_ms, 95)
    return out
