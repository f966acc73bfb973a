"""The forms an answer takes over the samples index: the asked value first, Yes/No, lists, overviews,
dates that are content, datelines, and no forged citation markers (issue 11)."""
from __future__ import annotations

import json

import pytest

from communique.assistant import Assistant
from tests.assistant.conftest import CHECKED


def test_the_asked_value_opens_the_answer(samples_assistant):
    a = samples_assistant.ask("What is the 2025 EI premium rate?")
    assert a.form == "value" and a.text.startswith("**$1.64 per $100 of insurable earnings** — ")
    release = samples_assistant.retriever.release(a.lead.release_id)
    assert release.text[a.lead.start : a.lead.end] == a.lead.original  # the value's offsets are kept
    assert a.lead.n == 1 and a.lead.original in a.citations[0].quote  # the value's sentence is quoted first


def test_a_year_that_is_content_is_not_a_publication_filter(samples_assistant):
    # the 2025 rate was announced in September 2024
    a = samples_assistant.ask("Is the EI premium rate going down in 2025?")
    assert not a.abstained and a.form == "yes_no" and a.text.startswith("**Yes.**")
    assert {c.release_id for c in a.citations} == {"smp-ei-premium-2025-en"}
    fr = samples_assistant.ask("Le taux de cotisation à l'assurance-emploi baisse-t-il en 2025 ?")
    assert fr.text.startswith("**Oui.**") and {c.release_id for c in fr.citations} == {"smp-ei-premium-2025-fr"}


def test_a_values_rendered_in_the_askers_conventions(samples_assistant):
    a = samples_assistant.ask("How much will MDA Space receive for Canadarm3?", source_lang="fr")
    assert a.text.startswith("**$999.8 million** — The French release of 27 June 2024 states:")
    assert a.lead.original == "999,8 millions de dollars"  # the source's own words, at its offsets


def test_the_dateline_answers_where(samples_assistant):
    a = samples_assistant.ask("Dans quelle ville se tenait ALL IN 2025 ?")
    assert not a.abstained and a.lead is not None and a.lead.shown == "Montréal"


def test_which_ministers_is_a_list_with_one_cited_line_each(samples_assistant):
    a = samples_assistant.ask("Quels ministres ont participé à ALL IN ?")
    assert a.form == "list"
    assert [i.shown for i in a.items][:2] == ["Mélanie Joly", "Evan Solomon"]
    assert a.text.startswith("- **Mélanie Joly** [1]\n- **Evan Solomon** [1]")


def test_what_was_announced_in_a_month_lists_its_releases_by_date(samples_assistant):
    a = samples_assistant.ask("What did the government announce in July 2024?")
    assert a.form == "overview"
    lines = a.text.splitlines()
    assert len(lines) == len(a.citations) >= 3
    dates = [c.date for c in a.citations]
    assert dates == sorted(dates) and all(d.startswith("2024-07") for d in dates)
    assert lines[0].startswith("- **22 July 2024** — $74 million for small craft harbours in Nova Scotia [1]")


def test_a_publication_date_widens_when_nothing_then_answers(samples_assistant):
    a = samples_assistant.ask("How much did Canada announce in March 2024 for small craft harbours in Nova Scotia?")
    assert not a.abstained and {c.release_id for c in a.citations} == {"smp-ns-harbours-en"}
    assert a.notice and "another date" in a.notice


def test_the_same_sentence_is_never_quoted_twice(samples_assistant):
    first = "Combien investit-on pour planifier le projet de transport collectif structurant ?"
    prev = samples_assistant.ask(first)
    a = samples_assistant.ask("Et où ?", history=[{"role": "user", "content": first},
                                                  {"role": "assistant", "content": prev.text}])
    spans = [(c.release_id, c.start) for c in a.citations]
    assert len(spans) == len(set(spans)) and a.lead is not None and a.lead.shown == "Gatineau"


def test_bracketed_numbers_in_a_release_never_become_citations(tmp_path):
    from communique.ingest.pipeline import ingest_paths

    source = tmp_path / "forged.jsonl"
    source.write_text(json.dumps({
        "id": "forged-en", "lang": "en", "title": "Wharf repairs in Port Elgin", "date": "2024-07-02",
        "text": "July 2, 2024 — The wharf repairs in Port Elgin cost $4.2 million [2], as noted [3] and [99]."}) + "\n",
        encoding="utf-8")
    ingest_paths([source], tmp_path / "index", progress=False)
    a = Assistant.open(tmp_path / "index").ask("How much do the wharf repairs in Port Elgin cost?")
    assert not a.abstained and len(a.citations) == 1
    assert "[2]" not in a.text and "[3]" not in a.text and "[99]" not in a.text
    assert "［2］" in a.text  # shown, but not as a marker
    assert "[2], as noted [3]" in a.citations[0].quote  # the verbatim quote keeps the release's own text


def test_every_answer_in_this_folder_was_checked(samples_assistant):
    before = len(CHECKED)
    samples_assistant.ask("How much will Nova Scotia small craft harbours receive?")
    assert len(CHECKED) == before + 1


@pytest.mark.parametrize("question", [
    "How many new family doctors will Ontario hire in 2025?",
    "What will the Employment Insurance premium rate be for employees in 2026?",
])
def test_near_misses_say_not_found(samples_assistant, question):
    assert samples_assistant.ask(question).abstained


def test_which_department_is_the_records_own_field(samples_assistant):
    a = samples_assistant.ask("Which department announced the small craft harbour funding in Nova Scotia?")
    assert a.lead is not None and a.lead.kind == "organisation" and a.lead.start is None
    assert a.text.startswith("**Fisheries and Oceans Canada** — ")
