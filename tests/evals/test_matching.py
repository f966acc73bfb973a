"""Fact matching: folding of case, accents, apostrophes and number spacing; word edges kept."""
import pytest

from communique.evals.matching import fact_present, facts_present, normalize_for_match


@pytest.mark.parametrize(
    "fact, text",
    [
        ("Montréal", "À MONTREAL, le ministre"),
        ("Mélanie Joly", "l'honorable melanie joly a dit"),
        ("l'Ontario", "le Sud de l’Ontario"),  # typographic apostrophe in the text
        ("600 000", "un total de 600,000 visiteurs"),
        ("600,000", "un total de 600\u00a0000 visiteurs"),  # no-break space
        ("600000", "un total de 600\u202f000 visiteurs"),  # narrow no-break space
        ("1 200 000 $", "soit 1\u2009200\u2009000 $ au total"),  # thin spaces, two groups
        ("25%", "une hausse de 25\u00a0% cette année"),
        ("œuvre", "la mise en OEUVRE du plan"),
        ("COVID-19", "les mesures COVID\u201119 annoncées"),  # non-breaking hyphen
    ],
)
def test_fact_found_despite_typography(fact, text):
    assert fact_present(fact, text)


@pytest.mark.parametrize(
    "fact, text",
    [
        ("100", "3100 people"),  # no match inside a number
        ("100", "1000 people"),
        ("Cornwall", "Cornwallis Street"),  # no match inside a word
        ("1,5", "15 millions"),  # a French decimal comma is not a thousands separator
        ("70 million", "70 millions"),  # inflections are the golden file's alternatives
        ("Ottawa", "Toronto"),
    ],
)
def test_fact_not_found(fact, text):
    assert not fact_present(fact, text)


def test_alternatives_any_one_counts():
    assert fact_present(["$70 million", "70 millions"], "un financement de 70 millions de dollars")
    assert not fact_present(["$70 million", "70 millions"], "un financement de 7 millions")


def test_fact_at_text_edges_and_next_to_punctuation():
    assert fact_present("Cornwall", "Cornwall")
    assert fact_present("Cornwall", "(Cornwall's port).")
    assert fact_present("$70 million", "It gave $70 million.")


def test_facts_present_keeps_order():
    assert facts_present(["a b", "zzz", "été"], "A  B, ETE") == [True, False, True]


def test_normalize_for_match_is_idempotent():
    text = "L’Hôpital — 600\u202f000 $ « oui »  25 %"
    once = normalize_for_match(text)
    assert once == "l'hopital - 600000 $ \" oui \" 25%"
    assert normalize_for_match(once) == once
