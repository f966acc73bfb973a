"""Sentence spans keep exact offsets; folding agrees with the index's own."""
from __future__ import annotations

import pytest

from communique.assistant.text import content_stems, fold, split_sentences, stem, tokenize
from communique.index.text import fold as index_fold
from communique.index.text import tokenize as index_tokenize

TEXT = (
    " date 2025-09-25 Ils ont pu échanger avec des acteurs\n\n"
    "MONTRÉAL, le 25 sept. 2025 /CNW/ - Cette semaine, la ministre Mélanie Joly a parlé. "
    "M. Solomon a annoncé un groupe de travail. « Le Canada doit agir. »\n"
    "- Le ministre Evan Solomon\n\n"
    ". L'édition de 2025 a réuni plus de 6 000 leaders. Mr. J. Smith, of the U.S. Army, agreed.\n"
    "Collapsed scrape at home.“Currently, 6,864 people are monitored.Located in East Vancouver, it opened."
)


def test_every_span_is_verbatim_and_trimmed():
    spans = split_sentences(TEXT)
    assert spans
    for span in spans:
        assert TEXT[span.start : span.end] == span.text
        assert span.text == span.text.strip()
        assert not span.text.startswith((".", "-", " "))


def test_boundaries_respect_abbreviations_initials_and_quotes():
    texts = [s.text for s in split_sentences(TEXT)]
    assert "MONTRÉAL, le 25 sept. 2025 /CNW/ - Cette semaine, la ministre Mélanie Joly a parlé." in texts
    assert "M. Solomon a annoncé un groupe de travail." in texts
    assert "« Le Canada doit agir. »" in texts
    assert "Le ministre Evan Solomon" in texts  # attribution line, bullet dash trimmed
    assert "L'édition de 2025 a réuni plus de 6 000 leaders." in texts  # leading ". " of a scraped fragment
    assert "Mr. J. Smith, of the U.S. Army, agreed." in texts
    assert "“Currently, 6,864 people are monitored." in texts
    assert "Located in East Vancouver, it opened." in texts


def test_window_offsets_are_into_the_whole_text():
    lo = TEXT.index("M. Solomon")
    spans = split_sentences(TEXT, lo, lo + 60)
    assert spans[0].start == lo and TEXT[spans[0].start : spans[0].end] == spans[0].text


def test_very_long_units_are_cut_but_stay_verbatim():
    text = "word, " * 400 + "end."
    spans = split_sentences(text)
    assert len(spans) > 1 and all(len(s.text) <= 600 for s in spans)
    assert all(text[s.start : s.end] == s.text for s in spans)


@pytest.mark.parametrize("text", ["Œuvre l’Agence Montréal 600 000 $ 1,5 % ÉTÉ naïve", "İstanbul ﬁnance ß", "plain ascii"])
def test_fold_and_tokenize_match_the_index(text):
    assert fold(text) == index_fold(text)
    assert tokenize(text) == index_tokenize(text)


def test_stems_join_inflections_and_cognates():
    assert stem("funding") == stem("funds") == stem("fund")
    assert stem("ministre") == stem("minister")
    assert stem("artificielle") == stem("artificial")
    assert stem("2025") == "2025"
    assert content_stems("How much funding?") == [stem("funding")]
