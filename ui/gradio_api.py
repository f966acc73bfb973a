"""The chat's named Gradio endpoints for scripts (`/ask`, `/ask_stream`, `/stats`, via gradio_client).

Same backend, same input checks and same short messages as the page; errors reach the client
as `gr.Error` with the English message (no traceback).
"""
from __future__ import annotations

import logging
from typing import Any, Iterator

import gradio as gr

from communique.assistant.models import Answer
from communique.ui.backend import ChatBackend, ChatInputError, Filters, IndexUnavailable, check_filters, check_question
from communique.ui.handlers import error_text
from communique.ui.history import clean_history

log = logging.getLogger(__name__)


class ScriptApi:
    def __init__(self, backend: ChatBackend) -> None:
        self.backend = backend

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
            answer = self.backend.ask(text, history=clean_history(history), lang=answer_lang or None, filters=filters)
        except Exception as exc:  # noqa: BLE001 - reported to the client as an error message
            if not isinstance(exc, IndexUnavailable):
                log.exception("answering failed")
            raise gr.Error(error_text(exc, "en"), print_exception=False) from exc
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
            for piece in self.backend.stream(text, history=clean_history(history), lang=answer_lang or None,
                                             filters=filters):
                if isinstance(piece, Answer):
                    yield {"done": True, "text": piece.text, "answer": piece.to_dict()}
                    return
                streamed += str(piece)
                yield {"done": False, "text": streamed}
        except Exception as exc:  # noqa: BLE001
            if not isinstance(exc, IndexUnavailable):
                log.exception("answering failed")
            raise gr.Error(error_text(exc, "en"), print_exception=False) from exc
        raise gr.Error("the assistant finished without an answer", print_exception=False)

    def api_stats(self) -> dict[str, Any]:
        """The index state: releases and chunks by language, embedder, size, last ingest, departments."""
        try:
            return self.backend.stats().to_dict()
        except IndexUnavailable as exc:
            raise gr.Error(error_text(exc, "en"), print_exception=False) from exc

    def _api_input(
        self, question: str, source_lang: str, date_from: str, date_to: str, department: str
    ) -> tuple[str, Filters]:
        try:
            return check_question(question), check_filters(source_lang, date_from, date_to, department)
        except ChatInputError as exc:
            raise gr.Error(error_text(exc, "en"), print_exception=False) from exc
