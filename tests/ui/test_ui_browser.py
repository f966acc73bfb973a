"""The chat in a real browser: Debian's Chromium driven by Playwright, against the launched app.

Screenshots of the main states go to test-output/screenshots/ (look at them after a change).
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("COMMUNIQUE_CHROMIUM", "/usr/bin/chromium"))
pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (Debian package `chromium`; `make test` installs it)",
                allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="Python package `playwright` not installed")
expect = playwright_api.expect

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
FINAL = "#cq-chat .cq-answer:not(.cq-pending), #cq-chat .cq-error"
README_SHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "answer-with-sources.png"


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots(test_output) -> Path:
    folder = test_output / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def context_en(browser):
    """One browser profile per language (its cache makes each new tab load fast)."""
    context = browser.new_context(locale="en-CA", viewport={"width": 1400, "height": 1000})
    yield context
    context.close()


@pytest.fixture(scope="module")
def context_fr(browser):
    context = browser.new_context(locale="fr-CA", viewport={"width": 1400, "height": 1000})
    yield context
    context.close()


class Session:
    """One browser tab on the chat, recording dialogs and any request that leaves the machine."""

    def __init__(self, context, url: str) -> None:
        self.page = context.new_page()
        self.dialogs: list[str] = []
        self.external: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", self._request)
        self.page.goto(url)
        self.question = self.page.locator("#cq-question textarea")
        expect(self.question).to_be_visible(timeout=30_000)
        expect(self.page.locator("#cq-status .cq-stats")).to_be_visible(timeout=30_000)

    @classmethod
    def attach(cls, old: "Session", page) -> "Session":
        """The same tab after a reload: wait for the chat again, keep the recorded dialogs and requests."""
        session = cls.__new__(cls)
        session.page, session.dialogs, session.external = page, old.dialogs, old.external
        session.question = page.locator("#cq-question textarea")
        expect(session.question).to_be_visible(timeout=30_000)
        expect(page.locator("#cq-status .cq-stats")).to_be_visible(timeout=30_000)
        page.wait_for_timeout(500)  # the saved list is filled by a load event of its own
        return session

    def _request(self, request) -> None:
        if not request.url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
            self.external.append(request.url)

    def ask(self, text: str, *, timeout: float = 60_000):
        """Type a question, press Enter, wait until its answer (or error) is final; return that message."""
        done = self.page.locator(FINAL)
        before = done.count()
        self.question.fill(text)
        self.question.press("Enter")
        expect(done).to_have_count(before + 1, timeout=timeout)
        return done.nth(before)

    def shot(self, path: Path) -> None:
        """Screenshot once Gradio's open/close animations have settled (for the eye, not for asserts)."""
        self.page.wait_for_timeout(600)
        self.page.screenshot(path=str(path), full_page=True)

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def session_en(context_en, served_app):
    session = Session(context_en, served_app.url)
    yield session
    assert session.dialogs == [], f"the page opened dialogs: {session.dialogs}"
    assert session.external == [], f"requests left the machine: {session.external}"
    session.close()


@pytest.fixture
def session_fr(context_fr, served_app):
    session = Session(context_fr, served_app.url)
    yield session
    assert session.dialogs == [] and session.external == []
    session.close()


def test_answer_streams_in_with_citation_markers_and_sources(session_en, shots):
    page = session_en.page
    expect(page.locator("#cq-status")).to_contain_text("releases")
    answer = session_en.ask("How much will Nova Scotia small craft harbours receive?")
    expect(answer.locator(".cq-cite").first).to_have_text("[1]")
    expect(answer).to_contain_text("$74 million")
    sources = page.locator("#cq-chat .cq-sources").last
    expect(sources).to_be_visible()
    cited = sources.locator(".cq-src:not(.cq-secondary)").first
    expect(cited.locator(".cq-title")).to_contain_text("small craft harbours")
    expect(cited.locator(".cq-meta")).to_contain_text("2024-07-22")
    expect(cited.locator(".cq-meta")).to_contain_text("Fisheries and Oceans Canada")
    expect(cited.locator(".cq-lang")).to_have_text("EN")
    link = cited.locator("a.cq-link")
    assert link.get_attribute("href").startswith("https://www.canada.ca/en/fisheries-oceans/")
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
    expect(cited.locator("mark.cq-quote")).to_contain_text("$74 million")
    others = sources.locator("details.cq-others")
    expect(others).to_have_count(1)
    assert others.get_attribute("open") is None  # secondary passages start folded
    expect(page.locator("#cq-status")).to_contain_text("EN")
    session_en.shot(shots / "answer-with-sources.png")
    expect(answer.locator("strong").first).to_contain_text("$74 million")  # the value the answer opens with
    assert "**" not in answer.inner_text()
    README_SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")  # the page from its header, the chat at the answer
    page.wait_for_timeout(300)
    page.screenshot(path=str(README_SHOT), full_page=False)  # the README's picture, regenerated by this test
    others.locator("summary").click()
    expect(others.locator(".cq-secondary").first).to_be_visible()
    session_en.shot(shots / "answer-other-passages.png")


def test_interface_follows_the_browser_and_switches_language(session_fr, shots):
    page = session_fr.page
    expect(page.locator("#cq-send")).to_have_text("Envoyer")
    expect(page.locator("#cq-status")).to_contain_text("communiqués")
    answer = session_fr.ask("Combien coûte la prochaine phase du Canadarm3 ?")
    expect(answer).to_contain_text("999,8")
    cited = len(set(re.findall(r"\[(\d+)\]", answer.inner_text())))  # the answer's own markers, each a source
    assert cited >= 1
    expect(page.locator("#cq-chat")).to_contain_text(f"Sources ({cited})")
    session_fr.shot(shots / "interface-fr.png")
    page.locator("#cq-ui-lang label", has_text="English").click()
    expect(page.locator("#cq-send")).to_have_text("Send")
    expect(page.locator("#cq-new")).to_have_text("New conversation")
    expect(page.locator("#cq-status")).to_contain_text("releases")
    answer = session_fr.ask("What did Canadians say about trusting AI on Canada.ca?")
    expect(answer.locator(".cq-cite").first).to_be_visible()
    page.locator("#cq-ui-lang label", has_text="Français").click()
    expect(page.locator("#cq-send")).to_have_text("Envoyer")


def test_filters_narrow_the_answer_and_clear_in_one_click(session_en, shots):
    page = session_en.page
    page.locator("#cq-date-to input, #cq-date-to textarea").first.fill("2024-06-30")
    answer = session_en.ask("How much will Nova Scotia small craft harbours receive?")
    expect(answer).to_contain_text("Active filters")
    expect(answer).not_to_contain_text("$74 million")  # the release is dated 2024-07-22
    session_en.shot(shots / "filtered-by-date.png")
    page.locator("#cq-source-lang label", has_text="French").click()
    page.locator("#cq-clear-filters").click()
    expect(page.locator("#cq-date-to input, #cq-date-to textarea").first).to_have_value("")
    expect(page.locator("#cq-source-lang input[value='']")).to_be_checked()
    answer = session_en.ask("How much will Nova Scotia small craft harbours receive?")
    expect(answer).to_contain_text("$74 million")
    expect(answer).not_to_contain_text("Active filters")
    page.locator("#cq-source-lang label", has_text="French").click()
    session_en.ask("How much will Nova Scotia small craft harbours receive?")
    langs = page.locator("#cq-chat .cq-sources").last.locator(".cq-secondary .cq-lang").all_text_contents()
    assert langs and set(langs) == {"FR"}, langs


def test_release_with_script_payload_shows_as_text_and_runs_nothing(session_en, shots):
    page = session_en.page
    answer = session_en.ask("How much will the Quillback Cove breakwater receive?")
    expect(answer).to_contain_text("$4.7 million")
    sources = page.locator("#cq-chat .cq-sources").last
    title = sources.locator(".cq-src .cq-title").first
    expect(title).to_contain_text("<script>alert('xss-title')</script>")
    expect(title).to_contain_text("<img src=x onerror=alert('xss-img-title')>")
    expect(sources).to_contain_text("<img src=x onerror=alert('xss-img-text')>")
    expect(sources).to_contain_text("Department of <b onmouseover=alert('xss-dept')>Breakwaters</b>")
    chat = page.locator("#cq-chat")
    expect(chat.locator("script")).to_have_count(0)
    expect(chat.locator("img[src='x']")).to_have_count(0)
    expect(chat.locator("[onerror], [onmouseover]")).to_have_count(0)
    expect(chat.locator("a[href^='javascript']")).to_have_count(0)
    sources.locator(".cq-source").first.hover()
    session_en.shot(shots / "payload-shown-as-text.png")
    assert session_en.dialogs == []


def test_not_found_is_shown_as_such_with_closest_releases(session_en, shots):
    page = session_en.page
    answer = session_en.ask("What is the price of a lunar base on Mars?")
    expect(answer.locator(".cq-notfound")).to_have_text("Not found in the announcements")
    expect(answer.locator(".cq-cite")).to_have_count(0)
    expect(page.locator("#cq-chat")).to_contain_text("Closest releases")
    expect(page.locator("#cq-chat .cq-closest .cq-secondary").first).to_be_visible()
    session_en.shot(shots / "not-found.png")


def test_bad_input_gives_a_short_message_and_the_chat_goes_on(session_en, shots):
    page = session_en.page
    error = session_en.ask("   ")
    expect(error).to_have_text("⚠ Please type a question.")
    error = session_en.ask("b" * 20_000)
    expect(error).to_contain_text("Question too long (20,000 characters")
    date_from = page.locator("#cq-date-from input, #cq-date-from textarea").first
    date_from.fill("yesterday")
    error = session_en.ask("How much will Nova Scotia small craft harbours receive?")
    expect(error).to_contain_text("Invalid date")
    session_en.shot(shots / "errors.png")
    page.locator("#cq-clear-filters").click()
    expect(date_from).to_have_value("")  # the clear is a round trip to the server: ask once it has landed
    answer = session_en.ask("How much will Nova Scotia small craft harbours receive?")
    expect(answer).to_contain_text("$74 million")


def test_feedback_is_recorded_and_new_conversation_clears(session_en, served_app, shots):
    page = session_en.page
    session_en.ask("Where did Minister Wilkinson announce the hydrogen funding with Germany?")
    # a vote is matched to the conversation's turns: wait until the answer's event chain has finished
    # (it ends by saving the conversation under its question); on a loaded machine a click in between
    # met the turns of before the answer and was ignored
    expect(page.locator("#cq-saved-list input")).to_have_value(re.compile("Where did Minister Wilkinson"))
    page.locator("#cq-chat button[aria-label='Dislike']").last.click()
    comment = page.locator("#cq-comment textarea")
    expect(comment).to_be_visible()
    comment.fill("Should name the province too")
    page.locator("#cq-comment-send").click()
    expect(page.locator("#cq-feedback-status")).to_contain_text("Thanks, recorded.")
    session_en.shot(shots / "feedback.png")
    records = [json.loads(line) for line in served_app.feedback_path.read_text(encoding="utf-8").splitlines()]
    mine = [r for r in records if r["question"].startswith("Where did Minister Wilkinson")]
    assert [r["kind"] for r in mine[-2:]] == ["vote", "comment"]
    assert mine[-1]["vote"] == "down" and mine[-1]["comment"] == "Should name the province too"
    assert mine[-1]["answer_id"] == mine[-2]["answer_id"]
    assert "Port Hawkesbury" in mine[-1]["answer"]
    assert {c["release_id"] for c in mine[-1]["citations"]} <= {"smp-hydrogen-germany-en", "smp-hydrogen-germany-fr"}
    page.locator("#cq-chat button[aria-label='Clear']").click()  # the Chatbot's own trash button
    expect(page.locator(FINAL)).to_have_count(0)
    session_en.ask("Combien coûte la prochaine phase du Canadarm3 ?")
    expect(page.locator("#cq-saved-list input")).to_have_value(re.compile("Combien coûte"))
    page.locator("#cq-chat button[aria-label='Like']").last.click()
    expect(page.locator("#cq-feedback")).to_be_visible()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        last = json.loads(served_app.feedback_path.read_text(encoding="utf-8").splitlines()[-1])
        if last["question"].startswith("Combien"):
            break
        time.sleep(0.2)
    assert last["vote"] == "up" and "999,8" in last["answer"]  # the like went to the new answer
    page.locator("#cq-new").click()
    expect(page.locator(FINAL)).to_have_count(0)
    expect(page.locator("#cq-feedback")).to_be_hidden()


def test_example_question_is_asked_in_one_click(session_en):
    page = session_en.page
    page.locator("#cq-examples button", has_text="Canadarm3").first.click()
    answer = page.locator(FINAL).first
    expect(answer).to_contain_text("999,8", timeout=60_000)


def test_follow_up_question_in_the_chat(session_en, shots):
    page = session_en.page
    session_en.ask("How much will Nova Scotia small craft harbours receive?")
    answer = session_en.ask("And who announced it?")
    expect(answer.locator(".cq-notfound")).to_have_count(0)
    expect(page.locator("#cq-chat .cq-sources").last).to_contain_text("small craft harbours")
    session_en.shot(shots / "follow-up.png")


def choose(page, dropdown: str, text: str) -> None:
    """Pick the option showing `text` in a Gradio dropdown."""
    box = page.locator(f"{dropdown} input")
    box.click()
    option = page.locator("ul[role=listbox] li", has_text=text).first
    expect(option).to_be_visible()
    option.dispatch_event("mousedown")  # Gradio's dropdown picks on mousedown (a click races its re-render)
    expect(box).to_have_value(re.compile(re.escape(text)))


def options(page, dropdown: str) -> list[str]:
    page.locator(f"{dropdown} input").click()
    expect(page.locator("ul[role=listbox] li").first).to_be_visible()
    texts = [x.replace("✓", "").strip() for x in page.locator("ul[role=listbox] li").all_text_contents()]
    page.locator("#cq-header").click()
    expect(page.locator("ul[role=listbox]")).to_have_count(0)
    return texts


def test_conversations_are_kept_in_the_browser_and_survive_a_reload(browser, served_app, shots):
    context = browser.new_context(locale="en-CA", viewport={"width": 1400, "height": 1000})
    try:
        session = Session(context, served_app.url)
        page = session.page
        session.ask("How much will Nova Scotia small craft harbours receive?")
        session.ask("And who announced it?")
        page.locator("#cq-new").click()
        expect(page.locator(FINAL)).to_have_count(0)
        session.ask("Combien coûte la prochaine phase du Canadarm3 ?")
        expect(page.locator("#cq-saved-list input")).to_have_value(re.compile("Canadarm3"))
        stored = page.evaluate("() => localStorage.getItem('communique-conversations-v1')")
        assert stored and "Canadarm3" not in stored  # kept in the browser, not readable as plain text there
        page.reload()
        session = Session.attach(session, page)
        saved = options(page, "#cq-saved-list")
        assert len(saved) == 2 and saved[0].startswith("Combien coûte") and saved[1].startswith("How much"), saved
        choose(page, "#cq-saved-list", "How much will Nova Scotia")
        page.locator("#cq-saved-open").click()
        expect(page.locator(FINAL)).to_have_count(2)
        expect(page.locator(FINAL).first).to_contain_text("$74 million")
        expect(page.locator("#cq-chat .cq-sources").first).to_contain_text("small craft harbours")
        session.shot(shots / "conversation-reopened.png")
        answer = session.ask("When was it announced?")  # the reopened conversation goes on
        expect(answer).to_be_visible()
        page.locator("#cq-saved-title textarea, #cq-saved-title input").first.fill("Harbours money")
        page.locator("#cq-saved-rename").click()
        expect(page.locator("#cq-saved-list input")).to_have_value(re.compile("Harbours money"))
        page.reload()
        session = Session.attach(session, page)
        saved = options(page, "#cq-saved-list")
        assert any(s.startswith("Harbours money") for s in saved) and len(saved) == 2, saved
        choose(page, "#cq-saved-list", "Combien coûte")
        page.locator("#cq-saved-delete").click()
        expect(page.locator("#cq-saved-list input")).to_have_value("")
        page.reload()
        session = Session.attach(session, page)
        saved = options(page, "#cq-saved-list")
        assert len(saved) == 1 and saved[0].startswith("Harbours money"), saved
        assert session.dialogs == [] and session.external == []
    finally:
        context.close()


def test_no_rating_buttons_under_an_error(session_en):
    page = session_en.page
    session_en.ask("   ")
    likes = page.locator("#cq-chat button[aria-label='Like']")
    assert [b.is_visible() for b in likes.all()] == [False]
    session_en.ask("How much will Nova Scotia small craft harbours receive?")
    assert [b.is_visible() for b in likes.all()] == [False, True]


def test_date_fields_show_a_format_not_a_value(session_en, session_fr):
    for session, hint in ((session_en, "YYYY-MM-DD (optional)"), (session_fr, "AAAA-MM-JJ (facultatif)")):
        box = session.page.locator("#cq-date-from input, #cq-date-from textarea").first
        expect(box).to_have_attribute("placeholder", hint)
        expect(box).to_have_value("")


def test_department_filter_lists_each_department_once_in_the_interface_language(session_en, session_fr):
    english = options(session_en.page, "#cq-department")
    french = options(session_fr.page, "#cq-department")
    assert "Fisheries and Oceans Canada" in english and "Pêches et Océans Canada" not in english
    assert "Pêches et Océans Canada" in french and "Fisheries and Oceans Canada" not in french
    assert len(english) == len(set(english)) == len(french) == len(set(french))
    assert not any(name.endswith((".txt", ".html", ".md", ".jsonl")) for name in english + french)
    page = session_fr.page
    choose(page, "#cq-department", "Pêches et Océans Canada")
    page.locator("#cq-source-lang label", has_text="Anglais").click()
    answer = session_fr.ask("How much will Nova Scotia small craft harbours receive?")
    expect(answer).to_contain_text("$74 million")  # the English release, filtered by the French name


def test_translations_are_named_by_their_title(session_en):
    page = session_en.page
    session_en.ask("How much will Nova Scotia small craft harbours receive?")
    sources = page.locator("#cq-chat .cq-sources").last
    sources.locator("details.cq-others summary").click()  # the uncited passages carry the translations
    # both English passages of the release are cited (the answer and its support), so the first uncited
    # passage is the French version's: it names its English translation by the translation's title
    also = sources.locator(".cq-also").first
    expect(also).to_contain_text("also in:")
    link = also.locator("a.cq-translation").first
    expect(link).to_be_visible()
    title = link.inner_text()
    assert title == "$74 million for small craft harbours in Nova Scotia (EN)", title
    assert link.get_attribute("href").startswith("https://") and "noopener" in link.get_attribute("rel")


def test_on_a_phone_the_new_answer_stays_in_view(browser, served_app, shots):
    context = browser.new_context(locale="en-CA", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    try:
        session = Session(context, served_app.url)
        page = session.page
        example = page.locator("#cq-examples button", has_text="Canadarm3").first
        example.scroll_into_view_if_needed()
        example.click()
        answer = page.locator(FINAL).first
        expect(answer).to_contain_text("999,8", timeout=60_000)
        expect(answer).to_be_in_viewport(timeout=10_000)  # scrolled to once it is final
        page.wait_for_timeout(2000)  # and it stays there (the saving step after it must not move the page)
        box = answer.bounding_box()
        if box is not None and box["y"] < 0:
            page.screenshot(path=str(shots / "phone-answer-out-of-view.png"))
        assert box is not None and 0 <= box["y"] < 844 - 40, box  # its first line is on screen
        session.shot(shots / "phone-answer.png")
    finally:
        context.close()


def test_login_page_wrong_password_and_logout(browser, locked_app, credentials, shots):
    user, password = credentials
    context = browser.new_context(locale="en-CA", viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        page.goto(locked_app.url)
        name_box = page.locator("input[data-testid='textbox']").first
        secret_box = page.locator("input[type='password']")
        expect(secret_box).to_be_visible(timeout=30_000)
        expect(page.locator("#cq-question")).to_have_count(0)  # no chat before the login
        name_box.fill(user)
        secret_box.fill("not the password")
        page.locator("button", has_text="Login").click()
        expect(page.get_by_text(re.compile("incorrect credentials", re.I))).to_be_visible(timeout=10_000)
        expect(page.locator("#cq-question")).to_have_count(0)
        page.screenshot(path=str(shots / "login-wrong-password.png"))
        name_box.fill(user)  # the login form empties the name after a failure
        secret_box.fill(password)
        page.locator("button", has_text="Login").click()
        expect(page.locator("#cq-question textarea")).to_be_visible(timeout=30_000)
        expect(page.locator("#cq-status .cq-stats")).to_contain_text("releases", timeout=30_000)
        assert page.request.get(locked_app.url + "api/stats").status == 200  # the same login opens the API
        logout = page.locator("#cq-logout")
        expect(logout).to_be_visible()
        expect(logout).to_contain_text("Log out")
        logout.click()
        expect(page.locator("input[type='password']")).to_be_visible(timeout=30_000)
        expect(page.locator("#cq-question")).to_have_count(0)
        assert page.request.get(locked_app.url + "api/stats").status == 401
        page.screenshot(path=str(shots / "logged-out.png"))
    finally:
        context.close()
