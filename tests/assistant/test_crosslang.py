"""Finding the translated sentence in the other-language version of a release (real sample pairs)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from communique.assistant.crosslang import counterpart
from communique.assistant.text import Span, split_sentences

RELEASES = Path(__file__).resolve().parents[2] / "samples" / "releases.jsonl"


@pytest.fixture(scope="module")
def pair():
    if not RELEASES.exists():
        pytest.skip(f"{RELEASES} is missing")
    rows = {r["id"]: r for r in (json.loads(line) for line in RELEASES.read_text(encoding="utf-8").splitlines() if line.strip())}
    en, fr = rows.get("smp-alberta-wildfire-equipment-en"), rows.get("smp-alberta-wildfire-equipment-fr")
    if not en or not fr:
        pytest.skip("the Alberta wildfire pair is not in samples/releases.jsonl any more")
    return en["text"], fr["text"]


def _span(text: str, startswith: str) -> Span:
    return next(s for s in split_sentences(text) if s.text.startswith(startswith))


@pytest.mark.parametrize(
    "en_start, fr_start",
    [
        ("- Combined federal", "Contribution combinée"),
        ('"This funding is already helping', "« Ce financement aide déjà"),
        ("August 1, 2024", "Le 1er août 2024"),
        ("Purchases made so far", "Parmi les achats"),
    ],
)
def test_counterpart_both_ways(pair, en_start, fr_start):
    en, fr = pair
    en_span = _span(en, en_start.lstrip("- "))
    match = counterpart(en, en_span, fr)
    assert match is not None and match.span.text.startswith(fr_start.lstrip("- "))
    assert fr[match.span.start : match.span.end] == match.span.text
    back = counterpart(fr, match.span, en)
    assert back is not None and back.span.text == en_span.text


def test_no_counterpart_in_a_one_line_teaser(pair):
    en, _ = pair
    teaser = "Le Canada et l'Alberta investissent dans la lutte contre les feux de forêt."
    assert counterpart(en, _span(en, "Purchases made so far"), teaser) is None
    assert counterpart(en, _span(en, "Purchases made so far"), "") is None


# -- does the translated sentence keep what the original says? -------------------------------------------
from communique.assistant.crosslang import loses_information  # noqa: E402

ROSE_FR = ("Au nom du ministre de la Défense nationale, Bill Blair, le comité a lancé aujourd'hui un portail "
           "de consultation en ligne.")
ROSE_EN = "Today, the review board launched an online consultation portal."


def test_a_minister_only_the_original_names_is_a_loss():
    assert loses_information(ROSE_FR, ROSE_EN, "person", "Which minister launched the consultation portal?")


def test_a_faithful_translation_with_translated_names_loses_nothing():
    original = ("Following the death of the Honourable Jane Doucette, Canadian Heritage has issued half-masting "
                "instructions for the National Flag of Canada in Nova Scotia.")
    translated = ("À la suite du décès de l'honorable Jane Doucette, Patrimoine canadien a publié des instructions "
                  "de mise en berne du drapeau national du Canada en Nouvelle-Écosse.")
    assert not loses_information(original, translated, "date", "When did Jane Doucette die?")


def test_figures_must_survive_unless_the_question_gives_them():
    original = "Le taux pour 2025 est fixé à 1,64 $ par tranche de 100 $ de rémunération assurable."
    assert not loses_information(original, "The rate is set at $1.64 per $100 of insurable earnings.", "amount",
                                 "What is the rate for 2025?")
    assert loses_information(original, "The rate is set per $100 of insurable earnings.", "amount",
                             "What is the rate for 2025?")


def test_a_time_of_day_written_the_other_way_is_the_same_time():
    assert not loses_information("During the 10:45 p.m. count on May 3, staff found the cell empty.",
                                 "Lors du dénombrement de 22 h 45 le 3 mai, le personnel a trouvé la cellule vide.",
                                 "date", "When was he found missing?")


def test_a_dateline_place_matters_only_to_a_where_question():
    original = "OTTAWA, le 30 juillet 2024 — Le ministre Ahmed Hussen a conclu une visite de deux jours à la Grenade."
    translated = "Minister Ahmed Hussen today concluded a two-day trip to Grenada, July 30, 2024."
    assert loses_information(original, translated, "place", "From which city was it issued?", opens=True)
    assert not loses_information(original, translated, "date", "When did the trip end?", opens=True)


@pytest.mark.parametrize("original, translated", [
    ("The mission took place in California.", "La mission s'est déroulée en Californie."),  # same stem
    ("The event will be held in Quebec City.", "L'événement aura lieu à Québec."),  # a province name's city
    ("The event takes place in Halifax, Nova Scotia.", "L'événement a lieu à Halifax, en Nouvelle-Écosse."),
    ("The event will be held at the Canadian Museum of History.", "L'événement aura lieu au Musée canadien de l'histoire."),
])
def test_a_place_written_the_other_languages_way_is_still_there(original, translated):
    assert not loses_information(original, translated, "place", "Where?")
    assert loses_information(original, "L'événement aura lieu en mer.", "place", "Where?")


@pytest.mark.parametrize("original", [
    "Minister Sean Fraser announced 500 homes.",  # a surname that is also a word, after a title
    "Mark Holland, Minister of Health, announced 500 homes.",  # … before ", Minister"
    "Jane Doucette announced 500 homes.",  # a surname with no translation
    "Le premier ministre de l'Île-du-Prince-Édouard Dennis King a annoncé 500 logements.",  # after a province
])
def test_a_person_only_the_original_names_is_a_loss(original):
    assert loses_information(original, "Le ministre a annoncé 500 logements.", "other", "What was announced?")


def test_names_of_bodies_and_provinces_may_be_translated():
    assert not loses_information(
        "The Honourable Ginette Petitpas Taylor, Minister of Veterans Affairs, will attend in Nova Scotia.",
        "L'honorable Ginette Petitpas Taylor, ministre des Anciens Combattants, sera présente en Nouvelle-Écosse.",
        "person", "Who will attend?")
    assert not loses_information("In Nova Scotia, the program will help 500 families.",
                                 "En Nouvelle-Écosse, le programme aidera 500 familles.", "other", "How many?")
    assert not loses_information("Dr. Theresa Tam, Canada's Chief Public Health Officer, released 500 reports.",
                                 "La Dre Theresa Tam, administratrice en chef de la santé publique du Canada, a publié "
                                 "500 rapports.", "other", "How many?")


@pytest.mark.parametrize("original, translated", [
    ("The trip lasted 2 days.", "Le voyage a duré deux jours."),
    ("Funding for 2024-25 is set.", "Le financement pour 2024-2025 est fixé."),
    ("The count was at 10 pm.", "Le dénombrement a eu lieu à 22 h."),
])
def test_the_same_figure_written_another_way_is_kept(original, translated):
    assert not loses_information(original, translated, "other", "?")


@pytest.mark.parametrize("original, translated", [("", ""), ("no capitals here", "aucune majuscule ici"), ("x" * 5000, "")])
def test_odd_input_is_no_loss_and_no_crash(original, translated):
    assert not loses_information(original, translated, "place", "où ?")


# -- does the other version state what the quoted one leaves out? ------------------------------------------
from communique.assistant.crosslang import adds_information  # noqa: E402


def test_the_other_version_adds_only_what_the_kind_asked():
    question = "Which minister launched the consultation portal?"
    assert adds_information(ROSE_FR, ROSE_EN, "person", question)
    assert not adds_information(ROSE_FR, ROSE_EN, "amount", "How much did the consultation portal cost?")
    # a body's name rewritten ("Marine Atlantic Inc." / « Marine Atlantique S.C.C. ») is no person left out
    assert not adds_information("Le ministre Pablo Rodriguez a annoncé que Marine Atlantique S.C.C. récupère 65 %.",
                                "Minister Pablo Rodriguez announced that Marine Atlantic Inc. recovers 65%.",
                                "person", "Which minister announced it?")


def test_a_year_or_a_place_only_the_other_version_gives_is_news():
    assert adds_information("Les projets seront réalisés d'ici 2027 dans les ports suivants.",
                            "The projects will be carried out in the following harbours.", "date", "By what year?")
    assert not adds_information("Les projets seront réalisés d'ici 2027.", "The projects will be done by 2027.",
                                "date", "By what year?")
    assert adds_information("Victimes de l'attentat à Lahore, Pakistan, le 27 mars 2016.",
                            "In memory of the victims of the tragedy in Pakistan on March 27, 2016.", "place",
                            "In which Pakistani city did the attack take place?")
