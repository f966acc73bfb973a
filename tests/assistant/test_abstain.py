"""The abstention policy: hard gates for near misses, then a fitted logistic model per case."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from communique.assistant.abstain import (
    FEATURES,
    Model,
    Policy,
    Signals,
    confidence,
    features,
    gated,
    load_models,
    probability,
    should_abstain,
)

STRONG = Signals(coverage=0.8, context_coverage=0.9, specifics=1.0, n_specifics=1, dense=0.55, cue=1.0,
                 cross_language=False, semantic=0.6, hit_rank=1)
NOTHING = Signals(coverage=0.0, context_coverage=0.0, specifics=1.0, n_specifics=0, dense=0.0, cue=0.0,
                  cross_language=False, semantic=0.0, kind_value=0.0)


def test_strong_evidence_answers_and_no_evidence_abstains():
    assert not should_abstain(STRONG)
    assert should_abstain(NOTHING)
    assert should_abstain(replace(NOTHING, cross_language=True))


@pytest.mark.parametrize("near_miss", [
    {"numbers_present": 0.0},  # "the rate for 2026" over releases that never say 2026
    {"dates_present": 0.0},  # "as of June 30, 2024" in no cited sentence
    {"specifics": 0.0},  # "New Brunswick" asked, only Nova Scotia announced
    {"specifics": 0.33, "n_specifics": 3},
    {"places_present": 0.0},  # British Columbia asked, only Alberta's release cited
    {"amount_asked": True, "kind_value": 0.0},  # "how much?" and no sum cited but the question's own
])
def test_near_misses_are_gated_whatever_the_overlap(near_miss):
    signals = replace(STRONG, **near_miss)
    assert gated(signals) and should_abstain(signals)
    assert not gated(replace(STRONG, specifics=0.5, n_specifics=2))
    assert not gated(replace(STRONG, amount_asked=True))  # a sum is cited
    assert not gated(replace(STRONG, kind_value=0.0))  # no sum asked: a count's noun may be written otherwise


def test_the_shipped_model_is_fitted_and_loads(tmp_path):
    models = load_models()
    assert set(models) == {"same", "cross"}
    for model in models.values():
        assert set(model.weights) <= set(FEATURES) and 0.0 < model.threshold < 1.0
    data = {name: {"bias": 0.5, "weights": {"coverage": 2.0, "unknown": 9.0}, "threshold": 0.7}
            for name in ("same", "cross")}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_models(path)
    assert loaded["same"] == Model(0.5, {"coverage": 2.0}, 0.7)  # unknown features ignored
    assert load_models(tmp_path / "missing.json")["same"].weights  # the fallback when absent


def test_probability_is_the_logistic_of_the_weighted_features():
    model = Model(-1.0, {"coverage": 2.0, "semantic": 1.0}, 0.5)
    assert probability(model, {"coverage": 0.5, "semantic": 0.0}) == pytest.approx(0.5)
    assert probability(model, {"coverage": 1.0, "semantic": 1.0}) == pytest.approx(1 / (1 + 2.718281828 ** -2), 1e-6)
    # no semantic value (no embedder): the passage's dense similarity stands in
    assert features(replace(STRONG, semantic=None))["semantic"] == STRONG.dense


def test_policy_thresholds_are_settable():
    assert should_abstain(STRONG, Policy(threshold=0.9999))
    assert not should_abstain(replace(STRONG, coverage=0.3), Policy(threshold=0.0))
    assert 0.0 <= confidence(STRONG) <= 1.0


def test_a_same_language_sentence_sharing_no_word_with_the_question_is_gated():
    """Whatever the fitted model says about "no names asked" (specifics = 1), no word in common is no evidence."""
    assert gated(NOTHING)
    assert not gated(replace(NOTHING, coverage=0.1))
    assert not gated(replace(NOTHING, context_coverage=0.2))  # the title shares the question's words
    assert not gated(replace(NOTHING, cross_language=True))  # across languages the semantic signal decides
