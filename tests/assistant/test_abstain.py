"""The abstention score: monotonic in its evidence, separate for cross-language answers."""
from __future__ import annotations

from dataclasses import replace

from assistant.abstain import Policy, Signals, confidence, should_abstain

STRONG = Signals(coverage=0.8, context_coverage=0.9, specifics=1.0, n_specifics=1, dense=0.55, cue=1.0,
                 cross_language=False)


def test_strong_evidence_answers_and_weak_evidence_abstains():
    assert not should_abstain(STRONG)
    weak = replace(STRONG, coverage=0.1, context_coverage=0.15, dense=0.2)
    assert should_abstain(weak)


def test_a_missing_name_or_number_of_the_question_costs_most():
    near_miss = replace(STRONG, coverage=0.45, context_coverage=0.45, specifics=0.0, dense=0.42)
    assert should_abstain(near_miss)
    assert not should_abstain(replace(near_miss, specifics=1.0))


def test_confidence_grows_with_each_signal():
    base = replace(STRONG, coverage=0.4, context_coverage=0.4, specifics=0.5, dense=0.3)
    for field in ("coverage", "context_coverage", "specifics", "dense"):
        assert confidence(replace(base, **{field: getattr(base, field) + 0.2})) > confidence(base)


def test_cross_language_uses_semantic_similarity_and_the_cue():
    cross = Signals(coverage=0.1, context_coverage=0.4, specifics=1.0, n_specifics=0, dense=0.4, cue=1.0,
                    cross_language=True, semantic=0.45)
    assert not should_abstain(cross)
    assert should_abstain(replace(cross, semantic=0.0))
    assert should_abstain(replace(cross, cue=0.0))
    assert confidence(replace(cross, semantic=None)) == confidence(replace(cross, semantic=cross.dense))


def test_policy_thresholds_are_settable():
    assert should_abstain(STRONG, Policy(threshold=0.9999))
