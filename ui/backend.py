"""The chat's access to the assistant: open the index lazily, follow re-ingests, check input.

The app must keep serving when the index is missing or broken (it shows why and how to fix
it) and start answering as soon as an ingest has built one, without a restart. Questions
and filters are validated here so the chat and the API give the same short messages.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

from assistant.models import Answer
from index.limits import MAX_QUESTION_CHARS  # the assistant's own limit: refused here, never cut there

log = logging.getLogger(__name__)

RETRY_OPEN_SECONDS = 2.0  # how often a missing/broken index is looked at again


class ChatInputError(ValueError):
    """Bad input from the user; `key`/`values` name the interface string that explains it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class IndexUnavailable(RuntimeError):
    """No usable index; `key` is `index_missing` or `index_broken`."""

    def __init__(self, key: str, path: Path, error: str = "") -> None:
        super().__init__(f"{key}: {path} {error}".strip())
        self.key = key
        self.path = path
        self.error = error


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the search to; empty means no restriction."""

    source_lang: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    department: str | None = None

    def as_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "source_lang": self.source_lang,
            "date_from": self.date_from,
            "date_to": self.date_to,
        }
        if self.department:
            kwargs["department"] = self.department
        return kwargs

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v}


def check_question(question: object) -> str:
    """The question stripped, or ChatInputError for empty or over-long input."""
    text = "" if question is None else str(question)
    text = text.replace("\x00", "").strip()
    if not text:
        raise ChatInputError("error_empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise ChatInputError("error_too_long", n=f"{len(text):,}", max=f"{MAX_QUESTION_CHARS:,}")
    return text


def check_date(value: object) -> str | None:
    """ISO date string or None; anything else is a ChatInputError naming the value."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    candidate = text[:10]  # a date-time picker may send "2024-05-01 00:00:00"
    try:
        return date.fromisoformat(candidate).isoformat()
    except ValueError:
        raise ChatInputError("error_date", value=text[:40]) from None


def check_filters(
    source_lang: object = None, date_from: object = None, date_to: object = None, department: object = None
) -> Filters:
    lang = str(source_lang).strip().lower() if source_lang else None
    if lang in ("", "any", "all", "none"):
        lang = None
    if lang is not None and lang not in ("fr", "en"):
        raise ChatInputError("error_lang", value=lang[:20])
    start, end = check_date(date_from), check_date(date_to)
    if start and end and start > end:
        raise ChatInputError("error_date_order", start=start, end=end)
    dept = str(department).strip() if department else None
    return Filters(source_lang=lang, date_from=start, date_to=end, department=dept or None)


def assistant_opener(answerer: str = "extractive") -> Callable[[Path], Any]:
    """Opens the real Assistant over an index folder (`answerer`: "extractive" or "llm")."""

    def open_assistant(index_dir: Path) -> Any:
        from assistant import Assistant

        return Assistant.open(index_dir, answerer=answerer)

    return open_assistant


class ChatBackend:
    """One Assistant shared by every session (it is thread-safe for reads), opened on demand."""

    def __init__(self, index_dir: Path, opener: Callable[[Path], Any] | None = None) -> None:
        # a postgresql:// URI stays a string (as a Path it would name a local folder)
        self.index_dir = index_dir if isinstance(index_dir, str) and "://" in index_dir else Path(index_dir)
        self._opener = opener or assistant_opener()
        self._assistant: Any = None
        self._problem: IndexUnavailable | None = None
        self._last_try = 0.0
        self._lock = threading.Lock()

    def assistant(self) -> Any:
        """The open Assistant, following a re-ingest; IndexUnavailable says why there is none."""
        current = self._assistant
        if current is not None:
            self._follow_reingest(current)
            return current
        with self._lock:
            if self._assistant is not None:
                return self._assistant
            now = time.monotonic()
            if self._problem is not None and now - self._last_try < RETRY_OPEN_SECONDS:
                raise self._problem
            self._last_try = now
            try:
                self._assistant = self._opener(self.index_dir)
                self._problem = None
            except Exception as exc:  # noqa: BLE001 - any failure to open is shown, never fatal
                self._problem = self._classify(exc)
                log.warning("index not usable: %s", exc)
                raise self._problem from exc
            return self._assistant

    def _classify(self, exc: Exception) -> IndexUnavailable:
        from index.errors import IndexNotFound

        if isinstance(exc, (IndexNotFound, FileNotFoundError)) or (
                isinstance(self.index_dir, Path) and not self.index_dir.exists()):
            return IndexUnavailable("index_missing", self.index_dir)
        return IndexUnavailable("index_broken", self.index_dir, str(exc) or type(exc).__name__)

    def _follow_reingest(self, assistant: Any) -> None:
        retriever = getattr(assistant, "retriever", None)
        reload = getattr(retriever, "reload_if_changed", None)
        if reload is None:
            return
        try:
            reload()
        except Exception as exc:  # noqa: BLE001 - keep answering from the generation already loaded
            log.warning("could not load the new index generation, keeping the current one: %s", exc)

    def stats(self) -> Any:
        return self.assistant().retriever.stats()

    def release(self, release_id: str) -> Any:
        """The full release (for quoting), or None when it cannot be read."""
        try:
            return self.assistant().retriever.release(release_id)
        except Exception as exc:  # noqa: BLE001 - a missing passage must not break the answer
            log.warning("release %s not readable: %s", release_id, exc)
            return None

    def departments(self) -> list[str]:
        """Departments/sources known to the index, for the filter; empty when the index does not say."""
        try:
            return sorted(self.stats().departments)
        except IndexUnavailable:
            return []

    def stream(
        self, question: str, *, history: list[Any] | None, lang: str | None, filters: Filters
    ) -> Iterator[str | Answer]:
        """Pieces of text, then the final Answer (the Assistant's own streaming contract)."""
        assistant = self.assistant()
        yield from assistant.stream(question, history=history or None, lang=lang, **filters.as_kwargs())

    def ask(self, question: str, *, history: list[Any] | None, lang: str | None, filters: Filters) -> Answer:
        assistant = self.assistant()
        return assistant.ask(question, history=history or None, lang=lang, **filters.as_kwargs())
