"""The chat's access to the assistant: open the index lazily, follow re-ingests, check input.

The app must keep serving when the index is missing or broken (it shows why and how to fix
it) and start answering as soon as an ingest has built one, without a restart. Questions
and filters are validated here so the chat, the Gradio API and the REST API give the same
short messages. The layers below are reached through the typed protocols of `ui.seams`.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from communique.assistant.models import Answer
from communique.index.calendar import parse_iso_date
from communique.index.limits import MAX_QUESTION_CHARS  # the assistant's own limit: refused here, never cut there
from communique.index.models import Hit, Release
from communique.ui.departments import DepartmentCatalog, DepartmentName
from communique.ui.history import ChatMessage
from communique.ui.seams import AssistantLike, SearchOptions

if TYPE_CHECKING:
    from communique.index.retriever import IndexStats

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

    def __init__(self, key: str, path: Path | str, error: str = "") -> None:
        from communique.index.storage.pg_schema import display_uri

        shown = display_uri(path) if isinstance(path, str) else path  # never a database password on screen
        error = display_uri(error)
        super().__init__(f"{key}: {shown} {error}".strip())
        self.key = key
        self.path = shown
        self.error = error


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the search to; empty means no restriction."""

    source_lang: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    department: str | None = None

    def as_options(self) -> SearchOptions:
        options: SearchOptions = {"source_lang": self.source_lang, "date_from": self.date_from,
                                  "date_to": self.date_to}
        if self.department:
            options["department"] = self.department
        return options

    def to_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v}


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
        return parse_iso_date(candidate).isoformat()
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
    dept = str(department).strip()[:300] if department else None
    return Filters(source_lang=lang, date_from=start, date_to=end, department=dept or None)


IndexLocation = Path | str  # a folder, or a database URI (see ui.paths)
Opener = Callable[[IndexLocation], AssistantLike]


def assistant_opener(answerer: str = "extractive") -> Opener:
    """Opens the real Assistant over an index folder (`answerer`: "extractive" or "llm")."""

    def open_assistant(index_dir: IndexLocation) -> AssistantLike:
        from communique.assistant import Assistant

        return Assistant.open(index_dir, answerer=answerer)

    return open_assistant


class ChatBackend:
    """One Assistant shared by every session (it is thread-safe for reads), opened on demand."""

    def __init__(self, index_dir: IndexLocation, opener: Opener | None = None) -> None:
        # a postgresql:// URI stays a string (as a Path it would name a local folder)
        self.index_dir: IndexLocation = index_dir if isinstance(index_dir, str) and "://" in index_dir else Path(index_dir)
        self._opener = opener or assistant_opener()
        self._assistant: AssistantLike | None = None
        self._problem: IndexUnavailable | None = None
        self._last_try = 0.0
        self._lock = threading.Lock()
        self._catalog: tuple[str, DepartmentCatalog] | None = None

    def assistant(self, *, follow: bool = True) -> AssistantLike:
        """The open Assistant, following a re-ingest; IndexUnavailable says why there is none.

        `follow=False` skips the look at the index folder: the reads that render an answer
        (its releases, their translations) use the generation its question already checked.
        """
        current = self._assistant
        if current is not None:
            if follow:
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
                opened = self._opener(self.index_dir)
                self._problem = None
            except Exception as exc:  # noqa: BLE001 - any failure to open is shown, never fatal
                self._problem = self._classify(exc)
                log.warning("index not usable: %s", exc)
                raise self._problem from exc
            self._assistant = opened
            return opened

    def _classify(self, exc: Exception) -> IndexUnavailable:
        from communique.index.errors import IndexNotFound

        if isinstance(exc, (IndexNotFound, FileNotFoundError)) or (
                isinstance(self.index_dir, Path) and not self.index_dir.exists()):
            return IndexUnavailable("index_missing", self.index_dir)
        return IndexUnavailable("index_broken", self.index_dir, str(exc) or type(exc).__name__)

    def _follow_reingest(self, assistant: AssistantLike) -> None:
        try:
            assistant.retriever.reload_if_changed()
        except Exception as exc:  # noqa: BLE001 - keep answering from the generation already loaded
            log.warning("could not load the new index generation, keeping the current one: %s", exc)

    def stats(self) -> IndexStats:
        return self.assistant().retriever.stats()

    def release(self, release_id: str) -> Release | None:
        """The full release (for quoting), or None when it cannot be read."""
        try:
            return self.assistant(follow=False).retriever.release(release_id)
        except Exception as exc:  # noqa: BLE001 - a missing passage must not break the answer
            log.warning("release %s not readable: %s", release_id, exc)
            return None

    def translations(self, release_id: str) -> list[Release]:
        """The same announcement in its other languages (for "also in: <title>")."""
        try:
            return self.assistant(follow=False).retriever.translations(release_id)
        except Exception as exc:  # noqa: BLE001
            log.warning("translations of %s not readable: %s", release_id, exc)
            return []

    def catalog(self) -> DepartmentCatalog:
        """Departments grouped across languages, rebuilt when the index generation changes."""
        stats = self.stats()
        cached = self._catalog
        if cached is not None and cached[0] == stats.generation:
            return cached[1]
        catalog = DepartmentCatalog.build(stats.departments, self.assistant(follow=False).retriever)
        self._catalog = (stats.generation, catalog)
        return catalog

    def departments(self, ui_lang: str = "en") -> list[tuple[str, str]]:
        """(label in `ui_lang`, filter value) for each department once; empty when the index has none."""
        try:
            return self.catalog().choices(ui_lang)
        except IndexUnavailable:
            return []

    def department_label(self, value: str, ui_lang: str) -> str:
        try:
            return self.catalog().label_of(value, ui_lang)
        except IndexUnavailable:
            return value

    def _department(self, filters: Filters) -> Filters:
        """The filter's department matched in every language the index names it in."""
        if not filters.department:
            return filters
        try:
            name: str = self.catalog().matcher(filters.department)
        except IndexUnavailable:
            name = DepartmentName.single(filters.department)
        return Filters(filters.source_lang, filters.date_from, filters.date_to, name)

    def stream(
        self, question: str, *, history: list[ChatMessage] | None, lang: str | None, filters: Filters
    ) -> Iterator[str | Answer]:
        """Pieces of text, then the final Answer (the Assistant's own streaming contract)."""
        assistant = self.assistant()
        options = self._department(filters).as_options()
        yield from assistant.stream(question, history=history or None, lang=lang, **options)

    def ask(self, question: str, *, history: list[ChatMessage] | None, lang: str | None, filters: Filters) -> Answer:
        assistant = self.assistant()
        return assistant.ask(question, history=history or None, lang=lang, **self._department(filters).as_options())

    def search(self, query: str, *, k: int, filters: Filters) -> list[Hit]:
        """Ranked passages, as `Retriever.search` gives them (the REST API's /api/search)."""
        f = self._department(filters)
        retriever = self.assistant().retriever
        return retriever.search(query, k=k, lang=f.source_lang, date_from=f.date_from, date_to=f.date_to,
                                department=f.department)
