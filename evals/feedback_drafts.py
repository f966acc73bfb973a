"""Turn the chat's feedback log (👍/👎 and comments) into draft golden items for an evaluator.

Why drafts and not items: a vote says an answer was good or bad, not what the right answer
is. Each draft carries what the evaluator needs to write the item — the question, the answer
given, the releases it cited, the vote and the comments — and leaves `facts` empty, so
`communique eval --check` refuses the draft until someone has written the facts.

Records are the dicts `ui.feedback.FeedbackLog` writes; a vote and later comments on one
answer are merged by `answer_id` (the last vote counts, comments are kept in order).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

VOTES = ("up", "down")


@dataclass
class FeedbackThread:
    """Everything said about one answer."""

    answer_id: str
    question: str = ""
    resolved_question: str = ""
    answer: str = ""
    language: str = ""
    abstained: bool = False
    citations: list[dict[str, Any]] = field(default_factory=list)
    vote: str | None = None
    comments: list[str] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)
    time: str = ""


def read_feedback(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Records of a feedback JSONL file, and `file:line: problem` for each line that is not one."""
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{path}:{number}: not a JSON line ({exc.msg})")
                continue
            if not isinstance(record, dict) or not isinstance(record.get("answer_id"), str):
                problems.append(f"{path}:{number}: not a feedback record (no answer_id)")
                continue
            records.append(record)
    return records, problems


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def merge_threads(records: Iterable[dict[str, Any]]) -> list[FeedbackThread]:
    """One thread per answer, in the order answers were first rated."""
    threads: dict[str, FeedbackThread] = {}
    for record in records:
        thread = threads.setdefault(record["answer_id"], FeedbackThread(answer_id=record["answer_id"]))
        for name in ("question", "resolved_question", "answer", "language", "time"):
            if _text(record.get(name)):
                setattr(thread, name, _text(record[name]))
        thread.abstained = bool(record.get("abstained", thread.abstained))
        if isinstance(record.get("citations"), list) and record["citations"]:
            thread.citations = [c for c in record["citations"] if isinstance(c, dict)]
        if isinstance(record.get("filters"), dict) and record["filters"]:
            thread.filters = dict(record["filters"])
        if record.get("vote") in VOTES:
            thread.vote = record["vote"]
        comment = _text(record.get("comment")).strip()
        if comment:
            thread.comments.append(comment)
    return [t for t in threads.values() if t.question.strip()]


def _kind(lang: str, cited_langs: list[str], abstained: bool, answerable: bool) -> str:
    if not answerable:
        return "unanswerable"
    if not cited_langs:
        return ""
    other = [c for c in cited_langs if c and c != lang]
    return f"{lang}-{other[0]}" if other and len(other) == len(cited_langs) else f"{lang}-{lang}"


def draft_item(thread: FeedbackThread) -> dict[str, Any]:
    """A golden-format draft: question, cited releases as candidate sources, the vote and comments
    in `notes`, empty `facts` (the evaluator writes them). 👍 on a "not found" answer drafts an
    unanswerable item; everything else an answerable one."""
    answerable = not (thread.abstained and thread.vote == "up")
    sources = list(dict.fromkeys(_text(c.get("release_id")) for c in thread.citations if _text(c.get("release_id"))))
    lang = thread.language if thread.language in ("en", "fr") else ""
    cited_langs = [_text(c.get("lang")) for c in thread.citations]
    notes = [f"DRAFT from chat feedback {thread.time or ''}".rstrip(),
             f"vote: {thread.vote or 'none'}", f"abstained: {'yes' if thread.abstained else 'no'}"]
    if thread.resolved_question and thread.resolved_question != thread.question:
        notes.append(f"follow-up, resolved as: {thread.resolved_question} (add the history turns)")
    if thread.filters:
        notes.append("filters: " + ", ".join(f"{k}={v}" for k, v in thread.filters.items()))
    notes += [f"comment: {c}" for c in thread.comments]
    notes.append(f"answer given: {thread.answer}")
    return {
        "id": f"fb-{thread.answer_id[:16]}",
        "question": thread.question,
        "lang": lang,
        "answerable": answerable,
        "sources": sources if answerable else [],
        "answer": "",
        "facts": [],
        "kind": _kind(lang, cited_langs, thread.abstained, answerable),
        "history": [],
        "notes": " | ".join(notes),
    }


def drafts_from_records(records: Iterable[dict[str, Any]], *, votes: Iterable[str] = VOTES,
                        with_comments: bool = True) -> list[dict[str, Any]]:
    """Drafts for the answers whose vote is in `votes` (or, with `with_comments`, that got a comment)."""
    wanted = set(votes)
    return [draft_item(t) for t in merge_threads(records)
            if t.vote in wanted or (with_comments and t.comments)]
