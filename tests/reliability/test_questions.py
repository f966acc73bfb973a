"""Odd questions through every face: the library (`Retriever.search`), the assistant (`Assistant.ask`)
and the chat (`ui.app.ChatApp`). Each gets a sensible answer or a clear message, never an exception.

The assistant and chat tests skip (with a reason) when their module is absent.
"""
from __future__ import annotations

import time

import pytest

from communique.index.retriever import Retriever

LONG_QUESTION = ("How much did Canada and Alberta invest in wildfire equipment and crews, and over how many years? "
                 * 250)[:20_000]
ODD_QUESTIONS = {
    "empty": "",
    "whitespace": " \n\t\u00a0\u2003 ",
    "20,000 characters": LONG_QUESTION,
    "20,000 characters, one token": "a" * 20_000,
    "emoji only": "🔥🚒🌲🇨🇦🤔",
    "punctuation only": "?!?... ;;; ---",
    "Spanish": "¿Cuánto invierten Canadá y Alberta en equipos y brigadas contra incendios forestales?",
    "German": "Wie viel investieren Kanada und Alberta in Ausrüstung zur Waldbrandbekämpfung?",
    "Chinese": "加拿大和艾伯塔省在野火设备上投资了多少钱？",
    "Arabic": "كم استثمرت كندا وألبرتا في معدات مكافحة حرائق الغابات؟",
    "HTML": "<script>alert('x')</script><b>wildfire</b> equipment <img src=x onerror=alert(1)> Alberta",
    "SQL": "wildfire equipment Alberta'; DROP TABLE releases; --",
    "SQL select": "SELECT * FROM chunks WHERE 1=1 OR text LIKE '%' UNION SELECT sqlite_version() --",
    "format strings": "%s %d %n {0} {{}} ${HOME} $(rm -rf /) `id` \\x00",
    "regex metacharacters": "((((wildfire]]]] .*+? ^$ \\",
    "control characters": "wildfire\x00\x01\x07\x1b[31m equipment\r\n",
    "lone surrogate": "wildfire \ud800 equipment",
    "right-to-left override": "\u202ewildfire\u202c equipment",
    "path": "../../../../etc/passwd",
}
SENSIBLE = {  # question -> release that must come first (either language version)
    "Spanish": "smp-alberta-wildfire-equipment",
    "German": "smp-alberta-wildfire-equipment",
    "HTML": "smp-alberta-wildfire-equipment",
    "SQL": "smp-alberta-wildfire-equipment",
    "20,000 characters": "smp-alberta-wildfire-equipment",
}


@pytest.fixture(scope="module")
def retriever(samples_index) -> Retriever:
    return Retriever.open(samples_index, auto_reload=False)


# --- the library ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ODD_QUESTIONS))
def test_library_search_handles_odd_questions(retriever, name):
    before = retriever.stats()
    started = time.perf_counter()
    hits = retriever.search(ODD_QUESTIONS[name], k=5)
    assert time.perf_counter() - started < 30
    assert len(hits) <= 5
    if name in ("empty", "whitespace"):
        assert hits == []
    for hit in hits:  # whatever came back is real and quotable
        release = retriever.release(hit.release_id)
        assert release is not None and release.text[hit.start:hit.end] == hit.text
    if name in SENSIBLE:
        assert hits and hits[0].release_id.rsplit("-", 1)[0] == SENSIBLE[name], [h.release_id for h in hits]
    assert retriever.stats() == before  # nothing was executed against the store


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_every_search_mode_survives_the_odd_questions(retriever, mode):
    for question in ODD_QUESTIONS.values():
        assert isinstance(retriever.search(question, k=3, mode=mode), list)


def test_odd_arguments_are_harmless_or_clear_errors(retriever):
    assert retriever.search("wildfire", k=0) == [] and retriever.search("wildfire", k=-3) == []
    assert len(retriever.search("wildfire", k=10_000)) <= retriever.stats().releases
    assert retriever.search("wildfire", lang="xx") == []  # no releases in that language
    assert retriever.search("wildfire", date_from="2999-01-01") == []
    assert retriever.search("wildfire", department="no such department") == []
    with pytest.raises(ValueError, match="mode"):
        retriever.search("wildfire", mode="nonsense")
    with pytest.raises(ValueError):
        retriever.search("wildfire", date_from="not a date")
    assert retriever.release("'; DROP TABLE releases; --") is None
    assert retriever.releases(["' OR 1=1 --", "\x00"]) == {}
    assert retriever.chunks_of("' OR '1'='1") == []


# --- the assistant ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def assistant(samples_index):
    module = pytest.importorskip("communique.assistant.assistant", reason="assistant.Assistant not written yet")
    return module.Assistant.open(samples_index)


@pytest.mark.parametrize("name", sorted(ODD_QUESTIONS))
def test_assistant_answers_odd_questions_sensibly(assistant, name):
    answer = assistant.ask(ODD_QUESTIONS[name])
    assert isinstance(answer.text, str) and answer.text.strip()
    assert answer.language in ("fr", "en")
    if name in ("empty", "whitespace", "emoji only", "punctuation only"):
        assert answer.abstained and not answer.citations
    if name == "20,000 characters":
        assert answer.notice  # told that the question was shortened
    for citation in answer.citations:  # every citation quotes its release exactly
        release = assistant.retriever.release(citation.release_id)
        assert release is not None and release.text[citation.start:citation.end] == citation.quote
        assert f"[{citation.n}]" in answer.text
    if not answer.abstained:
        assert answer.citations


def test_assistant_does_not_echo_markup_from_the_question(assistant):
    answer = assistant.ask(ODD_QUESTIONS["HTML"])
    assert "<script" not in answer.text and "onerror" not in answer.text


# --- the chat -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chat(samples_index, tmp_path_factory):
    app = pytest.importorskip("communique.ui.app", reason="ui.app not written yet")
    from communique.ui.backend import ChatBackend
    from communique.ui.feedback import FeedbackLog

    return app.ChatApp(ChatBackend(samples_index), FeedbackLog(tmp_path_factory.mktemp("fb") / "feedback.jsonl"))


def _chat_turn(chat, question: str) -> list[dict]:
    """The chat messages after one question, as the page would show them (the last yield)."""
    last = None
    for update in chat.respond(question, [], [], "en", None, None, None, None, None):
        last = update
    assert last is not None
    return last[0]


@pytest.mark.parametrize("name", sorted(ODD_QUESTIONS))
def test_chat_answers_odd_questions_or_says_what_is_wrong(chat, name):
    from communique.ui.i18n import t

    messages = _chat_turn(chat, ODD_QUESTIONS[name])
    shown = "\n".join(str(m["content"]) for m in messages)
    failure = t("en", "error_assistant", kind="X").split("(")[0]
    assert failure not in shown, shown  # an exception inside the assistant
    if name in ("empty", "whitespace"):
        assert t("en", "error_empty") in shown
    elif name.startswith("20,000 characters"):
        assert "Question too long (20,000 characters" in shown
    else:
        assert messages[0]["role"] == "user" and messages[1]["role"] == "assistant"
    # Whatever was typed is shown as text, never as markup.
    for message in messages:
        content = str(message["content"])
        assert "<script" not in content and "<img" not in content


# --- the command line ---------------------------------------------------------------------------------
def test_cli_search_and_ask_handle_odd_questions(samples_index):
    """`communique search` and `communique ask` for every odd question, through the console script's
    entry point in one child process (a process per question would cost seconds each)."""
    import json
    import subprocess
    import sys

    from reliability_support import REPO_ROOT, child_env

    code = """
import contextlib, io, json, sys
from communique.ui.cli import main
questions, index = json.loads(sys.stdin.read()), sys.argv[1]
out = {}
for name, question in questions.items():
    for command in ("search", "ask"):
        std, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(std), contextlib.redirect_stderr(err):
            try:
                rc = main([command, question, "--index", index])
            except BaseException as exc:
                rc = "raised " + type(exc).__name__ + ": " + str(exc)
        out[name + " / " + command] = {"rc": rc, "stdout": std.getvalue(), "stderr": err.getvalue()}
print(json.dumps(out))
"""
    # Through a pipe as JSON: lone surrogates travel as escapes and arrive as such.
    result = subprocess.run([sys.executable, "-c", code, str(samples_index)], input=json.dumps(ODD_QUESTIONS),
                            cwd=REPO_ROOT, env=child_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    outcomes = json.loads(result.stdout)
    # An empty `ask` is a usage error (exit 2, issue 15); everything else answers or says "not found".
    usage = {f"{name} / ask" for name in ("empty", "whitespace")}
    failed = {k: v for k, v in outcomes.items() if v["rc"] != (2 if k in usage else 0)}
    assert not failed, failed
    assert all("question is empty" in outcomes[k]["stderr"] for k in usage)
    for name in SENSIBLE:
        assert "smp-alberta-wildfire-equipment" in outcomes[f"{name} / search"]["stdout"]
        assert "Alberta" in outcomes[f"{name} / ask"]["stdout"]  # cited, or suggested when not found
    assert outcomes["empty / search"]["stdout"].strip() == "no matching passages"


def test_cli_survives_a_question_that_is_not_valid_utf8(samples_index):
    """Bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape): no crash on
    search, on answering, or on printing."""
    import subprocess

    from reliability_support import REPO_ROOT, child_env, communique_command

    question = b"\xff\xfe wildfire equipment Alberta \xc3"
    for command in ("search", "ask"):
        args = [c.encode() for c in communique_command()] + [command.encode(), question, b"--index",
                                                              str(samples_index).encode()]
        result = subprocess.run(args, cwd=REPO_ROOT, env=child_env(), capture_output=True, timeout=300)
        assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
        assert b"Traceback" not in result.stderr
        assert b"wildfire" in result.stdout.lower()  # an English question: English passages and answer
