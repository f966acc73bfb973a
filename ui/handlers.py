"""What the chat page does when someone acts: answer, rate, and keep conversations in the browser.

No retrieval or answering logic lives here: the handlers call `ChatBackend` and render with
`ui.render`. The page's layout is `ui.layout`; the Gradio API endpoints for scripts are
`ui.gradio_api`, over the same backend, so a script sees what staff see.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Iterator

import gradio as gr

from communique.assistant.models import Answer
from communique.ui.backend import ChatBackend, ChatInputError, IndexUnavailable, check_filters, check_question
from communique.ui.examples import Examples
from communique.ui.feedback import FeedbackLog, FeedbackRecord, FeedbackRefused
from communique.ui.history import (
    Turn,
    delete,
    history_for,
    new_conversation_id,
    owned_by,
    read_saved,
    rename,
    upsert,
    write_saved,
)
from communique.ui.i18n import t
from communique.ui.markup import esc
from communique.ui.render import (
    render_answer,
    render_error,
    render_sources,
    render_stats,
    render_status,
    render_streaming,
    render_user_message,
)

log = logging.getLogger(__name__)

STREAM_REFRESH_SECONDS = 0.05  # coalesce streamed pieces: fewer, larger updates to the browser
DEFAULT_CONCURRENCY = 8  # answers computed at once; more wait in Gradio's queue
QUESTION_PREVIEW_CHARS = 300  # a refused over-long question is echoed this short

Message = dict[str, Any]  # a Chatbot message: {"role", "content"[, "metadata"]}


def error_text(exc: Exception, ui_lang: str) -> str:
    if isinstance(exc, ChatInputError):
        return t(ui_lang, exc.key, **exc.values)
    if isinstance(exc, IndexUnavailable):
        return t(ui_lang, exc.key, path=str(exc.path), error=exc.error)
    return t(ui_lang, "error_assistant", kind=type(exc).__name__)


class ChatApp:
    """The event handlers of the page and what they share (backend, feedback log, examples)."""

    def __init__(
        self,
        backend: ChatBackend,
        feedback: FeedbackLog,
        examples: Examples | None = None,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        logout: bool = False,
    ) -> None:
        self.backend = backend
        self.feedback = feedback
        self.examples = examples or Examples()
        self.concurrency = concurrency
        self.logout = logout  # a login is required: show the "log out" link

    # -- header ---------------------------------------------------------------------------
    def header_html(self, ui_lang: str) -> str:
        return f'<h1>{esc(t(ui_lang, "title"))}</h1><p>{esc(t(ui_lang, "tagline"))}</p>'

    def status_html(self, ui_lang: str) -> str:
        try:
            return render_stats(self.backend.stats(), ui_lang)
        except IndexUnavailable as exc:
            return render_status(error_text(exc, ui_lang), problem=True)
        except Exception as exc:  # noqa: BLE001 - the header must never take the page down
            log.exception("index stats failed")
            return render_status(error_text(exc, ui_lang), problem=True)

    # -- chat -----------------------------------------------------------------------------
    def respond(
        self,
        question: str,
        chat: list[Message] | None,
        conv: list[Turn] | None,
        ui_lang: str,
        answer_lang: str | None,
        source_lang: str | None,
        date_from: str | None,
        date_to: str | None,
        department: str | None,
    ) -> Iterator[tuple[Any, Any, Any, Any]]:
        """Stream one answer into the chat: (chat, conversation turns, question box, status line)."""
        chat = list(chat or [])
        conv = list(conv or [])
        ui_lang = ui_lang or "en"
        try:
            text = check_question(question)
            filters = check_filters(source_lang, date_from, date_to, department)
        except ChatInputError as exc:
            shown = str(question or "").strip() or t(ui_lang, "empty_question")
            if len(shown) > QUESTION_PREVIEW_CHARS:
                shown = shown[:QUESTION_PREVIEW_CHARS] + " …"
            # Always a question bubble first: the error is then a message of its own, never grouped
            # (with one 👍/👎 bar) under the previous answer.
            chat.append({"role": "user", "content": render_user_message(shown)})
            chat.append({"role": "assistant", "content": render_error(error_text(exc, ui_lang))})
            yield list(chat), list(conv), gr.skip(), gr.skip()
            return

        chat.append({"role": "user", "content": render_user_message(text)})
        chat.append({"role": "assistant", "content": render_streaming("", ui_lang)})
        yield list(chat), list(conv), "", gr.skip()

        answer: Answer | None = None
        streamed = ""
        last_push = time.monotonic()
        try:
            for piece in self.backend.stream(text, history=history_for(conv), lang=answer_lang or None,
                                             filters=filters):
                if isinstance(piece, Answer):
                    answer = piece
                    break
                streamed += str(piece)
                if time.monotonic() - last_push >= STREAM_REFRESH_SECONDS:
                    chat[-1] = {"role": "assistant", "content": render_streaming(streamed, ui_lang)}
                    last_push = time.monotonic()
                    yield list(chat), list(conv), gr.skip(), gr.skip()
            if answer is None:
                raise RuntimeError("the assistant finished without an answer")
        except Exception as exc:  # noqa: BLE001 - any failure is one short message; the app keeps serving
            if not isinstance(exc, (IndexUnavailable, ChatInputError)):
                log.exception("answering failed")
            chat[-1] = {"role": "assistant", "content": render_error(error_text(exc, ui_lang))}
            yield list(chat), list(conv), gr.skip(), self.status_html(ui_lang)
            return

        chat.pop()
        turn = Turn(question=text, answer=answer, filters=filters.to_dict(), answer_lang=answer_lang or "")
        chat.pop()
        self._append_turn(chat, turn, ui_lang)
        conv.append(turn)
        yield list(chat), list(conv), gr.skip(), self.status_html(ui_lang)

    def _append_turn(self, chat: list[Message], turn: Turn, ui_lang: str) -> None:
        """The question, the answer and its Sources box as chat messages; records their indexes in the turn."""
        chat.append({"role": "user", "content": render_user_message(turn.question)})
        shown = dict(turn.filters)
        if shown.get("department"):  # named in the interface's language, whichever name was chosen
            shown["department"] = self.backend.department_label(shown["department"], ui_lang)
        chat.append({"role": "assistant", "content": render_answer(turn.answer, ui_lang, shown)})
        turn.messages = [len(chat) - 1]
        sources = render_sources(turn.answer, ui_lang)  # everything from the answer's own generation
        if sources is not None:
            title, body = sources
            chat.append({"role": "assistant", "content": body, "metadata": {"title": title}})
            turn.messages.append(len(chat) - 1)

    def render_turns(self, turns: list[Turn], ui_lang: str) -> list[Message]:
        chat: list[Message] = []
        for turn in turns:
            self._append_turn(chat, turn, ui_lang)
        return chat

    # -- conversations kept in the browser ------------------------------------------------
    def saved_choices(self, saved: object, owner: str) -> list[tuple[str, str]]:
        return [(f"{c.title} · {c.updated[:10]}", c.id) for c in owned_by(read_saved(saved), owner)]

    def on_load_saved(self, saved: object, ui_lang: str, request: gr.Request | None = None) -> Any:
        return gr.update(choices=self.saved_choices(saved, _owner(request)), value=None)

    def save(self, conv: list[Turn] | None, conv_id: str | None, saved: object, ui_lang: str,
             request: gr.Request | None = None) -> tuple[Any, Any, Any]:
        """After an answer: the conversation written into the browser's list (saved, its id, the list)."""
        if not conv:
            return gr.skip(), gr.skip(), gr.skip()
        owner = _owner(request)
        conv_id = conv_id or new_conversation_id()
        value = write_saved(upsert(read_saved(saved), conv_id, conv, owner))
        return value, conv_id, gr.update(choices=self.saved_choices(value, owner), value=conv_id)

    def open_saved(self, selected: str | None, saved: object, ui_lang: str,
                   request: gr.Request | None = None) -> tuple[Any, ...]:
        """Show a saved conversation again (re-rendered here from its data, never as stored HTML)."""
        found = next((c for c in owned_by(read_saved(saved), _owner(request)) if c.id == selected), None)
        if found is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        chat = self.render_turns(found.turns, ui_lang)
        return chat, chat, found.turns, found.id, found.title

    def rename_saved(self, selected: str | None, title: str, saved: object, ui_lang: str,
                     request: gr.Request | None = None) -> tuple[Any, Any]:
        if not selected or not (title or "").strip():
            return gr.skip(), gr.skip()
        owner = _owner(request)
        value = write_saved(rename(read_saved(saved), selected, title, owner))
        return value, gr.update(choices=self.saved_choices(value, owner), value=selected)

    def delete_saved(self, selected: str | None, conv_id: str | None, saved: object, ui_lang: str,
                     request: gr.Request | None = None) -> tuple[Any, ...]:
        """Forget a conversation; if it is the one on screen, the screen starts a new one."""
        if not selected:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        owner = _owner(request)
        value = write_saved(delete(read_saved(saved), selected, owner))
        choices = gr.update(choices=self.saved_choices(value, owner), value=None)
        if selected == conv_id:
            return value, choices, [], [], [], None
        return value, choices, gr.skip(), gr.skip(), gr.skip(), gr.skip()

    # -- feedback -------------------------------------------------------------------------
    def _record(self, turn: Turn, *, kind: str, vote: str | None, comment: str, ui_lang: str,
                session: str) -> None:
        answer = turn.answer.to_dict()
        self.feedback.append(
            FeedbackRecord(
                answer_id=turn.answer_id,
                kind="comment" if kind == "comment" else "vote",
                vote="up" if vote == "up" else ("down" if vote == "down" else None),
                comment=comment,
                question=turn.question,
                answer=answer["text"],
                language=answer["language"],
                abstained=answer["abstained"],
                citations=answer["citations"],
                resolved_question=answer.get("resolved_question", ""),
                filters={**turn.filters, "answer_lang": turn.answer_lang},
                ui_language=ui_lang,
            ),
            session=session,
        )

    def _feedback_problem(self, exc: Exception, ui_lang: str) -> str:
        if isinstance(exc, FeedbackRefused):
            return esc(t(ui_lang, f"feedback_{exc.reason}"))
        log.exception("feedback not saved")
        error = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return esc(t(ui_lang, "feedback_failed", error=error))

    def on_like(self, conv: list[Turn] | None, ui_lang: str, data: gr.LikeData,
                request: gr.Request | None = None) -> tuple[Any, Any, Any]:
        """Record a thumbs up/down at once, then offer a comment box for that answer."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        turn = next((tr for tr in (conv or []) if index in tr.messages), None)
        if turn is None:  # an error message or a message of a previous conversation
            return gr.skip(), gr.skip(), gr.skip()
        vote = None if data.liked is None else ("up" if data.liked is True or data.liked == "Like" else "down")
        try:
            self._record(turn, kind="vote", vote=vote, comment="", ui_lang=ui_lang, session=_session(request))
        except (OSError, FeedbackRefused) as exc:
            return gr.update(visible=True), None, self._feedback_problem(exc, ui_lang)
        pending = {"answer_id": turn.answer_id, "vote": vote}
        return gr.update(visible=True), pending, ""

    def on_comment(self, comment: str, pending: dict[str, Any] | None, conv: list[Turn] | None, ui_lang: str,
                   request: gr.Request | None = None) -> tuple[Any, Any, Any]:
        text = (comment or "").strip()
        if not pending or not text:
            return gr.skip(), gr.skip(), gr.skip()
        turn = next((tr for tr in (conv or []) if tr.answer_id == pending["answer_id"]), None)
        if turn is None:
            return "", None, ""
        try:
            self._record(turn, kind="comment", vote=pending.get("vote"), comment=text, ui_lang=ui_lang,
                         session=_session(request))
        except (OSError, FeedbackRefused) as exc:
            return gr.skip(), gr.skip(), self._feedback_problem(exc, ui_lang)
        return "", None, esc(t(ui_lang, "feedback_thanks"))

    # -- choices --------------------------------------------------------------------------
    @staticmethod
    def answer_lang_choices(lang: str) -> list[tuple[str, str]]:
        return [(t(lang, "answer_lang_auto"), ""), (t(lang, "lang_fr"), "fr"), (t(lang, "lang_en"), "en")]

    @staticmethod
    def source_lang_choices(lang: str) -> list[tuple[str, str]]:
        return [(t(lang, "any"), ""), (t(lang, "lang_fr"), "fr"), (t(lang, "lang_en"), "en")]

    def department_choices(self, lang: str) -> list[tuple[str, str]]:
        return [(t(lang, "any_source"), ""), *self.backend.departments(lang)]


def _session(request: gr.Request | None) -> str:
    """Whose feedback this is, for the rate limit: the browser session (or the logged-in name)."""
    if request is None:
        return ""
    return str(request.username or request.session_hash or "")


def _owner(request: gr.Request | None) -> str:
    """Whose saved conversations these are: the logged-in name, "" without a login."""
    return str(request.username or "") if request is not None else ""
