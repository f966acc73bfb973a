"""The learnt sentence-score correction (assistant/ranking.py): what it adds, and how a bad model
file is met (named in the log, scores left as the hand weights make them)."""
from __future__ import annotations

import json
import logging

import pytest

from communique.assistant import ranking
from communique.assistant.extractive import Sentence
from communique.assistant.ranking import FEATURES, RankModel, features, load_model, rerank
from communique.index.models import Hit


def _sentence(text: str, *, lang: str = "en", lexical: float = 1.0, rank: int = 1, start: int = 0) -> Sentence:
    hit = Hit(chunk_id="c", release_id=f"r-{lang}", text=text, start=0, end=len(text), title="T", date=None, url="",
              lang=lang, pair_id=None, dense_score=0.5, lexical_score=lexical, rank=rank)
    return Sentence(hit, start, start + len(text), text, lead=start == 0, coverage=0.5, score=0.6)


def test_features_are_one_row_per_candidate_in_feature_order():
    pool = [_sentence("The fund is $5 million.", lexical=4.0), _sentence("Le fonds.", lang="fr", lexical=2.0, start=900)]
    rows = features(pool, "en", "amount")
    assert [len(r) for r in rows] == [len(FEATURES)] * 2
    named = [dict(zip(FEATURES, r)) for r in rows]
    assert named[0]["lexical"] == 1.0 and named[1]["lexical"] == 0.5  # relative to the pool's best
    assert named[0]["cross"] == 0.0 and named[1]["cross"] == 1.0
    assert named[0]["early"] == 1.0 and named[1]["early"] == 0.0
    assert named[0]["cue_unasked"] == 0.0  # a kind was asked


def test_rerank_adds_the_weighted_correction_and_can_reorder():
    strong, weak = _sentence("A.", lexical=4.0), _sentence("B.", lexical=1.0)
    weak.score = 0.65  # ahead on the hand score
    rerank([strong, weak], "en", "other", RankModel({"lexical": 0.2}))
    assert strong.score == pytest.approx(0.6 + 0.2)
    assert weak.score == pytest.approx(0.65 + 0.2 * 0.25)
    assert strong.score > weak.score


def test_no_model_leaves_scores_alone():
    sent = _sentence("A.")
    rerank([sent], "en", "other", None)
    assert sent.score == 0.6


def test_the_shipped_model_is_complete_and_beat_the_hand_score_out_of_sample():
    data = json.loads(ranking.MODEL_FILE.read_text(encoding="utf-8"))
    assert set(data["weights"]) == set(FEATURES)
    measured = data["measured"]
    assert measured["fact_first_corrected_cross_validated"] > measured["fact_first_hand"]
    assert data["fitted_on"]["split"] == "dev"


def test_a_damaged_model_file_is_named_and_ignored(tmp_path, caplog):
    path = tmp_path / "rank_model.json"
    path.write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        assert load_model(path) is None
    assert str(path) in caplog.text


def test_unknown_features_are_dropped_with_a_message(tmp_path, caplog):
    path = tmp_path / "rank_model.json"
    path.write_text(json.dumps({"weights": {"lexical": 0.3, "made_up": 9.0}, "beta": 10}), encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        model = load_model(path)
    assert model == RankModel({"lexical": 0.3}, 10.0)
    assert "made_up" in caplog.text


def test_a_missing_file_or_the_switch_means_hand_weights(tmp_path, monkeypatch):
    assert load_model(tmp_path / "absent.json") is None
    path = tmp_path / "rank_model.json"
    path.write_text(json.dumps({"weights": {"lexical": 0.3}}), encoding="utf-8")
    assert load_model(path) == RankModel({"lexical": 0.3}, 10.0)
    monkeypatch.setenv("COMMUNIQUE_RANKER", "0")
    assert load_model(path) is None  # the switch works after the model was first read
    monkeypatch.delenv("COMMUNIQUE_RANKER")
    assert load_model(path) == RankModel({"lexical": 0.3}, 10.0)


def test_a_beta_that_is_not_a_number_is_refused(tmp_path, caplog):
    path = tmp_path / "rank_model.json"
    path.write_text(json.dumps({"weights": {"lexical": 0.3}, "beta": None}), encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        assert load_model(path) is None
    assert str(path) in caplog.text


def test_a_weight_that_is_not_a_finite_number_is_refused(tmp_path, caplog):
    path = tmp_path / "rank_model.json"
    path.write_text('{"weights": {"lexical": NaN}, "beta": 10}', encoding="utf-8")  # json.loads accepts NaN
    with caplog.at_level(logging.ERROR):
        assert load_model(path) is None
    assert str(path) in caplog.text and "finite" in caplog.text
