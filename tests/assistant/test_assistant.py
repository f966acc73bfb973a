"""The assistant end to end on the bundled samples (a real index built with the real embedder):
both languages, cross-language both ways, translation pairs, dates, quotes, follow-ups,
"not found", odd questions. The quote/offset invariant is checked on every answer (conftest)."""
from __future__ import annotations

import threading

import pytest

from communique.assistant import Answer


def _ids(answer: Answer) -> set[str]:
    return {c.release_id for c in answer.citations}


def test_english_question_english_answer(samples_assistant):
    a = samples_assistant.ask("How much is Canada investing in small craft harbours in Nova Scotia?")
    assert not a.abstained and a.language == "en"
    assert _ids(a) == {"smp-ns-harbours-en"} and "$74 million" in a.text


def test_french_question_is_answered_from_the_french_version_of_the_pair(samples_assistant):
    a = samples_assistant.ask("Combien le Canada investit-il dans les ports pour petits bateaux en Nouvelle-Écosse ?")
    assert a.language == "fr" and _ids(a) == {"smp-ns-harbours-fr"} and "74 millions" in a.text


def test_english_question_over_a_french_only_release_is_framed(samples_assistant):
    a = samples_assistant.ask("Which organization launched the second call for proposals of the Black-led Philanthropic Endowment Fund?")
    assert not a.abstained and _ids(a) == {"smp-black-endowment-fund-fr"}
    # the body asked for opens the answer (its name as the release writes it), then the framed quote
    assert a.text.startswith("**Fondation pour les communautés noires** — The French release of 1 October 2024 states: «")


def test_french_question_over_an_english_only_release_is_framed(samples_assistant):
    a = samples_assistant.ask("Quelle ministre du Sport a participé à l'annonce sur l'activité physique en juin 2024 ?")
    assert not a.abstained and _ids(a) == {"smp-healthy-living-en"}
    # the asked person first, then the English quote framed in French
    assert a.text.startswith("**Carla Qualtrough** — Le communiqué en anglais du 3 juin 2024 indique : “")
    assert a.lead is not None and a.lead.kind == "person" and a.form == "value"


def test_english_question_over_the_french_seed(samples_assistant):
    a = samples_assistant.ask("Which minister gave the closing speech at the Scale AI conference?")
    assert not a.abstained and a.text.startswith("**Mélanie Joly** — The French release of 25 September 2025 states: «")
    assert a.lead.original == "ministre Joly"  # the quote names her by title; the release gives her full name


def test_answer_language_can_be_forced(samples_assistant):
    a = samples_assistant.ask("How much is Canada investing in small craft harbours in Nova Scotia?", lang="fr")
    assert a.language == "fr" and _ids(a) == {"smp-ns-harbours-fr"}


def test_source_language_filter_frames_the_other_language(samples_assistant):
    a = samples_assistant.ask("How much will MDA Space receive for Canadarm3?", source_lang="fr")
    assert _ids(a) == {"smp-canadarm3-fr"} and a.text.startswith("**$999.8 million** — The French release of 27 June 2024 states:")
    assert "999,8 millions" in a.text


def test_a_month_in_the_question_narrows_retrieval(samples_assistant):
    a = samples_assistant.ask("Qu'est-ce que Pêches et Océans Canada a annoncé en juillet 2024 ?")
    assert not a.abstained and _ids(a) == {"smp-ns-harbours-fr"}
    assert all(h.date and h.date.startswith("2024-07") for h in a.presented)


def test_a_date_with_nothing_published_is_said_plainly(samples_assistant):
    a = samples_assistant.ask("What was announced in March 2019?")
    assert a.abstained and "dated between 1 March 2019 and 31 March 2019" in a.text


def test_a_content_date_is_found_even_when_releases_are_dated_otherwise(samples_assistant):
    # The EI release is dated September 2024 but is about the 2025 rates.
    a = samples_assistant.ask("What will employees pay in Employment Insurance premiums in 2025?")
    assert not a.abstained and "1.64" in a.text and _ids(a) == {"smp-ei-premium-2025-en"}


def test_who_said_gives_the_quote_and_its_speaker(samples_assistant):
    a = samples_assistant.ask("Who said the hydrogen commitment would help Canadian producers reach buyers in Germany?")
    assert "Wilkinson" in a.text and "buyers in Germany" in a.text


def test_qui_a_dit_adds_the_attribution_line(samples_assistant):
    a = samples_assistant.ask("Qui a dit que le Canada doit poursuivre ses efforts pour favoriser l'adoption sécuritaire de l'IA ?")
    assert "« Le Canada doit poursuivre ses efforts" in a.text and "Evan Solomon" in a.text


def test_english_followup(samples_assistant):
    history = [{"role": "user", "content": "Which company will build Canadarm3?"},
               {"role": "assistant", "content": "MDA Space of Brampton [1]."}]
    a = samples_assistant.ask("And how much is the contract worth?", history=history)
    assert "999.8 million" in a.text and _ids(a) == {"smp-canadarm3-en"}
    assert "Canadarm3" in a.resolved_question


def test_french_followups(samples_assistant):
    history = [("Combien le Canada engage-t-il pour le commerce de l'hydrogène avec l'Allemagne ?",
                "Jusqu'à 300 millions de dollars [1].")]
    a = samples_assistant.ask("Et où ?", history=history)
    assert a.language == "fr" and "Port Hawkesbury" in a.text and _ids(a) == {"smp-hydrogen-germany-fr"}
    history = [("Quelle entreprise construira le Canadarm3 ?", "MDA Space, de Brampton [1].")]
    a = samples_assistant.ask("Et combien coûte le contrat ?", history=history)
    assert "999,8 millions" in a.text and _ids(a) == {"smp-canadarm3-fr"}


@pytest.mark.parametrize("question, lang", [
    ("What is the price of a litre of milk in Nunavut?", "en"),
    ("Quel est le prix du litre de lait au Nunavut ?", "fr"),
    ("How much federal funding went to small craft harbours in New Brunswick?", "en"),
])
def test_not_found_in_the_asker_language_with_suggestions(samples_assistant, question, lang):
    a = samples_assistant.ask(question)
    assert a.abstained and a.language == lang and not a.citations
    assert ("You may want to look at:" if lang == "en" else "Vous pourriez consulter :") in a.text
    assert a.presented  # the passages that were looked at are still reported


@pytest.mark.parametrize("question, expected", [
    ("", "Please type a question"),
    ("   \n ", "Please type a question"),
    ("🙂🙂🙂", "I could not find a question"),
])
def test_empty_and_wordless_questions_get_a_message(samples_assistant, question, expected):
    a = samples_assistant.ask(question)
    assert a.abstained and expected in a.text


@pytest.mark.parametrize("question", [
    "<script>alert('x')</script> How much for harbours in Nova Scotia?",
    "'; DROP TABLE releases; -- how much for harbours",
    "SELECT * FROM releases WHERE 1=1",
    "Wie viel Geld bekommt Nova Scotia für Häfen?",
    "x" * 20_000,
    "How much funding " * 3000,
])
def test_odd_questions_never_raise(samples_assistant, question):
    a = samples_assistant.ask(question)
    assert a.text
    if len(question) > 2000:
        assert a.notice and "2,000" in a.notice


def test_stream_yields_text_then_the_answer(samples_assistant):
    items = list(samples_assistant.stream("How much is Canada investing in small craft harbours in Nova Scotia?"))
    assert isinstance(items[-1], Answer) and all(isinstance(i, str) for i in items[:-1])
    assert "".join(items[:-1]) == items[-1].text


def test_timings_are_reported(samples_assistant):
    a = samples_assistant.ask("How much is Canada investing in small craft harbours in Nova Scotia?")
    assert a.timings["total"] >= a.timings["retrieval"] > 0 and a.timings["answering"] >= 0


def test_concurrent_questions_get_their_own_answers(samples_assistant):
    questions = {
        "How much is Canada investing in small craft harbours in Nova Scotia?": "smp-ns-harbours-en",
        "Combien le Canada investit-il dans les ports pour petits bateaux en Nouvelle-Écosse ?": "smp-ns-harbours-fr",
        "Who said the hydrogen commitment would help Canadian producers reach buyers in Germany?": "smp-hydrogen-germany-en",
    }
    results: dict[str, set[str]] = {}

    def ask(q: str) -> None:
        results[q] = _ids(samples_assistant.ask(q))

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {q: {rid} for q, rid in questions.items()} == results


def test_injected_instructions_change_nothing_for_the_extractive_answerer(injection_index):
    from communique.assistant import Assistant

    a = Assistant.open(injection_index).ask("How much is Canada investing in the Port Elgin harbour?")
    assert "$4.2 million" in a.text
    assert "900 million" not in a.text and "cancelled" not in a.text
