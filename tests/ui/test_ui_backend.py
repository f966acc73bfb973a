"""The chat handler in-process with the real Assistant: input checks, a missing index, a failing assistant."""
from __future__ import annotations

import shutil

import pytest

from communique.ui.app import ChatApp
from communique.ui.backend import ChatBackend, ChatInputError, check_filters, check_question
from communique.ui.examples import load_examples
from communique.ui.feedback import FeedbackLog


def run_chat(app: ChatApp, question: str, chat=None, conv=None, ui_lang="en", **filters):
    """Drive `respond` like Gradio does; return every update and the final (chat, conv)."""
    updates = list(app.respond(question, chat or [], conv or [], ui_lang, filters.get("answer_lang", ""),
                               filters.get("source_lang", ""), filters.get("date_from", ""),
                               filters.get("date_to", ""), filters.get("department", "")))
    chat_out, conv_out = updates[-1][0], updates[-1][1]
    return updates, chat_out, conv_out


@pytest.fixture(scope="module")
def app(samples_index, tmp_path_factory):
    return ChatApp(ChatBackend(samples_index), FeedbackLog(tmp_path_factory.mktemp("fb") / "f.jsonl"), load_examples())


def test_question_checks():
    assert check_question("  Combien ?\n") == "Combien ?"
    for bad in ("", "   ", None, "\x00"):
        with pytest.raises(ChatInputError) as info:
            check_question(bad)
        assert info.value.key == "error_empty"
    with pytest.raises(ChatInputError) as info:
        check_question("é" * 20_000)
    assert info.value.key == "error_too_long" and info.value.values["n"] == "20,000"


def test_filter_checks():
    assert check_filters("", "", "", "").to_dict() == {}
    f = check_filters("FR", "2024-01-01", "2024-12-31 00:00:00", " Health Canada ")
    assert f.as_options() == {"source_lang": "fr", "date_from": "2024-01-01", "date_to": "2024-12-31",
                             "department": "Health Canada"}
    for args, key in [(("de",), "error_lang"), (("", "2024-13-01"), "error_date"),
                      (("", "2024-05-02", "2024-05-01"), "error_date_order")]:
        with pytest.raises(ChatInputError) as info:
            check_filters(*args)
        assert info.value.key == key


def test_answer_streams_then_shows_sources(app):
    updates, chat, conv = run_chat(app, "How much will Nova Scotia small craft harbours receive?")
    assert len(updates) >= 2  # the question and a waiting line first, then the answer
    assert "cq-pending" in updates[0][0][-1]["content"]
    assert chat[0]["role"] == "user" and "Nova Scotia" in chat[0]["content"]
    assert "$74 million" in chat[1]["content"] and 'class="cq-cite"' in chat[1]["content"]
    assert chat[2]["metadata"]["title"].startswith("Sources (")
    assert "smp-ns-harbours" in chat[2]["content"]
    assert conv[0].messages == [1, 2] and conv[0].answer.citations


def test_follow_up_passes_the_conversation(app):
    _, chat, conv = run_chat(app, "How much will Nova Scotia small craft harbours receive?")
    _, chat, conv = run_chat(app, "And who announced it?", chat, conv)
    assert len(conv) == 2
    assert conv[1].answer.resolved_question != "And who announced it?"


@pytest.mark.parametrize(("question", "filters", "expected"), [
    ("", {}, "Please type a question."),
    ("x" * 20_000, {}, "Question too long (20,000 characters"),
    ("Harbours?", {"date_to": "soon"}, "Invalid date"),
])
def test_bad_input_is_one_short_message_in_the_chat(app, question, filters, expected):
    updates, chat, conv = run_chat(app, question, **filters)
    assert len(updates) == 1 and conv == []
    assert 'class="cq-error"' in chat[-1]["content"] and expected in chat[-1]["content"]
    assert all(len(m["content"]) < 1000 for m in chat)  # a 20,000-character question is not echoed whole


def test_missing_index_is_explained_then_picked_up_without_restart(samples_index, tmp_path, monkeypatch):
    import communique.ui.backend as backend_module

    monkeypatch.setattr(backend_module, "RETRY_OPEN_SECONDS", 0.0)
    index_dir = tmp_path / "index"
    app = ChatApp(ChatBackend(index_dir), FeedbackLog(tmp_path / "f.jsonl"))
    assert "No index in" in app.status_html("en") and "communique ingest" in app.status_html("en")
    _, chat, _ = run_chat(app, "How much will Nova Scotia small craft harbours receive?")
    assert "cq-error" in chat[-1]["content"] and "communique ingest" in chat[-1]["content"]
    shutil.copytree(samples_index, index_dir)
    _, chat, conv = run_chat(app, "How much will Nova Scotia small craft harbours receive?")
    assert "$74 million" in chat[1]["content"] and conv
    assert "releases" in app.status_html("en")


def test_assistant_failure_is_one_short_message_and_the_next_question_works(app, monkeypatch):
    assistant = app.backend.assistant()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")
        yield  # pragma: no cover

    monkeypatch.setattr(assistant, "stream", broken)
    _, chat, conv = run_chat(app, "How much will Nova Scotia small craft harbours receive?")
    assert "Something went wrong while answering (RuntimeError)" in chat[-1]["content"]
    assert "disk on fire" not in chat[-1]["content"] and conv == []
    monkeypatch.undo()
    _, chat, conv = run_chat(app, "How much will Nova Scotia small craft harbours receive?")
    assert "$74 million" in chat[1]["content"]


def test_feedback_vote_and_comment_reach_the_log(app):
    import gradio as gr

    _, chat, conv = run_chat(app, "Combien coûte la prochaine phase du Canadarm3 ?", ui_lang="fr")
    like = gr.LikeData(None, {"index": 2, "value": chat[2]["content"], "liked": True})
    row, pending, status = app.on_like(conv, "fr", like)
    assert pending["vote"] == "up" and pending["answer_id"] == conv[0].answer_id
    comment, pending_after, status = app.on_comment("Parfait", pending, conv, "fr")
    assert comment == "" and pending_after is None and "Merci" in status
    records = app.feedback.read()[-2:]
    assert [r["kind"] for r in records] == ["vote", "comment"]
    assert records[1]["question"] == "Combien coûte la prochaine phase du Canadarm3 ?"
    assert "999,8" in records[1]["answer"] and records[1]["citations"][0]["release_id"].startswith("smp-canadarm3")
    assert records[1]["ui_language"] == "fr" and records[1]["comment"] == "Parfait"


def test_an_unusable_database_index_is_named_without_its_password():
    from communique.ui.backend import IndexUnavailable

    problem = IndexUnavailable("index_broken", "postgresql://staff:s3cret@db.example:5432/communique",
                               "could not open postgresql://staff:s3cret@db.example:5432/communique")
    assert "s3cret" not in str(problem) and "s3cret" not in str(problem.path) and "s3cret" not in problem.error
    assert "postgresql://staff:***@db.example:5432/communique" in str(problem)
