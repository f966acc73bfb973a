"""End to end: a French question over an English release whose French version is partial.

The answer quotes the asker-language counterpart only when it keeps what the original states
(`crosslang.loses_information`); here the French version of the funding sentence drops the
amount, so the English original is quoted; the faithful sentence pair is quoted in French.
"""
from __future__ import annotations

import pytest

from communique.assistant.assistant import Assistant
from tests.assistant.conftest import tiny_assistant

EN = (
    "HALIFAX — The Government of Canada is investing $7.4 million to rebuild the Sambro harbour breakwater. "
    "Work on the breakwater will begin in May 2025 and is expected to finish in the fall of 2026.\n\n"
    "The harbour is home to about 60 fishing vessels."
)
FR = (
    "HALIFAX — Le gouvernement du Canada investit pour reconstruire le brise-lames du port de Sambro. "
    "Les travaux sur le brise-lames commenceront en mai 2025 et devraient se terminer à l'automne 2026.\n\n"
    "Le port accueille environ 60 bateaux de pêche."
)


@pytest.fixture(scope="module")
def partial_pair(tmp_path_factory) -> Assistant:
    records = [
        {"id": "pt-sambro-en", "lang": "en", "title": "Sambro harbour breakwater to be rebuilt",
         "date": "2025-03-12", "pair_id": "pt-sambro", "text": EN},
        {"id": "pt-sambro-fr", "lang": "fr", "title": "Reconstruction du brise-lames du port de Sambro",
         "date": "2025-03-12", "pair_id": "pt-sambro", "text": FR},
    ]
    return tiny_assistant(tmp_path_factory, "partial-translation", records)


def test_a_counterpart_that_drops_the_amount_is_not_quoted(partial_pair):
    answer = partial_pair.ask("Combien le gouvernement investit-il pour reconstruire le brise-lames du port de Sambro ?")
    assert not answer.abstained
    assert answer.lead is not None and "7,4" in answer.lead.shown  # rendered the French way
    first = answer.citations[0]
    assert first.release_id == "pt-sambro-en" and "$7.4 million" in first.quote


def test_a_faithful_counterpart_is_quoted_in_the_askers_language(partial_pair):
    answer = partial_pair.ask("Quand les travaux sur le brise-lames du port de Sambro commenceront-ils ?")
    assert not answer.abstained
    first = answer.citations[0]
    assert first.release_id == "pt-sambro-fr" and "mai 2025" in first.quote


# The other way round: the asker's (English) version is the partial one, and its French partner names
# the minister and the year it leaves out. The English sentence is quoted, and the French one with it.
PORTAL_EN = (
    "OTTAWA — Today, on behalf of the Minister of Fisheries, the Harbour Review Board launched an online "
    "consultation portal on the future of small craft harbours. The projects funded in Budget 2024 will be carried out in the following harbours."
)
PORTAL_FR = (
    "OTTAWA — Aujourd'hui, au nom de la ministre des Pêches, l'honorable Jane Marchetti, le Comité d'examen "
    "des ports a lancé un portail de consultation en ligne sur l'avenir des ports pour petits bateaux. Les "
    "projets financés dans le budget de 2024 seront réalisés d'ici 2027 dans les ports suivants."
)


@pytest.fixture(scope="module")
def partial_english(tmp_path_factory) -> Assistant:
    records = [
        {"id": "pt-portal-en", "lang": "en", "title": "Consultation portal on small craft harbours",
         "date": "2024-06-12", "pair_id": "pt-portal", "text": PORTAL_EN},
        {"id": "pt-portal-fr", "lang": "fr", "title": "Portail de consultation sur les ports pour petits bateaux",
         "date": "2024-06-12", "pair_id": "pt-portal", "text": PORTAL_FR},
    ]
    return tiny_assistant(tmp_path_factory, "partial-english", records)


def test_the_other_version_is_quoted_when_it_names_the_person_asked(partial_english):
    answer = partial_english.ask("Which minister launched the online consultation portal on small craft harbours?")
    assert not answer.abstained
    assert answer.lead is not None and answer.lead.shown == "Jane Marchetti"
    by_release = {c.release_id: c for c in answer.citations}
    assert "Jane Marchetti" in by_release["pt-portal-fr"].quote
    assert "Harbour Review Board launched" in by_release["pt-portal-en"].quote  # the asker's version stays
    assert answer.citations[0].release_id == "pt-portal-fr"  # the quote the lead was read from opens
    assert "The French release of 12 June 2024 states:" in answer.text


def test_the_other_version_gives_the_year_the_askers_version_leaves_out(partial_english):
    answer = partial_english.ask("By what year will the projects funded in Budget 2024 be carried out in the harbours?")
    assert not answer.abstained
    assert [c.release_id for c in answer.citations] == ["pt-portal-en", "pt-portal-fr"]
    assert "d'ici 2027" in answer.citations[1].quote
    assert "The French release of 12 June 2024 states:" in answer.text


def test_a_faithful_partner_is_not_quoted_as_well(partial_pair):
    answer = partial_pair.ask("When will work on the Sambro harbour breakwater begin?")
    assert not answer.abstained
    assert [c.release_id for c in answer.citations] == ["pt-sambro-en"]
    assert "May 2025" in answer.citations[0].quote
