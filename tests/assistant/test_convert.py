"""Values written in the asker's conventions (assistant/convert.py), both ways."""
from __future__ import annotations

import pytest

from communique.assistant.convert import localize


@pytest.mark.parametrize("value, kind, expected", [
    ("3,07 milliards de dollars", "amount", "$3.07 billion"),
    ("163,5 millions de dollars", "amount", "$163.5 million"),
    ("plus de 57 millions de dollars sur cinq ans", "amount", "more than $57 million over five years"),
    ("1,7 million de dollars", "amount", "$1.7 million"),
    ("300 000 $", "amount", "$300,000"),
    ("1,64 $ par tranche de 100 $ de rémunération assurable", "amount", "$1.64 per $100"),
    ("12,5 %", "percent", "12.5%"),
    ("30 juin 2025", "date", "June 30, 2025"),
    ("1er août 2024", "date", "August 1, 2024"),
    ("6 000 leaders", "count", "6,000 leaders"),
])
def test_french_values_for_an_english_reader(value, kind, expected):
    assert localize(value, kind, "fr", "en") == expected


@pytest.mark.parametrize("value, kind, expected", [
    ("$74 million", "amount", "74 millions de dollars"),
    ("up to $1.6 million", "amount", "jusqu'à 1,6 million de dollars"),
    ("$3.07 billion", "amount", "3,07 milliards de dollars"),
    ("$300,000", "amount", "300\u00a0000\u00a0$"),
    ("$1.64 for every $100 of insurable earnings", "amount", "1,64\u00a0$ par tranche de 100\u00a0$"),
    ("5.5%", "percent", "5,5\u00a0%"),
    ("June 30, 2025", "date", "30 juin 2025"),
    ("May 2026", "date", "mai 2026"),
])
def test_english_values_for_a_french_reader(value, kind, expected):
    assert localize(value, kind, "en", "fr") == expected


def test_same_language_and_names_are_left_alone():
    assert localize("$74 million", "amount", "en", "en") == "$74 million"
    assert localize("Montréal", "place", "fr", "en") == "Montréal"


def test_date_ranges_both_ways():
    assert localize("from January 20 to February 3, 2026", "date", "en", "fr") == "du 20 janvier au 3 février 2026"
    assert localize("du 20 janvier au 3 février 2026", "date", "fr", "en") == "from January 20 to February 3, 2026"


def test_units_of_measure_follow_the_reader():
    assert localize("42 kilomètres", "count", "fr", "en") == "42 kilometres"
    assert localize("15 kilometres", "count", "en", "fr") == "15 kilomètres"
