"""The words around the quotes: framing in the asker's language, dates, "not found"."""
from __future__ import annotations

from communique.assistant.render import Piece, compose, date_range, format_date, not_found


def test_dates_in_both_languages():
    assert format_date("2025-09-25", "en") == "25 September 2025"
    assert format_date("2024-06-01", "fr") == "1er juin 2024"
    assert format_date("2024-08-15", "fr") == "15 août 2024"
    assert format_date("not a date", "en") == "not a date"
    assert format_date(None, "fr") == ""
    assert date_range("2024-06-01", "2024-06-30", "fr") == "entre le 1er juin 2024 et le 30 juin 2024"
    assert date_range("2024-06-01", None, "en") == "from 1 June 2024"


def test_same_language_quotes_are_plain_sentences():
    text = compose([Piece("It costs $5.", 1, "a", "en", "2024-01-02", "T"), Piece("It opens in May.", 2, "a", "en", None, "T")], "en")
    assert text == "It costs $5. [1] It opens in May. [2]"


def test_other_language_quotes_are_framed_once_per_release():
    fr = Piece("Plus de 6 000 personnes y ont participé.", 1, "seed", "fr", "2025-09-25", "Titre")
    assert compose([fr], "en") == "The French release of 25 September 2025 states: « Plus de 6 000 personnes y ont participé. » [1]"
    en = Piece("The fund has $200 million.", 1, "x", "en", "2024-06-12", "Title")
    assert compose([en], "fr") == "Le communiqué en anglais du 12 juin 2024 indique : “The fund has $200 million.” [1]"
    undated = Piece("Texte.", 1, "y", "fr", None, "Un titre")
    assert compose([undated], "en") == "The French release “Un titre” states: « Texte. » [1]"


def test_not_found_lists_the_closest_releases_in_the_asker_language():
    text = not_found("fr", [("Titre A", "2024-06-01"), ("Titre B", None)])
    assert text.startswith("Les communiqués dont je dispose ne répondent pas")
    assert "Vous pourriez consulter :" in text and "- Titre A (1er juin 2024)" in text and "- Titre B" in text
    assert not_found("en", [], nothing=True) == "No announcement matches this question."
    assert "dated between" in not_found("en", [], dated="between 1 June 2024 and 30 June 2024")
