"""The HTTP server: the chat, its Gradio API and the REST API on one FastAPI app, behind one login.

    RequestGuard (no uploads, bounded bodies, slow bodies cut)
      └─ FastAPI: /api/* (ui.rest), /api/docs
           └─ Gradio, mounted at / (the page, /gradio_api/*, /login, /logout)

Gradio's own login page and session cookie are used for the browser; the REST API accepts
that cookie or HTTP Basic with the same auth file. Served by uvicorn with `HeaderTimeoutH11`
(slow request headers are cut) and a short keep-alive.
"""
from __future__ import annotations

import base64
import binascii
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from pathlib import Path  # noqa: E402

import gradio as gr  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from gradio.routes import App as GradioApp  # noqa: E402
from starlette.routing import Mount  # noqa: E402

from communique.ui.auth import Authenticator  # noqa: E402
from communique.ui.guard import (  # noqa: E402
    BODY_TIMEOUT_SECONDS,
    HEADER_TIMEOUT_SECONDS,
    MAX_BODY_BYTES,
    HeaderTimeoutH11,
    RequestGuard,
)
from communique.ui.handlers import ChatApp  # noqa: E402
from communique.ui.layout import build  # noqa: E402
from communique.ui.rest import add_docs, rest_router  # noqa: E402

CSS_PATH = Path(__file__).with_name("style.css")
THEME = gr.themes.Default(primary_hue="blue", neutral_hue="slate")
GRADIO_BODY_BYTES = 2_000_000  # a question plus the browser's saved conversations (ui.history caps them)
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = 200  # beyond this uvicorn answers 503 at once rather than queueing sockets
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def create_app(chat: ChatApp, *, auth: Authenticator | None) -> RequestGuard:
    """The whole server as one ASGI app; `auth=None` means no login (loopback or `--no-auth`)."""
    demo = build(chat)
    api = FastAPI(title="Communiqué API", version="1", docs_url=None, redoc_url=None, openapi_url=None,
                  description="Search and answers over the indexed announcements (the chat's own backend).")
    gradio_apps: list[GradioApp] = []

    def current_user(request: Request) -> str | None:
        if auth is None:
            return "anonymous"
        for gradio_app in gradio_apps:  # the session cookies Gradio's /login set
            cookie_id = gradio_app.cookie_id
            for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
                user = gradio_app.tokens.get(request.cookies.get(name) or "")
                if user:
                    return user
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                name, _, password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            if auth.check(name, password):
                return name
        return None

    api.include_router(rest_router(chat.backend, current_user, concurrency=chat.concurrency))
    add_docs(api, current_user)
    gr.mount_gradio_app(
        api, demo, path="/", auth=auth, auth_message=None, show_error=False, ssr_mode=False, mcp_server=False,
        pwa=False, enable_monitoring=False, theme=THEME, css_paths=[CSS_PATH], footer_links=["api", "settings"],
        max_file_size=1, allowed_paths=[], run_history=False,
    )
    gradio_apps.extend(r.app for r in api.routes if isinstance(r, Mount) and isinstance(r.app, GradioApp))
    if not gradio_apps:
        raise RuntimeError("Gradio was not mounted at /")
    return RequestGuard(api, max_body=GRADIO_BODY_BYTES, small_body=MAX_BODY_BYTES, small_prefixes=("/api/",))


def _seconds(name: str, default: float) -> float:
    """A timeout from the environment (the tests shorten them), else the default."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def serve(chat: ChatApp, *, host: str, port: int, auth: Authenticator | None) -> None:
    """Run until interrupted. Raises OSError when the port cannot be bound."""
    HeaderTimeoutH11.header_timeout = _seconds("COMMUNIQUE_HEADER_TIMEOUT", HEADER_TIMEOUT_SECONDS)
    app = create_app(chat, auth=auth)
    app.body_timeout = _seconds("COMMUNIQUE_BODY_TIMEOUT", BODY_TIMEOUT_SECONDS)
    config = uvicorn.Config(
        app, host=host, port=port, http=HeaderTimeoutH11, ws="none", lifespan="on",
        timeout_keep_alive=KEEP_ALIVE_SECONDS, limit_concurrency=MAX_CONNECTIONS, log_level="warning",
        server_header=False, proxy_headers=False,
    )
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        raise OSError(f"could not listen on {host}:{port}")
