"""The Gradio chat: a thin layer that streams the Assistant's answers and shows their sources.

No retrieval or answering logic lives here. The page and the named API endpoints (`/ask`,
`/ask_stream`, `/stats`) call the same `ChatBackend`, so a script sees what staff see.
"""
from __future__ import annotations

import os

# Before gradio is imported: no analytics, no version check, no model hub.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import logging  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Iterator  # noqa: E402

import gradio as gr  # noqa: E402

from assistant.models import Answer  # noqa: E402
from ui.backend import ChatBackend, ChatInputError, Filters, IndexUnavailable, check_filters, check_question  # noqa: E402
from ui.examples import Examples  # noqa: E402
from ui.feedback import FeedbackLog, FeedbackRecord  # noqa: E402
from ui.i18n import pick_ui_language, t  # noqa: E402
from ui.render import (  # noqa: E402
    esc,
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
HISTORY_TURNS = 3  # previous exchanges handed to the assistant for follow-ups
QUESTION_PREVIEW_CHARS = 300  # a refused over-long question is echoed this short

CSS = """
#cq-header h1 { margin: 0; font-size: 1.6rem; }
#cq-header p { margin: .2rem 0 0 0; opacity: .8; }
.cq-stats { font-size: .85rem; opacity: .85; padding: .2rem 0; }
.cq-stats-problem { color: #b45309; opacity: 1; font-weight: 600; }
.cq-cite { font-weight: 700; color: #1d4ed8; white-space: nowrap; }
.dark .cq-cite { color: #93c5fd; }
.cq-badge { display: inline-block; font-size: .8rem; font-weight: 700; padding: .1rem .5rem;
            border-radius: .4rem; margin-bottom: .35rem; }
.cq-notfound { background: #fef3c7; color: #92400e; border: 1px solid #f59e0b; }
.cq-notice { font-size: .8rem; opacity: .75; margin-top: .35rem; }
.cq-pending { opacity: .8; }
.cq-error { color: #b91c1c; font-weight: 500; }
.dark .cq-error { color: #fca5a5; }
.cq-src { margin: .2rem 0 .7rem 0; }
.cq-src-head { font-weight: 600; }
.cq-meta { font-size: .8rem; opacity: .8; }
.cq-lang { font-weight: 600; }
.cq-passage { font-size: .88rem; border-left: 3px solid #93c5fd; padding: .15rem .5rem; margin-top: .2rem; }
.cq-quote { background: #fde68a; color: inherit; padding: 0 .1rem; }
.dark .cq-quote { background: #854d0e; }
.cq-secondary { opacity: .65; font-size: .85em; }
.cq-secondary .cq-passage { border-left-color: #d1d5db; }
.cq-others summary { cursor: pointer; font-size: .85rem; opacity: .75; }
#cq-feedback-status { font-size: .85rem; }
"""


def _history_for(conv: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The last exchanges as role/content messages, the form the Assistant reads for follow-ups."""
    messages: list[dict[str, str]] = []
    for turn in conv[-HISTORY_TURNS:]:
        messages.append({"role": "user", "content": turn["question"]})
        messages.append({"role": "assistant", "content": turn["answer"]["text"]})
    return messages


def _error_text(exc: Exception, ui_lang: str) -> str:
    if isinstance(exc, ChatInputError):
        return t(ui_lang, exc.key, **exc.values)
    if isinstance(exc, IndexUnavailable):
        return t(ui_lang, exc.key, path=str(exc.path), error=exc.error)
    return t(ui_lang, "error_assistant", kind=type(exc).__name__)


class ChatApp:
    """Builds the Blocks page and holds what its event handlers share (backend, feedback log)."""

    def __init__(
        self,
        backend: ChatBackend,
        feedback: FeedbackLog,
        examples: Examples | None = None,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.backend = backend
        self.feedback = feedback
        self.examples = examples or Examples()
        self.concurrency = concurrency

    # -- header ---------------------------------------------------------------------------
    def header_html(self, ui_lang: str) -> str:
        return f'<h1>{esc(t(ui_lang, "title"))}</h1><p>{esc(t(ui_lang, "tagline"))}</p>'

    def status_html(self, ui_lang: str) -> str:
        try:
            return render_stats(self.backend.stats(), ui_lang)
        except IndexUnavailable as exc:
            return render_status(_error_text(exc, ui_lang), problem=True)
        except Exception as exc:  # noqa: BLE001 - the header must never take the page down
            log.exception("index stats failed")
            return render_status(_error_text(exc, ui_lang), problem=True)

    # -- chat -----------------------------------------------------------------------------
    def respond(
        self,
        question: str,
        chat: list[dict[str, Any]] | None,
        conv: list[dict[str, Any]] | None,
        ui_lang: str,
        answer_lang: str | None,
        source_lang: str | None,
        date_from: str | None,
        date_to: str | None,
        department: str | None,
    ) -> Iterator[tuple[Any, Any, Any, Any]]:
        """Stream one answer into the chat: (chat, conversation state, question box, status line)."""
        chat = list(chat or [])
        conv = list(conv or [])
        ui_lang = ui_lang or "en"
        try:
            text = check_question(question)
            filters = check_filters(source_lang, date_from, date_to, department)
        except ChatInputError as exc:
            shown = str(question or "").strip()
            if shown:
                if len(shown) > QUESTION_PREVIEW_CHARS:
                    shown = shown[:QUESTION_PREVIEW_CHARS] + " …"
                chat.append({"role": "user", "content": render_user_message(shown)})
            chat.append({"role": "assistant", "content": render_error(_error_text(exc, ui_lang))})
            yield list(chat), list(conv), gr.skip(), gr.skip()
            return

        chat.append({"role": "user", "content": render_user_message(text)})
        chat.append({"role": "assistant", "content": render_streaming("", ui_lang)})
        yield list(chat), list(conv), "", gr.skip()

        answer: Answer | None = None
        streamed = ""
        last_push = time.monotonic()
        try:
            for piece in self.backend.stream(
                text, history=_history_for(conv), lang=answer_lang or None, filters=filters
            ):
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
            chat[-1] = {"role": "assistant", "content": render_error(_error_text(exc, ui_lang))}
            yield list(chat), list(conv), gr.skip(), self.status_html(ui_lang)
            return

        answer_index = len(chat) - 1
        chat[-1] = {"role": "assistant", "content": render_answer(answer, ui_lang, filters.to_dict())}
        sources_index = None
        sources = render_sources(answer, ui_lang, self.backend.release)
        if sources is not None:
            title, body = sources
            chat.append({"role": "assistant", "content": body, "metadata": {"title": title}})
            sources_index = len(chat) - 1
        conv.append(
            {
                "answer_id": uuid.uuid4().hex,
                "question": text,
                "answer": answer.to_dict(),
                "filters": filters.to_dict(),
                "answer_lang": answer_lang or "",
                "messages": [i for i in (answer_index, sources_index) if i is not None],
            }
        )
        yield list(chat), list(conv), gr.skip(), self.status_html(ui_lang)

    # -- feedback -------------------------------------------------------------------------
    def _record(self, turn: dict[str, Any], *, kind: str, vote: str | None, comment: str, ui_lang: str) -> None:
        answer = turn["answer"]
        self.feedback.append(
            FeedbackRecord(
                answer_id=turn["answer_id"],
                kind=kind,  # type: ignore[arg-type]
                vote=vote,  # type: ignore[arg-type]
                comment=comment,
                question=turn["question"],
                answer=answer["text"],
                language=answer["language"],
                abstained=answer["abstained"],
                citations=answer["citations"],
                resolved_question=answer.get("resolved_question", ""),
                filters={**turn.get("filters", {}), "answer_lang": turn.get("answer_lang", "")},
                ui_language=ui_lang,
            )
        )

    def on_like(self, conv: list[dict[str, Any]] | None, ui_lang: str, data: gr.LikeData) -> tuple[Any, Any, Any]:
        """Record a thumbs up/down at once, then offer a comment box for that answer."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        turn = next((tr for tr in (conv or []) if index in tr["messages"]), None)
        if turn is None:  # an error message or a message of a previous conversation
            return gr.skip(), gr.skip(), gr.skip()
        vote = None if data.liked is None else ("up" if data.liked is True or data.liked == "Like" else "down")
        try:
            self._record(turn, kind="vote", vote=vote, comment="", ui_lang=ui_lang)
        except OSError as exc:
            log.exception("feedback not saved")
            return gr.update(visible=True), None, esc(t(ui_lang, "feedback_failed", error=exc.strerror or exc))
        pending = {"answer_id": turn["answer_id"], "vote": vote}
        return gr.update(visible=True), pending, ""

    def on_comment(
        self, comment: str, pending: dict[str, Any] | None, conv: list[dict[str, Any]] | None, ui_lang: str
    ) -> tuple[Any, Any, Any]:
        text = (comment or "").strip()
        if not pending or not text:
            return gr.skip(), gr.skip(), gr.skip()
        turn = next((tr for tr in (conv or []) if tr["answer_id"] == pending["answer_id"]), None)
        if turn is None:
            return "", None, ""
        try:
            self._record(turn, kind="comment", vote=pending.get("vote"), comment=text[:5000], ui_lang=ui_lang)
        except OSError as exc:
            log.exception("feedback not saved")
            return gr.skip(), gr.skip(), esc(t(ui_lang, "feedback_failed", error=exc.strerror or exc))
        return "", None, esc(t(ui_lang, "feedback_thanks"))

    # -- API for scripts ------------------------------------------------------------------
    def api_ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        answer_lang: str = "",
        source_lang: str = "",
        date_from: str = "",
        date_to: str = "",
        department: str = "",
    ) -> dict[str, Any]:
        """Answer one question; returns the Answer as JSON (text with [n] markers, citations, passages)."""
        text, filters = self._api_input(question, source_lang, date_from, date_to, department)
        try:
            answer = self.backend.ask(text, history=_clean_history(history), lang=answer_lang or None, filters=filters)
        except Exception as exc:  # noqa: BLE001 - reported to the client as an error message
            if not isinstance(exc, IndexUnavailable):
                log.exception("answering failed")
            raise gr.Error(_error_text(exc, "en"), print_exception=False) from exc
        return answer.to_dict()

    def api_ask_stream(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        answer_lang: str = "",
        source_lang: str = "",
        date_from: str = "",
        date_to: str = "",
        department: str = "",
    ) -> Iterator[dict[str, Any]]:
        """Stream an answer: {"done": false, "text": so far} updates, then {"done": true, "answer": {...}}."""
        text, filters = self._api_input(question, source_lang, date_from, date_to, department)
        streamed = ""
        try:
            for piece in self.backend.stream(
                text, history=_clean_history(history), lang=answer_lang or None, filters=filters
            ):
                if isinstance(piece, Answer):
                    yield {"done": True, "text": piece.text, "answer": piece.to_dict()}
                    return
                streamed += str(piece)
                yield {"done": False, "text": streamed}
        except Exception as exc:  # noqa: BLE001
            if not isinstance(exc, IndexUnavailable):
                log.exception("answering failed")
            raise gr.Error(_error_text(exc, "en"), print_exception=False) from exc
        raise gr.Error("the assistant finished without an answer", print_exception=False)

    def api_stats(self) -> dict[str, Any]:
        """The index state: releases and chunks by language, embedder, size, last ingest, departments."""
        try:
            return self.backend.stats().to_dict()
        except IndexUnavailable as exc:
            raise gr.Error(_error_text(exc, "en"), print_exception=False) from exc

    def _api_input(
        self, question: str, source_lang: str, date_from: str, date_to: str, department: str
    ) -> tuple[str, Filters]:
        try:
            return check_question(question), check_filters(source_lang, date_from, date_to, department)
        except ChatInputError as exc:
            raise gr.Error(_error_text(exc, "en"), print_exception=False) from exc

    # -- page -----------------------------------------------------------------------------
    def build(self) -> gr.Blocks:
        lang0 = "en"
        with gr.Blocks(title="Communiqué", analytics_enabled=False, fill_width=True) as demo:
            header = gr.HTML(self.header_html(lang0), elem_id="cq-header")
            status = gr.HTML("", elem_id="cq-status")
            conv = gr.State([])
            pending = gr.State(None)
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    chatbot = gr.Chatbot(
                        elem_id="cq-chat",
                        label=t(lang0, "chat_label"),
                        placeholder=esc(t(lang0, "chat_placeholder")),
                        height=600,
                        render_markdown=False,  # release text is escaped HTML, never markdown
                        latex_delimiters=[],  # "$5 million and $3 million" must not become LaTeX
                        sanitize_html=True,
                        allow_tags=False,
                        buttons=["copy", "copy_all"],
                        feedback_options=("Like", "Dislike"),
                        autoscroll=True,
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            elem_id="cq-question",
                            label=t(lang0, "question_label"),
                            placeholder=t(lang0, "question_placeholder"),
                            lines=1,
                            max_lines=6,
                            scale=5,
                            autofocus=True,
                        )
                        send = gr.Button(t(lang0, "send"), variant="primary", elem_id="cq-send", scale=1, min_width=90)
                    with gr.Row(visible=False, elem_id="cq-feedback") as feedback_row:
                        comment = gr.Textbox(elem_id="cq-comment", label=t(lang0, "feedback_label"), lines=1, scale=5)
                        comment_send = gr.Button(
                            t(lang0, "feedback_send"), elem_id="cq-comment-send", scale=1, size="sm", min_width=90
                        )
                    feedback_status = gr.HTML("", elem_id="cq-feedback-status")
                    new_conv = gr.Button(t(lang0, "new_conversation"), elem_id="cq-new", size="sm")
                    examples = gr.Dataset(
                        elem_id="cq-examples",
                        label=t(lang0, "examples"),
                        components=[gr.Textbox(visible=False)],
                        samples=[[q] for q in self.examples.all()],
                        samples_per_page=12,
                        visible=bool(self.examples.all()),
                    )
                with gr.Column(scale=1, min_width=240):
                    ui_lang = gr.Radio(
                        choices=[("Français", "fr"), ("English", "en")],
                        value=lang0,
                        label=t(lang0, "ui_language"),
                        elem_id="cq-ui-lang",
                    )
                    answer_lang = gr.Dropdown(
                        choices=self._answer_lang_choices(lang0),
                        value="",
                        label=t(lang0, "answer_language"),
                        elem_id="cq-answer-lang",
                    )
                    with gr.Accordion(t(lang0, "filters"), open=True, elem_id="cq-filters") as filters_box:
                        source_lang = gr.Radio(
                            choices=self._source_lang_choices(lang0),
                            value="",
                            label=t(lang0, "source_lang"),
                            elem_id="cq-source-lang",
                        )
                        date_from = gr.Textbox(label=t(lang0, "date_from"), placeholder="2024-01-01", elem_id="cq-date-from")
                        date_to = gr.Textbox(label=t(lang0, "date_to"), placeholder="2024-12-31", elem_id="cq-date-to")
                        department = gr.Dropdown(
                            choices=[(t(lang0, "any_source"), "")],
                            value="",
                            label=t(lang0, "department"),
                            elem_id="cq-department",
                            allow_custom_value=False,
                        )
                        clear = gr.Button(t(lang0, "clear_filters"), elem_id="cq-clear-filters", size="sm")

            relabelled = [
                header, status, chatbot, question, send, comment, comment_send, new_conv, examples,
                ui_lang, answer_lang, filters_box, source_lang, date_from, date_to, department, clear,
            ]

            def relabel(lang: str) -> list[Any]:
                return [
                    self.header_html(lang),
                    self.status_html(lang),
                    gr.update(label=t(lang, "chat_label"), placeholder=esc(t(lang, "chat_placeholder"))),
                    gr.update(label=t(lang, "question_label"), placeholder=t(lang, "question_placeholder")),
                    gr.update(value=t(lang, "send")),
                    gr.update(label=t(lang, "feedback_label")),
                    gr.update(value=t(lang, "feedback_send")),
                    gr.update(value=t(lang, "new_conversation")),
                    gr.update(label=t(lang, "examples")),
                    gr.update(label=t(lang, "ui_language")),
                    gr.update(label=t(lang, "answer_language"), choices=self._answer_lang_choices(lang)),
                    gr.update(label=t(lang, "filters")),
                    gr.update(label=t(lang, "source_lang"), choices=self._source_lang_choices(lang)),
                    gr.update(label=t(lang, "date_from")),
                    gr.update(label=t(lang, "date_to")),
                    gr.update(label=t(lang, "department"), choices=self._department_choices(lang)),
                    gr.update(value=t(lang, "clear_filters")),
                ]

            def on_load(request: gr.Request) -> list[Any]:
                headers = getattr(request, "headers", None) or {}
                lang = pick_ui_language(headers.get("accept-language"))
                updates = relabel(lang)
                updates[relabelled.index(ui_lang)] = gr.update(value=lang, label=t(lang, "ui_language"))
                return updates

            demo.load(on_load, inputs=None, outputs=relabelled, api_visibility="private", queue=False)
            ui_lang.input(relabel, inputs=ui_lang, outputs=relabelled, api_visibility="private", queue=False)

            chat_inputs = [question, chatbot, conv, ui_lang, answer_lang, source_lang, date_from, date_to, department]
            chat_outputs = [chatbot, conv, question, status]
            gr.on(
                triggers=[question.submit, send.click],
                fn=self.respond,
                inputs=chat_inputs,
                outputs=chat_outputs,
                api_visibility="private",
                concurrency_id="answer",
                show_progress="hidden",
            )
            examples.click(
                lambda sample: sample[0], inputs=examples, outputs=question, api_visibility="private", queue=False
            ).then(
                self.respond,
                inputs=chat_inputs,
                outputs=chat_outputs,
                api_visibility="private",
                concurrency_id="answer",
                show_progress="hidden",
            )
            new_conv.click(
                lambda: ([], [], "", gr.update(visible=False), None, ""),
                outputs=[chatbot, conv, question, feedback_row, pending, feedback_status],
                api_visibility="private",
                queue=False,
            )
            # The Chatbot's own trash button empties the messages: forget the turns with them, or
            # later likes would be matched to answers of the old conversation.
            chatbot.clear(
                lambda: ([], gr.update(visible=False), None, ""),
                outputs=[conv, feedback_row, pending, feedback_status],
                api_visibility="private",
                queue=False,
            )
            clear.click(
                lambda: ("", "", "", ""),
                outputs=[source_lang, date_from, date_to, department],
                api_visibility="private",
                queue=False,
            )
            chatbot.like(
                self.on_like,
                inputs=[conv, ui_lang],
                outputs=[feedback_row, pending, feedback_status],
                api_visibility="private",
            )
            gr.on(
                triggers=[comment.submit, comment_send.click],
                fn=self.on_comment,
                inputs=[comment, pending, conv, ui_lang],
                outputs=[comment, pending, feedback_status],
                api_visibility="private",
            )

            gr.api(self.api_ask, api_name="ask", concurrency_id="answer")
            gr.api(self.api_ask_stream, api_name="ask_stream", concurrency_id="answer")
            gr.api(self.api_stats, api_name="stats", concurrency_limit=None)
        demo.queue(default_concurrency_limit=self.concurrency, max_size=256)
        return demo

    @staticmethod
    def _answer_lang_choices(lang: str) -> list[tuple[str, str]]:
        return [(t(lang, "answer_lang_auto"), ""), (t(lang, "lang_fr"), "fr"), (t(lang, "lang_en"), "en")]

    @staticmethod
    def _source_lang_choices(lang: str) -> list[tuple[str, str]]:
        return [(t(lang, "any"), ""), (t(lang, "lang_fr"), "fr"), (t(lang, "lang_en"), "en")]

    def _department_choices(self, lang: str) -> list[tuple[str, str]]:
        return [(t(lang, "any_source"), "")] + [(d, d) for d in self.backend.departments()]


def _clean_history(history: Any) -> list[dict[str, str]] | None:
    """Accept role/content messages from scripts; drop anything else rather than fail."""
    if not history:
        return None
    cleaned = []
    for item in history if isinstance(history, list) else []:
        if isinstance(item, dict) and item.get("role") in ("user", "assistant") and isinstance(item.get("content"), str):
            cleaned.append({"role": item["role"], "content": item["content"]})
    return cleaned[-2 * HISTORY_TURNS :] or None


THEME = gr.themes.Default(primary_hue="blue", neutral_hue="slate")


def launch(app: ChatApp, *, host: str = "127.0.0.1", port: int = 7860, block: bool = True) -> gr.Blocks:
    """Serve the chat offline: no share link, no SSR node server, no MCP, no PWA, no analytics."""
    demo = app.build()
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        inbrowser=False,
        prevent_thread_lock=not block,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        enable_monitoring=False,
        quiet=False,
        theme=THEME,
        css=CSS,
        footer_links=["api", "settings"],
    )
    return demo
