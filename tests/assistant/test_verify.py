"""The LLM answer check: markers, numbers, names, support and the extracted value (assistant/verify.py)."""
from __future__ import annotations

from communique.assistant.models import Lead
from communique.assistant.verify import problem, sentences_with_marks
from communique.index.models import Hit


def _hit(text: str, lang: str = "en", title: str = "") -> Hit:
    return Hit(chunk_id="c", release_id="r", text=text, start=0, end=len(text), title=title, date=None, url="",
               lang=lang, pair_id=None)


EN = _hit("For 2025, employees will pay $1.64 for every $100 of insurable earnings, Minister Randy Boissonnault said.")
FR = _hit("Pour 2025, les employés paieront 1,64 $ par tranche de 100 $ de rémunération assurable.", lang="fr")
LEAD = Lead(kind="amount", shown="$1.64 for every $100 of insurable earnings", n=1, release_id="r", start=30, end=72,
            original="$1.64 for every $100 of insurable earnings")


def test_a_supported_answer_passes():
    assert problem("Employees will pay $1.64 for every $100 of insurable earnings in 2025 [1].", [EN],
                   "What is the 2025 EI premium rate?", "en", LEAD) is None


def test_every_sentence_needs_a_valid_marker():
    assert problem("Employees pay $1.64 [1]. Minister Joly closed the conference.", [EN], "q", "en", None) \
        == "a sentence cites no passage"
    assert problem("Employees pay $1.64 [3].", [EN], "q", "en", None) == "a sentence cites no passage"


def test_numbers_and_names_must_be_in_the_cited_passages():
    assert problem("Employees will pay $1.66 per $100 [1].", [EN], "q", "en", None) \
        == "the number 1.66 is not in the cited passages"
    assert problem("Minister Tremblay said employees pay $1.64 [1].", [EN], "q", "en", None) \
        == "the name Tremblay is not in the cited passages"
    # a name the question itself gives is allowed
    assert problem("In Moncton, employees pay $1.64 for every $100 of insurable earnings [1].", [EN],
                   "What do employees in Moncton pay?", "en", None) is None


def test_a_sentence_its_passage_does_not_say_is_refused():
    assert problem("The government will build three new hospitals and a stadium [1].", [EN], "q", "en", None) \
        == "a sentence says what its passages do not"


def test_across_languages_numbers_carry_the_support():
    # an English answer from a French passage: the words differ, the figures do not
    assert problem("In 2025 employees pay $1.64 per $100 of insurable earnings [1].", [FR], "q", "en", LEAD) is None
    assert problem("Employees pay $1.70 per $100 [1].", [FR], "q", "en", None) is not None


def test_the_extracted_value_must_be_kept():
    assert problem("Insurable earnings are the base of the premium [1].", [EN], "q", "en", LEAD) \
        == "the answer leaves out the value found ($1.64 for every $100 of insurable earnings)"


def test_sentences_keep_their_marks():
    assert sentences_with_marks("One [1]. Two [1][2]. Three") == ["One [1].", "Two [1][2].", "Three"]
