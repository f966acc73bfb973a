"""The chat's conversation, in one typed form, and its copy kept in the person's browser.

Everything that enters the UI as history — role/content messages from a script, the turns of
the page's own conversation, a conversation read back from the browser's localStorage — is
turned into these types here, once, and checked on the way in: what the browser sends is data
from outside (it can be edited there), so it is validated field by field and re-rendered by the
server, never shown as stored.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any, Literal, TypedDict

from communique.assistant.models import Answer, Citation
from communique.index.models import Hit

HISTORY_TURNS = 3  # previous exchanges handed to the assistant for follow-ups
MAX_SAVED_CONVERSATIONS = 30
MAX_SAVED_TURNS = 20  # per conversation; older turns are dropped from the saved copy
MAX_SAVED_BYTES = 600_000  # the whole saved list, as JSON (it travels with the questions that save it)
SAVED_PASSAGE_CHARS = 400  # uncited passages are shown cut anyway; the saved copy keeps this much
TITLE_CHARS = 80


class ChatMessage(TypedDict):
    role: Literal["user", "assistant"]
    content: str


def clean_history(history: object) -> list[ChatMessage]:
    """Role/content messages from a script: anything else is dropped rather than failing the question."""
    cleaned: list[ChatMessage] = []
    for item in history if isinstance(history, list) else []:
        if isinstance(item, dict) and item.get("role") in ("user", "assistant") and isinstance(item.get("content"), str):
            cleaned.append({"role": item["role"], "content": item["content"]})
    return cleaned[-2 * HISTORY_TURNS :]


@dataclass
class Turn:
    """One exchange of the conversation: the question, the Answer, and what narrowed it."""

    question: str
    answer: Answer
    filters: dict[str, str] = field(default_factory=dict)
    answer_lang: str = ""
    answer_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    messages: list[int] = field(default_factory=list)  # indexes of its chat messages (for 👍/👎)


def history_for(turns: list[Turn]) -> list[ChatMessage]:
    """The last exchanges as role/content messages, the form the Assistant reads for follow-ups."""
    messages: list[ChatMessage] = []
    for turn in turns[-HISTORY_TURNS:]:
        messages.append({"role": "user", "content": turn.question})
        messages.append({"role": "assistant", "content": turn.answer.text})
    return messages


# -- saved conversations (gr.BrowserState) -------------------------------------------------------------
@dataclass
class SavedConversation:
    id: str
    title: str
    updated: str
    turns: list[Turn]
    owner: str = ""  # the logged-in name ("" without a login): people sharing a browser see their own


def owned_by(conversations: list[SavedConversation], owner: str) -> list[SavedConversation]:
    return [c for c in conversations if c.owner == owner]


def new_conversation_id() -> str:
    return uuid.uuid4().hex[:16]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _build(cls: type, data: object) -> Any:
    """A dataclass from a dict of the right field types only (ValueError otherwise)."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: not an object")
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name in data:
            kwargs[f.name] = data[f.name]
    return cls(**kwargs)


def _str(value: object, limit: int = 100_000) -> str:
    if not isinstance(value, str):
        raise ValueError("not a string")
    return value[:limit]


def answer_from_dict(data: object) -> Answer:
    """`Answer.to_dict()` read back, with every field type checked."""
    if not isinstance(data, dict):
        raise ValueError("answer: not an object")
    citations = [_build(Citation, c) for c in data.get("citations") or []]
    presented = [_build(Hit, h) for h in data.get("presented") or []]
    for c in citations:
        if not (isinstance(c.n, int) and all(isinstance(getattr(c, k), str)
                                             for k in ("release_id", "chunk_id", "title", "url", "lang", "quote"))
                and isinstance(c.start, int) and isinstance(c.end, int)):
            raise ValueError("citation: wrong field types")
    for h in presented:
        if not (all(isinstance(getattr(h, k), str) for k in ("chunk_id", "release_id", "text", "title", "lang"))
                and isinstance(h.metadata, dict) and isinstance(h.translations, list)):
            raise ValueError("passage: wrong field types")
        h.translations = [str(x) for x in h.translations]
    notice = data.get("notice")
    return Answer(
        text=_str(data.get("text")), language=_str(data.get("language"), 8), abstained=bool(data.get("abstained")),
        citations=citations, presented=presented, notice=notice if isinstance(notice, str) else None,
        question=_str(data.get("question", "")), resolved_question=_str(data.get("resolved_question", "")),
    )


def turn_to_saved(turn: Turn) -> dict[str, Any]:
    """A turn as it is kept in the browser: uncited passages cut, long metadata dropped."""
    answer = asdict(turn.answer)
    answer.pop("timings", None)
    for hit in answer["presented"]:
        hit["text"] = hit["text"][:SAVED_PASSAGE_CHARS]
        department = hit["metadata"].get("department")
        hit["metadata"] = {"department": department} if isinstance(department, str) else {}
    return {"question": turn.question, "answer": answer, "filters": dict(turn.filters),
            "answer_lang": turn.answer_lang, "answer_id": turn.answer_id}


def turn_from_saved(data: object) -> Turn:
    if not isinstance(data, dict):
        raise ValueError("turn: not an object")
    filters = data.get("filters") or {}
    if not isinstance(filters, dict):
        raise ValueError("turn: bad filters")
    return Turn(question=_str(data.get("question"), 2000), answer=answer_from_dict(data.get("answer")),
                filters={str(k): str(v) for k, v in filters.items() if isinstance(v, str)},
                answer_lang=_str(data.get("answer_lang", ""), 8),
                answer_id=_str(data.get("answer_id") or uuid.uuid4().hex, 64))


def read_saved(value: object) -> list[SavedConversation]:
    """The browser's saved conversations, newest first; a damaged entry is skipped, not fatal."""
    items = value.get("conversations") if isinstance(value, dict) else None
    out: list[SavedConversation] = []
    for item in items if isinstance(items, list) else []:
        try:
            if not isinstance(item, dict):
                continue
            turns = [turn_from_saved(t) for t in item.get("turns") or []]
            if not turns:
                continue
            out.append(SavedConversation(id=_str(item.get("id"), 32), title=_str(item.get("title"), TITLE_CHARS),
                                         updated=_str(item.get("updated", ""), 40), turns=turns,
                                         owner=_str(item.get("owner", ""), 64)))
        except (ValueError, TypeError):
            continue
    out.sort(key=lambda c: c.updated, reverse=True)
    return out[:MAX_SAVED_CONVERSATIONS]


def write_saved(conversations: list[SavedConversation]) -> dict[str, Any]:
    """The JSON kept in localStorage: newest first, bounded in count, turns and bytes."""
    payload: list[dict[str, Any]] = []
    size = 0
    for conv in sorted(conversations, key=lambda c: c.updated, reverse=True)[:MAX_SAVED_CONVERSATIONS]:
        turns = [turn_to_saved(t) for t in conv.turns[-MAX_SAVED_TURNS:]]
        sizes = [len(json.dumps(t, ensure_ascii=False)) for t in turns]
        while turns and size + sum(sizes) + 200 > MAX_SAVED_BYTES:  # the oldest turns go first
            turns.pop(0)
            sizes.pop(0)
        if not turns:
            break
        payload.append({"id": conv.id, "title": conv.title, "updated": conv.updated, "owner": conv.owner,
                        "turns": turns})
        size += sum(sizes) + 200
    return {"version": 1, "conversations": payload}


def upsert(conversations: list[SavedConversation], conv_id: str, turns: list[Turn],
           owner: str = "") -> list[SavedConversation]:
    """The list with `owner`'s conversation `conv_id` holding `turns` (created, titled by its first question)."""
    kept = [c for c in conversations if not (c.id == conv_id and c.owner == owner)]
    old = next((c for c in conversations if c.id == conv_id and c.owner == owner), None)
    title = old.title if old is not None else turns[0].question[:TITLE_CHARS]
    return [SavedConversation(conv_id, title, _now(), list(turns), owner), *kept]


def rename(conversations: list[SavedConversation], conv_id: str, title: str,
           owner: str = "") -> list[SavedConversation]:
    title = " ".join(title.split())[:TITLE_CHARS]
    for conv in conversations:
        if conv.id == conv_id and conv.owner == owner and title:
            conv.title = title
    return conversations


def delete(conversations: list[SavedConversation], conv_id: str, owner: str = "") -> list[SavedConversation]:
    return [c for c in conversations if not (c.id == conv_id and c.owner == owner)]
