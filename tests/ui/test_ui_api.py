"""The launched chat through `gradio_client`, as a script would use it (`/ask`, `/ask_stream`, `/stats`)."""
from __future__ import annotations

import json
import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client.exceptions import AppError

from communique.ui.examples import load_examples

NS_HARBOURS = {"smp-ns-harbours-en", "smp-ns-harbours-fr"}
# (question, releases a correct answer cites, words the answer must contain ("" = none), answer language)
CASES = [
    ("Quel est le taux de cotisation à l'assurance-emploi pour 2025 ?", {"smp-ei-premium-2025-fr", "smp-ei-premium-2025-en"}, "", "fr"),
    ("How much will Nova Scotia small craft harbours receive?", NS_HARBOURS, "$74 million", "en"),
    ("Combien coûte la prochaine phase du Canadarm3 ?", {"smp-canadarm3-fr", "smp-canadarm3-en"}, "999,8", "fr"),
    ("Where did Minister Wilkinson announce the hydrogen funding with Germany?", {"smp-hydrogen-germany-en", "smp-hydrogen-germany-fr"}, "Port Hawkesbury", "en"),
    ("Pourquoi la zone de pêche du homard 23 C a-t-elle été fermée ?", {"smp-lfa-23c-closure-fr", "smp-lfa-23c-closure-en"}, "baleine", "fr"),
]


def ask(client, question, history=None, answer_lang="", source_lang="", date_from="", date_to="", department=""):
    return client.predict(question, history, answer_lang, source_lang, date_from, date_to, department, api_name="/ask")


def assert_answers(answer: dict, releases: set[str], words: str, lang: str) -> None:
    assert not answer["abstained"], answer["text"]
    assert answer["language"] == lang
    assert words in answer["text"], answer["text"]
    cited = {c["release_id"] for c in answer["citations"]}
    assert cited and cited <= releases, cited
    for citation in answer["citations"]:
        assert f"[{citation['n']}]" in answer["text"]


def test_api_lists_the_named_endpoints(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/ask", "/ask_stream", "/stats"} <= set(endpoints)
    names = [p["parameter_name"] for p in endpoints["/ask"]["parameters"]]
    assert names == ["question", "history", "answer_lang", "source_lang", "date_from", "date_to", "department"]


def test_stats_describe_the_index(client):
    stats = client.predict(api_name="/stats")
    assert stats["releases"] >= 38 and set(stats["releases_by_lang"]) == {"en", "fr"}
    assert stats["chunks"] > stats["releases"] and stats["embedder"]
    assert "Canadian Space Agency" in stats["departments"]


def test_french_question_is_answered_in_french_with_citations(client):
    question, releases, words, lang = CASES[0]
    assert_answers(ask(client, question), releases, words, lang)


def test_english_question_is_answered_in_english_with_citations(client):
    question, releases, words, lang = CASES[1]
    answer = ask(client, question)
    assert_answers(answer, releases, words, lang)
    citation = answer["citations"][0]
    assert citation["url"].startswith("https://www.canada.ca/")
    assert citation["quote"] in answer["text"]  # the answer text quotes its source verbatim (after the value)
    assert answer["text"].startswith("**$74 million** — ") and answer["lead"]["shown"] == "$74 million"


def test_answer_language_can_be_forced(client):
    answer = ask(client, CASES[1][0], answer_lang="fr")
    assert answer["language"] == "fr" and not answer["abstained"]
    assert {c["release_id"] for c in answer["citations"]} <= NS_HARBOURS


def test_source_language_filter_changes_the_passages(client):
    question = CASES[1][0]
    for lang in ("fr", "en"):
        answer = ask(client, question, source_lang=lang)
        assert answer["presented"], lang
        assert {h["lang"] for h in answer["presented"]} == {lang}
        assert any(h["release_id"] in NS_HARBOURS for h in answer["presented"])


def test_date_filter_excludes_releases_outside_the_range(client):
    question = CASES[1][0]  # the harbours release is dated 2024-07-22
    answer = ask(client, question, date_to="2024-06-30")
    assert not {c["release_id"] for c in answer["citations"]} & NS_HARBOURS
    assert all((h["date"] or "") <= "2024-06-30" for h in answer["presented"])
    inside = ask(client, question, date_from="2024-07-01", date_to="2024-07-31")
    assert {c["release_id"] for c in inside["citations"]} & NS_HARBOURS


def test_department_filter_keeps_only_that_department(client):
    answer = ask(client, CASES[1][0], department="Canadian Space Agency")
    assert answer["presented"]
    assert not {h["release_id"] for h in answer["presented"]} & NS_HARBOURS
    # The department in either of its languages (the release and its translation name it each in theirs).
    assert {h["metadata"].get("department") for h in answer["presented"]} <= {"Canadian Space Agency",
                                                                             "Agence spatiale canadienne"}
    french = ask(client, CASES[1][0], department="Canadian Space Agency", source_lang="fr")
    assert {h["metadata"].get("department") for h in french["presented"]} == {"Agence spatiale canadienne"}


def test_follow_up_question_uses_the_history(client):
    first = ask(client, CASES[1][0])
    history = [{"role": "user", "content": CASES[1][0]}, {"role": "assistant", "content": first["text"]}]
    alone = ask(client, "And who announced it?")
    follow = ask(client, "And who announced it?", history=history)
    assert not follow["abstained"], follow["text"]
    assert {c["release_id"] for c in follow["citations"]} & NS_HARBOURS
    assert not {c["release_id"] for c in alone["citations"]} & NS_HARBOURS  # the history made the difference


def test_unanswerable_question_is_not_found_with_closest_releases(client):
    answer = ask(client, "What is the price of a lunar base on Mars?")
    assert answer["abstained"] and not answer["citations"]
    assert answer["presented"]


@pytest.mark.parametrize(
    ("question", "kwargs", "message"),
    [
        ("", {}, "Please type a question."),
        ("   \n ", {}, "Please type a question."),
        ("x" * 20_000, {}, "Question too long (20,000 characters, at most 2,000)"),
        ("Harbours?", {"date_from": "last week"}, "Invalid date"),
        ("Harbours?", {"date_from": "2024-08-01", "date_to": "2024-07-01"}, "is after the end date"),
        ("Harbours?", {"source_lang": "de"}, "Unknown language"),
    ],
)
def test_bad_input_gets_a_short_message_and_the_app_keeps_serving(client, question, kwargs, message):
    with pytest.raises(AppError, match=re.escape(message)):
        ask(client, question, **kwargs)
    assert not ask(client, CASES[2][0])["abstained"]


def test_streaming_endpoint_sends_text_before_the_final_answer(client):
    job = client.submit(CASES[0][0], api_name="/ask_stream")
    updates = list(job)
    assert updates[-1]["done"] is True
    assert updates[-1]["answer"]["citations"]
    partial = [u for u in updates if not u["done"]]
    assert partial and all(updates[-1]["text"].startswith(u["text"]) for u in partial)


def test_release_content_comes_back_as_data(client, payload_id):
    answer = ask(client, "How much will the Quillback Cove breakwater receive?")
    assert {c["release_id"] for c in answer["citations"]} == {payload_id}
    assert "<script>" in answer["citations"][0]["title"]  # raw data for scripts; the page escapes it


def test_every_example_question_is_answered_from_the_samples(client):
    examples = load_examples()
    assert len(examples.fr) >= 3 and len(examples.en) >= 3
    for question in examples.all():
        answer = ask(client, question)
        assert not answer["abstained"], question
        assert all(c["release_id"].startswith(("smp-", "doc-")) for c in answer["citations"]), question


def test_twenty_concurrent_questions_are_all_answered_correctly(client):
    """Each concurrent answer is the one the same question gets alone: no mix-up between sessions."""
    alone = {case[0]: ask(client, case[0]) for case in CASES}
    jobs = [CASES[i % len(CASES)] for i in range(20)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda case: ask(client, case[0]), jobs))
    elapsed = time.perf_counter() - started
    for (question, releases, words, lang), answer in zip(jobs, answers):
        assert_answers(answer, releases, words, lang)
        assert answer["text"] == alone[question]["text"]
        assert answer["citations"] == alone[question]["citations"]
    assert elapsed < 60, f"20 concurrent questions took {elapsed:.1f} s"


def test_latency_of_streamed_answers(client, test_output):
    """Time to the first streamed piece and to the full answer, median over the sample questions."""
    first, full = [], []
    for _ in range(2):
        for question, *_ in CASES:
            started = time.perf_counter()
            job = client.submit(question, api_name="/ask_stream")
            first_at = None
            for update in job:
                if first_at is None and update.get("text"):
                    first_at = time.perf_counter() - started
            full.append(time.perf_counter() - started)
            first.append(first_at if first_at is not None else full[-1])
    result = {
        "questions": len(full),
        "first_piece_median_ms": round(statistics.median(first) * 1000, 1),
        "full_answer_median_ms": round(statistics.median(full) * 1000, 1),
        "full_answer_max_ms": round(max(full) * 1000, 1),
    }
    (test_output / "ui-latency.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(result)
    assert result["full_answer_median_ms"] < 5000


def test_a_reingest_while_serving_is_picked_up_without_restart(client, served_app, ingest_into, tmp_path):
    """Questions asked during an ingest are all answered; the new release is found afterwards."""
    question = "How much will the Pinnacle Shoal lighthouse receive?"
    releases_before = client.predict(api_name="/stats")["releases"]
    before = ask(client, question)
    assert not any(c["release_id"] == "ui-test-reload-en" for c in before["citations"])
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "new.jsonl").write_text(json.dumps({
        "id": "ui-test-reload-en", "lang": "en", "title": "Pinnacle Shoal lighthouse restoration",
        "date": "2024-09-02", "url": "https://example.org/pinnacle",
        "text": "The Pinnacle Shoal lighthouse will receive $2.3 million for its restoration. "
                "Work on the Pinnacle Shoal lighthouse begins in May 2025.",
    }) + "\n", encoding="utf-8")
    with ThreadPoolExecutor(max_workers=6) as pool:
        during = [pool.submit(ask, client, CASES[i % len(CASES)][0]) for i in range(12)]
        ingest_into([folder], served_app.index_dir)
        for future, i in zip(during, range(12)):
            assert_answers(future.result(), *CASES[i % len(CASES)][1:])
    deadline = time.monotonic() + 20
    while True:
        after = ask(client, question)
        if any(c["release_id"] == "ui-test-reload-en" for c in after["citations"]) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert {c["release_id"] for c in after["citations"]} == {"ui-test-reload-en"}, after["text"]
    assert "$2.3 million" in after["text"]
    assert client.predict(api_name="/stats")["releases"] == releases_before + 1
