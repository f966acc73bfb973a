"""Per-question scoring, the pass verdict and the overall / by-lang / by-kind aggregation."""
import pytest

from communique.evals.scoring import failure_reasons, score_item, summarize


def test_answerable_item_scored_with_translation_credit(golden, make_answer, synthetic_run, equivalents):
    r = synthetic_run("a")[0]  # gold a_fr; retrieved and cited a_en (its translation)
    assert r.retrieved == ["a_en", "b_en"]
    assert r.metrics["recall@1"] == 1.0
    assert r.metrics["citation_precision"] == 1.0
    assert r.metrics["citation_recall"] == 1.0
    assert r.metrics["fact_coverage"] == 1.0
    assert r.metrics["false_abstention_rate"] == 0.0
    assert r.metrics["abstention_accuracy"] is None
    assert r.passed is True
    assert failure_reasons(r) == []


def test_facts_in_cited_quotes_count(golden, make_answer, synthetic_run, equivalents):
    item = golden("q", facts=["Cornwall", "600 000"])
    answer = make_answer("Voir [1].", [("a_fr", "600\u202f000 $ à Cornwall")])
    r = score_item(item, retrieved_ids=["a_fr"], equivalents=equivalents, answer=answer, latency_ms=1)
    assert r.metrics["fact_coverage"] == 1.0 and r.missing_facts == []


def test_wrong_citation_and_missing_fact_fail_with_reasons(golden, make_answer, synthetic_run, equivalents):
    r = synthetic_run("a")[1]  # gold a_fr, cited b_en, answer lacks "Cornwall"
    assert r.metrics["recall@1"] == 0.0 and r.metrics["recall@5"] == 1.0
    assert r.metrics["mrr@10"] == 0.5
    assert r.metrics["citation_precision"] == 0.0
    assert r.missing_facts == ["Cornwall"]
    assert r.passed is False
    assert failure_reasons(r) == ["no citation to a gold source", "missing facts ['Cornwall']"]


def test_unanswerable_items_only_get_abstention_accuracy(golden, make_answer, synthetic_run, equivalents):
    q3, q4 = synthetic_run("a")[2:]
    assert q3.passed is True and q3.metrics["abstention_accuracy"] == 1.0
    assert q4.passed is False and q4.metrics["abstention_accuracy"] == 0.0
    for r in (q3, q4):
        assert all(r.metrics[k] is None for k in ("recall@5", "fact_coverage", "citation_precision",
                                                  "false_abstention_rate"))
    assert failure_reasons(q4) == ["answered an unanswerable question"]


def test_abstaining_on_answerable_is_false_abstention(golden, make_answer, synthetic_run, equivalents):
    r = synthetic_run("b")[0]
    assert r.metrics["false_abstention_rate"] == 1.0
    assert r.metrics["citation_precision"] is None  # nothing cited
    assert r.metrics["citation_recall"] == 0.0
    assert r.passed is False
    assert failure_reasons(r)[0] == "abstained"


def test_retrieval_only_scoring(golden, make_answer, synthetic_run, equivalents):
    r = score_item(golden("q"), retrieved_ids=["b_en", "a_en"], equivalents=equivalents, answer=None, latency_ms=5)
    assert r.answer is None and r.abstained is None
    assert r.metrics["recall@5"] == 1.0 and r.metrics["fact_coverage"] is None
    assert r.passed is True
    un = score_item(golden("u", answerable=False), retrieved_ids=["b_en"], equivalents=equivalents,
                    answer=None, latency_ms=5)
    assert un.passed is None


def test_error_counts_as_failed(golden, make_answer, synthetic_run, equivalents):
    r = score_item(golden("q"), retrieved_ids=[], equivalents=equivalents, answer=None, latency_ms=5,
                   error="RuntimeError: boom")
    assert r.passed is False and failure_reasons(r) == ["error: RuntimeError: boom"]


def test_summary_overall_by_lang_by_kind(golden, make_answer, synthetic_run, equivalents):
    s = summarize(synthetic_run("a"))
    assert s.n == 4
    o = s.overall
    assert o["recall@1"] == 0.5  # q1 1.0, q2 0.0; unanswerable excluded
    assert o["mrr@10"] == 0.75
    assert o["citation_precision"] == 0.5
    assert o["citation_recall"] == 0.5
    assert o["fact_coverage"] == 0.5
    assert o["abstention_accuracy"] == 0.5  # q3 right, q4 wrong
    assert o["false_abstention_rate"] == 0.0
    assert o["latency_p50_ms"] == 250.0
    assert o["latency_p95_ms"] == pytest.approx(385.0)
    assert set(s.by_lang) == {"en", "fr"}
    assert s.by_lang["fr"]["recall@1"] == 1.0
    assert s.by_lang["en"]["abstention_accuracy"] == 0.0
    assert s.by_kind["unanswerable"]["recall@1"] is None
    assert s.by_kind["unanswerable"]["abstention_accuracy"] == 0.5
    assert s.counts["overall"] == {"n": 4, "answerable": 2, "unanswerable": 2, "passed": 2, "judged": 4,
                                   "errors": 0}


def test_summary_by_batch_keeps_each_writing_round_apart(golden, make_answer, equivalents):
    from dataclasses import replace

    right = make_answer("Cornwall [1]", [("a_fr", "à Cornwall")])
    wrong = make_answer("Je ne trouve pas.", abstained=True)
    results = [score_item(replace(golden(f"q{i}"), batch=batch), retrieved_ids=["a_fr"], equivalents=equivalents,
                          answer=answer, latency_ms=10.0)
               for i, (batch, answer) in enumerate([(1, right), (1, right), (2, wrong)])]
    s = summarize(results)
    assert [r.batch for r in results] == [1, 1, 2]
    assert s.by_batch["1"]["fact_coverage"] == 1.0 and s.by_batch["2"]["fact_coverage"] == 0.0
    assert s.counts["by_batch"]["2"]["n"] == 1
    assert set(s.splits["dev"]["by_batch"]) == {"1", "2"}
