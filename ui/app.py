"""The Gradio chat in one import: its handlers, its page and its server.

    ui.handlers  what each action does (answer, rate, keep conversations) — `ChatApp`
    ui.layout    the page: components and which handler each event calls
    ui.style.css the page's styles
    ui.server    the HTTP server: chat + REST API behind one login, request limits

No retrieval or answering logic lives in the UI. The page, the Gradio API (`/ask`,
`/ask_stream`, `/stats`) and the REST API (`/api/...`) call the same `ChatBackend`.
"""
from __future__ import annotations

from communique.ui.handlers import DEFAULT_CONCURRENCY, ChatApp
from communique.ui.layout import build

__all__ = ["DEFAULT_CONCURRENCY", "ChatApp", "build"]
