"""What the assistant returns: typed, JSON-serialisable, independent of how it was produced."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from communique.index.models import Chunk, Hit, Release

if TYPE_CHECKING:  # only for annotations: keep `from assistant.models import Answer` light
    from communique.assistant.abstain import Signals
    from communique.assistant.extractive import Sentence
    from communique.assistant.followup import Resolution
    from communique.assistant.question import Question
    from communique.assistant.terms import Terms


@dataclass
class Citation:
    """`[n]` in the answer text: `quote == release.text[start:end]` always holds."""

    n: int
    release_id: str
    chunk_id: str
    title: str
    date: str | None
    url: str
    lang: str
    quote: str
    start: int
    end: int
    source: str = ""
    # What a face shows around the quote, read from the same index generation as the answer:
    context: str = ""  # release.text[context_start : context_start + len(context)], the quote inside it
    context_start: int = 0
    origin: str = ""  # who issued the release: its department field, else its source


@dataclass(frozen=True)
class TranslationRef:
    """Another language version of a release, as faces link to it ("also in: <title> (FR)")."""

    release_id: str
    lang: str
    title: str
    url: str


@dataclass
class Lead:
    """What the answer opens with: the value asked for, a Yes/No, or one item of a list.

    `release.text[start:end] == original` when the value was read from a cited sentence; `start` and
    `end` are None when it comes from the record itself (its date, its `speaker` field) or is a Yes/No.
    `shown` is how the answer writes it (in the asker's conventions: « 3,07 milliards » → "$3.07 billion").
    """

    kind: str  # amount, count, date, place, person, duration, yes, no
    shown: str
    n: int | None  # the citation it comes from
    release_id: str | None
    start: int | None
    end: int | None
    original: str = ""


@dataclass
class Answer:
    text: str
    language: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    presented: list[Hit] = field(default_factory=list)  # passages shown to the answerer
    timings: dict[str, float] = field(default_factory=dict)  # ms: retrieval, answering, total
    notice: str | None = None  # e.g. "LLM unavailable, extractive answer shown"
    question: str = ""
    resolved_question: str = ""  # after follow-up resolution
    lead: Lead | None = None  # the asked value / Yes-No the text opens with
    items: list[Lead] = field(default_factory=list)  # list answers: one line per item
    form: str = "quote"  # quote, value, yes_no, list, overview, not_found
    translations: dict[str, list[TranslationRef]] = field(default_factory=dict)  # release id -> its other versions

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Draft:
    """What the extractive pass decided, before any text is written; the LLM answerer starts from it."""

    question: "Question"
    resolution: "Resolution"
    hits: list[Hit]
    releases: dict[str, Release]
    chosen: list["Sentence"]
    terms: "Terms"
    signals: "Signals | None"
    abstained: bool
    retrieval_ms: float
    dated: bool
    source_lang: str | None = None
    widened: bool = False  # a publication date named in the question was dropped: nothing in it answered
    pool: list["Sentence"] = field(default_factory=list)  # the best-scored candidates, chosen or not


class Source(Protocol):
    """What writing an answer reads from the index (a pinned `Retriever` view satisfies it)."""

    def release(self, release_id: str) -> Release | None: ...

    def chunks_of(self, release_id: str) -> list[Chunk]: ...
