"""A plain JSON API beside the chat, for integrators who do not use gradio_client.

    POST /api/search  {"query", "k", "lang", "date_from", "date_to", "department"}  -> [Hit, ...]
    POST /api/ask     {"question", "history", "lang", "date_from", "date_to", "source_lang", "department"}
                      -> Answer (text with [n] markers, citations, presented passages)
    GET  /api/stats   -> the index's counts, embedder, departments
    GET  /api/docs    -> the OpenAPI page (served from this machine: no CDN); /api/openapi.json

The fields are those of `Retriever.search` and `Assistant.ask`, checked by the same functions
as the chat's, so a script gets the chat's answers and the chat's messages. Behind the same
login as the chat: the browser's session cookie, or HTTP Basic with the same user file.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from communique.ui.backend import ChatBackend, ChatInputError, IndexUnavailable, check_filters, check_question
from communique.ui.history import ChatMessage, clean_history
from communique.ui.i18n import t

log = logging.getLogger(__name__)

MAX_K = 50
ANSWER_WAIT_SECONDS = 30.0  # a request waits this long for a free answering slot, then gets 503

CurrentUser = Callable[[Request], str | None]


class SearchRequest(BaseModel):
    query: str = Field(..., max_length=20_000, description="words to look for, in French or English")
    k: int = Field(5, ge=1, le=MAX_K, description="how many passages")
    lang: Literal["fr", "en"] | None = Field(None, description="only releases in this language")
    date_from: str | None = Field(None, description="only releases dated on/after (YYYY-MM-DD)")
    date_to: str | None = Field(None, description="only releases dated on/before (YYYY-MM-DD)")
    department: str | None = Field(None, max_length=300, description="only this department (as in /api/stats)")


class HistoryMessage(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(..., max_length=20_000)


class AskRequest(BaseModel):
    question: str = Field(..., max_length=20_000)
    history: list[HistoryMessage] | None = Field(None, max_length=50,
                                                 description="earlier messages, for follow-up questions")
    lang: Literal["fr", "en"] | None = Field(None, description="language of the answer (default: the question's)")
    date_from: str | None = None
    date_to: str | None = None
    source_lang: Literal["fr", "en"] | None = Field(None, description="only sources in this language")
    department: str | None = Field(None, max_length=300)


def _problem(exc: Exception) -> HTTPException:
    if isinstance(exc, ChatInputError):
        return HTTPException(status_code=400, detail=t("en", exc.key, **exc.values))
    if isinstance(exc, IndexUnavailable):
        return HTTPException(status_code=503, detail=t("en", exc.key, path=str(exc.path), error=exc.error))
    log.exception("API request failed")
    return HTTPException(status_code=500, detail=t("en", "error_assistant", kind=type(exc).__name__))


class AnswerSlots:
    """At most `concurrency` answers computed at once; a request waits briefly, then gets 503."""

    def __init__(self, concurrency: int) -> None:
        self._slots = threading.BoundedSemaphore(concurrency)

    def run(self, fn: Callable[[], Any]) -> Any:
        if not self._slots.acquire(timeout=ANSWER_WAIT_SECONDS):
            raise HTTPException(status_code=503, detail="busy: too many questions at once, try again")
        try:
            return fn()
        except HTTPException:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure is a JSON error, never a traceback
            raise _problem(exc) from exc
        finally:
            self._slots.release()


def search_hits(backend: ChatBackend, body: SearchRequest) -> list[dict[str, Any]]:
    query = check_question(body.query)
    filters = check_filters(body.lang, body.date_from, body.date_to, body.department)
    return [hit.to_dict() for hit in backend.search(query, k=body.k, filters=filters)]


def answer_of(backend: ChatBackend, body: AskRequest) -> dict[str, Any]:
    question = check_question(body.question)
    filters = check_filters(body.source_lang, body.date_from, body.date_to, body.department)
    history: list[ChatMessage] = clean_history([m.model_dump() for m in body.history or []])
    return backend.ask(question, history=history, lang=body.lang, filters=filters).to_dict()


def rest_router(backend: ChatBackend, current_user: CurrentUser, *, concurrency: int) -> APIRouter:
    """The /api routes; `current_user` returns the logged-in name, or None (then 401)."""
    slots = AnswerSlots(concurrency)

    def require_user(request: Request) -> str | None:
        user = current_user(request)
        if user is None:
            raise HTTPException(status_code=401, detail="log in first (session cookie or HTTP Basic)",
                                headers={"WWW-Authenticate": 'Basic realm="communique"'})
        return user

    router = APIRouter(prefix="/api", dependencies=[Depends(require_user)])

    @router.post("/search", summary="Ranked passages for a query (no answer)")
    def search(body: SearchRequest) -> list[dict[str, Any]]:
        return slots.run(lambda: search_hits(backend, body))

    @router.post("/ask", summary="An answer with numbered citations, or 'not found'")
    def ask(body: AskRequest) -> dict[str, Any]:
        return slots.run(lambda: answer_of(backend, body))

    @router.get("/stats", summary="What the index holds")
    def stats() -> dict[str, Any]:
        try:
            return backend.stats().to_dict()
        except Exception as exc:  # noqa: BLE001
            raise _problem(exc) from exc

    return router


def add_docs(app: FastAPI, current_user: CurrentUser) -> None:
    """The OpenAPI page with Swagger UI's files served from the installed `swagger-ui-bundle`."""
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    def require_user(request: Request) -> None:
        if current_user(request) is None:
            raise HTTPException(status_code=401, detail="log in first",
                                headers={"WWW-Authenticate": 'Basic realm="communique"'})

    @app.get("/api/openapi.json", include_in_schema=False, dependencies=[Depends(require_user)])
    def openapi() -> dict[str, Any]:
        return app.openapi()

    @app.get("/api/docs", include_in_schema=False, dependencies=[Depends(require_user)])
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json", title="Communiqué API",
            swagger_js_url="/api/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/api/docs-static/swagger-ui.css",
            swagger_favicon_url="/api/docs-static/favicon-32x32.png",
        )

    app.mount("/api/docs-static", StaticFiles(directory=swagger_ui_path), name="api-docs-static")
