"""Date phrases in questions, and checking that a sentence names a date range."""
from __future__ import annotations

from communique.assistant.dates import date_filter, find_dates, mentions_range


def test_mention_spans_include_their_lead_in_word():
    question = "What did the minister announce in September 2025 in Montréal?"
    (mention,) = find_dates(question)
    assert question[mention.start : mention.end] == "in September 2025"


def test_french_day_with_premier_and_abbreviated_month():
    assert date_filter("Que s'est-il passé le 1er sept. 2025 ?")[:2] == ("2025-09-01", "2025-09-01")


def test_range_words_open_the_range():
    assert date_filter("depuis juin 2024")[:2] == ("2024-06-01", None)
    assert date_filter("jusqu'en 2024")[:2] == (None, "2024-12-31")
    assert date_filter("until June 2024")[:2] == (None, "2024-06-30")


def test_mentions_range_needs_year_and_month():
    assert mentions_range("Au 30 juin 2025, les grappes avaient annoncé 627 projets.", "2025-06-30", "2025-06-30")
    assert mentions_range("Employees will pay $1.64 in 2025.", "2025-01-01", "2025-12-31")
    assert not mentions_range("Employees will pay $1.64 in 2025.", "2026-01-01", "2026-12-31")
    assert not mentions_range("In June 2024 the rate fell.", "2025-06-01", "2025-06-30")
    assert not mentions_range("Anything", None, "2025-06-30")
