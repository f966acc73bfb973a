"""Provinces under every name (assistant/places.py), and "another province" for the near-miss gate."""
from __future__ import annotations

from communique.assistant.places import mentions, other_province


def test_a_province_under_its_short_names():
    assert mentions("new homes for islanders across pei", "Prince Edward Island")
    assert mentions("la c b annonce", "British Columbia") and mentions("bc parks", "Colombie-Britannique")
    assert mentions("in alberta", "Manitoba") is False and mentions("in alberta", "Halifax") is None


def test_another_province_is_one_the_question_does_not_name():
    assert other_province("the most popular names in alberta", ["British Columbia"])
    assert not other_province("islanders and pei", ["Prince Edward Island"])
    assert not other_province("in british columbia", ["B.C."])
    assert not other_province("the government of canada", ["Yukon"])  # the federal level is no province
