"""Metrics against hand-computed values: announcement level, translations, duplicates, nDCG."""
import math

import pytest

from communique.evals import metrics as m

# a_fr/a_en and g_fr/g_en are the two language versions of announcements A and G.
EQ = {"a_fr": "A", "a_en": "A", "g_fr": "G", "g_en": "G"}
RANKED = ["a_fr", "a_fr", "b_en", "a_en", "c", "g_fr"]  # announcements: A, b_en, c, G


def test_announcement_ranking_dedupes_chunks_and_translations():
    assert m.announcement_ranking(RANKED, EQ) == ["A", "b_en", "c", "G"]
    assert m.announcement_ranking(RANKED) == ["a_fr", "b_en", "a_en", "c", "g_fr"]


def test_translation_of_gold_counts():
    # gold is the English version; the French one is retrieved at announcement rank 4
    assert m.recall_at_k(RANKED, ["g_en"], 1, EQ) == 0.0
    assert m.recall_at_k(RANKED, ["g_en"], 5, EQ) == 1.0
    assert m.mrr_at_k(RANKED, ["g_en"], 10, EQ) == pytest.approx(0.25)
    assert m.ndcg_at_k(RANKED, ["g_en"], 10, EQ) == pytest.approx(1 / math.log2(5))
    # without the equivalence the translation is not credited
    assert m.recall_at_k(RANKED, ["g_en"], 5) == 0.0
    assert m.mrr_at_k(RANKED, ["g_en"], 10) == 0.0


def test_duplicate_chunks_of_one_release_count_once():
    ranked = ["x", "x", "x", "x", "gold"]
    assert m.recall_at_k(ranked, ["gold"], 2) == 1.0  # 2nd distinct release, not 5th chunk
    assert m.mrr_at_k(ranked, ["gold"]) == 0.5


def test_both_gold_versions_listed_count_as_one_announcement():
    # the golden file lists both versions; retrieving one of them is full recall
    assert m.recall_at_k(["g_fr"], ["g_fr", "g_en"], 1, EQ) == 1.0
    assert m.ndcg_at_k(["g_fr"], ["g_fr", "g_en"], 10, EQ) == 1.0


def test_two_gold_announcements():
    gold = ["b_en", "g_en"]  # ranks 2 and 4 of A, b_en, c, G
    assert m.recall_at_k(RANKED, gold, 1, EQ) == 0.0
    assert m.recall_at_k(RANKED, gold, 2, EQ) == 0.5
    assert m.recall_at_k(RANKED, gold, 5, EQ) == 1.0
    assert m.mrr_at_k(RANKED, gold, 10, EQ) == 0.5
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3)
    assert m.ndcg_at_k(RANKED, gold, 10, EQ) == pytest.approx(dcg / idcg)
    assert m.ndcg_at_k(RANKED, gold, 10, EQ) == pytest.approx(0.650921, abs=1e-6)


def test_cutoff_k_applies_to_distinct_announcements():
    ranked = [f"r{i}" for i in range(10)] + ["gold"]
    assert m.mrr_at_k(ranked, ["gold"], 10) == 0.0
    assert m.ndcg_at_k(ranked, ["gold"], 10) == 0.0
    assert m.mrr_at_k(ranked, ["gold"], 11) == pytest.approx(1 / 11)


def test_perfect_and_empty_rankings():
    assert m.ndcg_at_k(["g"], ["g"]) == 1.0
    assert m.recall_at_k([], ["g"], 5) == 0.0
    assert m.mrr_at_k([], ["g"]) == 0.0
    # no gold: the metric does not apply
    assert m.recall_at_k(["g"], [], 5) is None
    assert m.ndcg_at_k(["g"], []) is None


def test_fact_coverage():
    facts = ["Cornwall", ["$70 million", "70 millions"], "2025"]
    assert m.fact_coverage(facts, "Cornwall gets 70 millions") == pytest.approx(2 / 3)
    assert m.fact_coverage([], "anything") is None


def test_citation_precision_and_recall_with_translations():
    cited = ["a_en", "g_fr", "c"]
    assert m.citation_precision(cited, ["a_fr"], EQ) == pytest.approx(1 / 3)
    assert m.citation_precision(cited, ["a_fr", "g_en"], EQ) == pytest.approx(2 / 3)
    assert m.citation_recall(cited, ["g_en"], EQ) == 1.0
    assert m.citation_recall(["c"], ["g_en"], EQ) == 0.0
    assert m.citation_precision([], ["g_en"], EQ) is None
    assert m.citation_recall([], ["g_en"], EQ) == 0.0


def test_abstention_metrics():
    assert m.abstention_accuracy(True) == 1.0
    assert m.abstention_accuracy(False) == 0.0
    assert m.false_abstention(True) == 1.0
    assert m.false_abstention(False) == 0.0


def test_percentile_matches_linear_interpolation():
    values = [10.0, 20.0, 30.0, 40.0]
    assert m.percentile(values, 50) == 25.0
    assert m.percentile(values, 95) == pytest.approx(38.5)
    assert m.percentile([7.0], 95) == 7.0
    assert m.percentile([], 50) is None
    with pytest.raises(ValueError):
        m.percentile(values, 101)


def test_aggregate_skips_items_a_metric_does_not_apply_to():
    per_item = [
        {"recall@5": 1.0, "false_abstention_rate": 0.0, "abstention_accuracy": None},
        {"recall@5": 0.0, "false_abstention_rate": 1.0, "abstention_accuracy": None},
        {"recall@5": None, "false_abstention_rate": None, "abstention_accuracy": 1.0},
    ]
    out = m.aggregate(per_item, [100.0, 200.0, 300.0])
    assert out["recall@5"] == 0.5
    assert out["false_abstention_rate"] == 0.5
    assert out["abstention_accuracy"] == 1.0
    assert out["fact_coverage"] is None
    assert out["latency_p50_ms"] == 200.0
    assert set(out) == set(m.ALL_METRICS)
