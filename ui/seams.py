"""What the UI needs from the layers below, as protocols: the Assistant and its Retriever.

The real `assistant.Assistant` and `index.retriever.Retriever` satisfy these structurally;
the UI is written against them, so a change below that would break the chat breaks the type
check here first, and no `Any` or `getattr` crosses the seam.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator, Protocol, TypedDict

from communique.assistant.models import Answer
from communique.index.models import Hit, Release

if TYPE_CHECKING:
    from communique.index.retriever import IndexStats


class SearchOptions(TypedDict, total=False):
    """The filters `Assistant.ask`/`stream` take as keywords."""

    source_lang: str | None
    date_from: str | None
    date_to: str | None
    department: str | None


class RetrieverLike(Protocol):
    def stats(self) -> IndexStats: ...

    def release(self, release_id: str) -> Release | None: ...

    def releases(self, ids: list[str]) -> dict[str, Release]: ...

    def translations(self, release_id: str) -> list[Release]: ...

    def reload_if_changed(self) -> bool: ...

    def search(self, query: str, k: int = 5, lang: str | None = None, date_from: str | None = None,
               date_to: str | None = None, *, department: str | None = None,
               collapse_pairs: bool = True) -> list[Hit]: ...


class AssistantLike(Protocol):
    @property
    def retriever(self) -> RetrieverLike: ...

    def ask(self, question: str, history: Iterable[object] | None = None, lang: str | None = None,
            date_from: str | None = None, date_to: str | None = None, source_lang: str | None = None,
            department: str | None = None) -> Answer: ...

    def stream(self, question: str, history: Iterable[object] | None = None, lang: str | None = None,
               date_from: str | None = None, date_to: str | None = None, source_lang: str | None = None,
               department: str | None = None) -> Iterator[str | Answer]: ...
