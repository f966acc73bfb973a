"""The served chat from outside, in raw HTTP (httpx, plain sockets): login, refused uploads, bounded
bodies, slow clients, and the REST API (`/api/search`, `/api/ask`, `/api/stats`, the OpenAPI page).

`locked_app` is the real `python -m communique.ui.commands.serve --auth-file …` on 127.0.0.1 with its
slow-client timeouts shortened to 2 s (COMMUNIQUE_HEADER_TIMEOUT / COMMUNIQUE_BODY_TIMEOUT).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

NS_HARBOURS = {"smp-ns-harbours-en", "smp-ns-harbours-fr"}


@pytest.fixture(scope="module")
def anonymous(locked_app):
    with httpx.Client(base_url=locked_app.url, timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def basic(locked_app, credentials):
    with httpx.Client(base_url=locked_app.url, timeout=60, auth=credentials) as http:
        yield http


def _address(url: str) -> tuple[str, int]:
    parsed = urlparse(url)
    return parsed.hostname or "127.0.0.1", parsed.port or 80


# -- login ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/config", "/api/stats", "/api/docs", "/api/openapi.json",
                                  "/gradio_api/info"])
def test_nothing_but_the_login_page_without_credentials(anonymous, path):
    assert anonymous.get(path).status_code == 401


def test_anonymous_questions_are_refused(anonymous):
    assert anonymous.post("/api/ask", json={"question": "Harbours?"}).status_code == 401
    assert anonymous.post("/api/search", json={"query": "harbours"}).status_code == 401
    join = anonymous.post("/gradio_api/queue/join", json={"data": ["x"], "fn_index": 0, "session_hash": "abc"})
    assert join.status_code == 401


def test_wrong_password_then_login_then_logout(locked_app, credentials):
    USER, PASSWORD = credentials
    with httpx.Client(base_url=locked_app.url, timeout=60) as http:
        wrong = http.post("/login", data={"username": USER, "password": PASSWORD + "x"})
        assert wrong.status_code == 400 and not http.cookies
        ok = http.post("/login", data={"username": USER, "password": PASSWORD})
        assert ok.status_code == 200 and ok.json() == {"success": True}
        assert http.get("/config").status_code == 200
        assert http.get("/api/stats").status_code == 200  # the chat's session also opens the REST API
        out = http.get("/logout", follow_redirects=False)
        assert out.status_code == 302
        assert http.get("/config").status_code == 401
        assert http.get("/api/stats").status_code == 401


def test_http_basic_with_a_wrong_password_is_refused(locked_app):
    with httpx.Client(base_url=locked_app.url, timeout=60, auth=("bob", "guess")) as http:
        assert http.get("/api/stats").status_code == 401


def test_serving_beyond_loopback_needs_a_login_or_no_auth(ui_index, tmp_path):
    """The check runs before anything listens: `--host 0.0.0.0` alone is a usage error."""
    run = subprocess.run([sys.executable, "-m", "communique.ui.commands.serve", "--index", str(ui_index), "--host", "0.0.0.0",
                          "--port", "1"], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert run.returncode == 2
    assert "--auth-file FILE" in run.stderr and "--no-auth" in run.stderr and "Traceback" not in run.stderr
    empty = tmp_path / "users.txt"
    empty.write_text("# nobody\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "communique.ui.commands.serve", "--index", str(ui_index), "--auth-file",
                          str(empty), "--port", "1"], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert run.returncode == 2 and "has no users" in run.stderr


# -- what the server refuses ------------------------------------------------------------------------
def test_uploads_are_refused_with_or_without_login(anonymous, basic):
    files = {"files": ("big.bin", b"\0" * 1_000_000, "application/octet-stream")}
    assert anonymous.post("/gradio_api/upload", files=files).status_code == 403
    assert basic.post("/gradio_api/upload", files=files).status_code == 403
    assert basic.post("/gradio_api/upload?upload_id=x", content=b"x").status_code == 403


def test_big_bodies_are_refused_declared_or_streamed(basic):
    big = basic.post("/api/ask", content=b"{" + b" " * 200_000 + b"}", headers={"content-type": "application/json"})
    assert big.status_code == 413

    def chunks():  # no Content-Length: chunked, counted as it arrives
        for _ in range(40):
            yield b" " * 100_000

    streamed = basic.post("/gradio_api/queue/join", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


def test_slow_headers_are_cut(locked_app):
    """A client that sends half a request line and stops is disconnected after the header timeout (2 s)."""
    with socket.create_connection(_address(locked_app.url), timeout=10) as sock:
        sock.sendall(b"GET /config HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        data = sock.recv(1024)  # b"" when the server closes
        waited = time.monotonic() - started
    assert data == b"" and 1.5 < waited < 8, (data, waited)


def test_slow_bodies_are_cut(locked_app):
    with socket.create_connection(_address(locked_app.url), timeout=15) as sock:
        sock.sendall(b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"question\": ")
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]


def test_an_idle_connection_does_not_stop_others(locked_app, basic):
    with socket.create_connection(_address(locked_app.url), timeout=10):
        assert basic.get("/api/stats").status_code == 200


# -- the REST API -----------------------------------------------------------------------------------
def test_stats(basic):
    stats = basic.get("/api/stats").json()
    assert stats["releases"] >= 38 and set(stats["releases_by_lang"]) == {"en", "fr"}
    assert "Canadian Space Agency" in stats["departments"]


def test_ask_answers_with_citations(basic):
    answer = basic.post("/api/ask", json={"question": "How much will Nova Scotia small craft harbours receive?"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert not body["abstained"] and body["language"] == "en" and "$74 million" in body["text"]
    assert {c["release_id"] for c in body["citations"]} <= NS_HARBOURS and body["citations"]


def test_ask_takes_the_library_filters(basic):
    question = "How much will Nova Scotia small craft harbours receive?"
    early = basic.post("/api/ask", json={"question": question, "date_to": "2024-06-30"}).json()
    assert not {c["release_id"] for c in early["citations"]} & NS_HARBOURS
    french = basic.post("/api/ask", json={"question": question, "lang": "fr", "source_lang": "fr"}).json()
    assert french["language"] == "fr" and {h["lang"] for h in french["presented"]} == {"fr"}
    space = basic.post("/api/ask", json={"question": question, "department": "Canadian Space Agency"}).json()
    assert {h["metadata"]["department"] for h in space["presented"]} <= {"Canadian Space Agency",
                                                                         "Agence spatiale canadienne"}


def test_follow_up_through_history(basic):
    question = "How much will Nova Scotia small craft harbours receive?"
    first = basic.post("/api/ask", json={"question": question}).json()
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": first["text"]}]
    follow = basic.post("/api/ask", json={"question": "And who announced it?", "history": history}).json()
    assert {c["release_id"] for c in follow["citations"]} & NS_HARBOURS


def test_search_returns_ranked_passages_with_filters(basic):
    hits = basic.post("/api/search", json={"query": "lobster fishing area closure", "k": 3}).json()
    assert 1 <= len(hits) <= 3 and hits[0]["release_id"].startswith("smp-lfa-23c-closure")
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    french = basic.post("/api/search", json={"query": "lobster fishing area closure", "k": 3, "lang": "fr"}).json()
    assert french and {h["lang"] for h in french} == {"fr"}


def test_department_filter_finds_both_language_versions(basic):
    """The English name of a department finds its French releases too (and the reverse)."""
    for name in ("Fisheries and Oceans Canada", "Pêches et Océans Canada"):
        for lang in ("fr", "en"):
            hits = basic.post("/api/search", json={"query": "homard lobster", "k": 5, "lang": lang,
                                                   "department": name}).json()
            assert hits, (name, lang)
            assert {h["metadata"]["department"] for h in hits} == {
                "Fisheries and Oceans Canada" if lang == "en" else "Pêches et Océans Canada"}


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"question": ""}, 400, "Please type a question."),
    ({"question": "x" * 5000}, 400, "Question too long (5,000 characters"),
    ({"question": "Harbours?", "date_from": "last week"}, 400, "Invalid date"),
    ({"question": "Harbours?", "date_from": "2024-08-01", "date_to": "2024-07-01"}, 400, "is after the end date"),
    ({"question": "Harbours?", "source_lang": "de"}, 422, "source_lang"),
    ({"question": ["not", "text"]}, 422, "question"),
    ({}, 422, "question"),
])
def test_bad_requests_get_a_json_error(basic, body, status, message):
    reply = basic.post("/api/ask", json=body)
    assert reply.status_code == status and reply.headers["content-type"].startswith("application/json")
    assert message in reply.text


def test_openapi_describes_the_three_routes(basic):
    spec = basic.get("/api/openapi.json").json()
    assert {"/api/search", "/api/ask", "/api/stats"} <= set(spec["paths"])
    ask = spec["components"]["schemas"]["AskRequest"]["properties"]
    assert {"question", "history", "lang", "date_from", "date_to", "source_lang", "department"} == set(ask)
    page = basic.get("/api/docs")
    assert page.status_code == 200 and "/api/docs-static/swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text  # offline: Swagger UI is served from this machine
    assert basic.get("/api/docs-static/swagger-ui-bundle.js").status_code == 200


def test_concurrent_rest_questions_are_all_answered(basic):
    question = "How much will Nova Scotia small craft harbours receive?"
    alone = basic.post("/api/ask", json={"question": question}).json()
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda _: basic.post("/api/ask", json={"question": question}), range(20)))
    assert all(a.status_code == 200 for a in answers)
    assert all(a.json()["text"] == alone["text"] for a in answers)


def test_gradio_client_logs_in_with_the_same_users_file(locked_app, credentials):
    from gradio_client import Client

    client = Client(locked_app.url, auth=credentials, analytics_enabled=False, verbose=False)
    answer = client.predict("How much will Nova Scotia small craft harbours receive?", None, "", "", "", "", "",
                            api_name="/ask")
    assert "$74 million" in answer["text"]
    with pytest.raises(ValueError, match="Could not login"):  # Gradio answers 400 to a wrong password
        Client(locked_app.url, auth=("alice", "wrong password"), analytics_enabled=False, verbose=False)
