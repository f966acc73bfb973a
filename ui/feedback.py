"""Thumbs up/down and comments on answers, appended to a JSONL file evaluators mine for golden items.

One JSON object per line, written whole under a lock and flushed to disk before returning,
so concurrent sessions never interleave lines and a crash loses at most the line in flight.
A vote and a later comment on the same answer are two lines sharing `answer_id`.

The file is written by anyone who can open the chat, so it is bounded: each record's fields
are cut (`MAX_*`), each browser session may write `PER_SESSION_PER_MINUTE` records a minute and
all sessions together `TOTAL_PER_MINUTE`, and the file stops growing at `max_bytes`.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from communique.index.limits import MAX_QUESTION_CHARS

Vote = Literal["up", "down"]

MAX_COMMENT_CHARS = 2000
MAX_ANSWER_CHARS = 20_000
MAX_CITATIONS = 20
MAX_QUOTE_CHARS = 2000
PER_SESSION_PER_MINUTE = 20  # a person rating answers as they read them stays far below
TOTAL_PER_MINUTE = 300
MAX_FILE_BYTES = 50_000_000


class FeedbackRefused(Exception):
    """Not written: `reason` is "rate" (too many too fast) or "full" (the file reached its cap)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class FeedbackRecord:
    answer_id: str
    kind: Literal["vote", "comment"]
    vote: Vote | None
    comment: str
    question: str
    answer: str
    language: str
    abstained: bool
    citations: list[dict[str, Any]] = field(default_factory=list)
    resolved_question: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    ui_language: str = ""
    time: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


class FeedbackLog:
    """Append-only JSONL file; safe to share between the threads that serve sessions."""

    def __init__(self, path: Path, *, max_bytes: int = MAX_FILE_BYTES, per_session: int = PER_SESSION_PER_MINUTE,
                 total: int = TOTAL_PER_MINUTE) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.per_session = per_session
        self.total = total
        self._lock = threading.Lock()
        self._recent: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()

    def _admit(self, session: str, now: float) -> None:
        """Count one write for `session`, or FeedbackRefused("rate") (called under the lock)."""
        for queue in (self._all, *self._recent.values()):
            while queue and now - queue[0] > 60.0:
                queue.popleft()
        self._recent = {k: q for k, q in self._recent.items() if q}
        mine = self._recent.setdefault(session, deque())
        if len(mine) >= self.per_session or len(self._all) >= self.total:
            raise FeedbackRefused("rate")
        mine.append(now)
        self._all.append(now)

    def append(self, record: FeedbackRecord, *, session: str = "") -> None:
        """Write one record (cut to the field limits); FeedbackRefused when over a rate or size cap."""
        line = json.dumps(asdict(_bounded(record)), ensure_ascii=False) + "\n"
        with self._lock:
            try:
                size = self.path.stat().st_size
            except FileNotFoundError:
                size = 0
            if size + len(line.encode("utf-8")) > self.max_bytes:
                raise FeedbackRefused("full")
            self._admit(session, time.monotonic())
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())

    def read(self) -> list[dict[str, Any]]:
        """All records (for tests and evaluators); a missing file is an empty log."""
        if not self.path.exists():
            return []
        records = []
        with open(self.path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except ValueError as exc:
                        raise ValueError(f"{self.path}:{number}: not a JSON line ({exc})") from exc
        return records


def _bounded(record: FeedbackRecord) -> FeedbackRecord:
    citations = []
    for c in record.citations[:MAX_CITATIONS]:
        c = dict(c)
        if isinstance(c.get("quote"), str):
            c["quote"] = c["quote"][:MAX_QUOTE_CHARS]
        citations.append(c)
    return FeedbackRecord(
        answer_id=record.answer_id[:64], kind=record.kind, vote=record.vote,
        comment=record.comment[:MAX_COMMENT_CHARS], question=record.question[:MAX_QUESTION_CHARS],
        answer=record.answer[:MAX_ANSWER_CHARS], language=record.language[:8], abstained=record.abstained,
        citations=citations, resolved_question=record.resolved_question[:MAX_QUESTION_CHARS],
        filters={str(k)[:40]: str(v)[:300] for k, v in list(record.filters.items())[:10]},
        ui_language=record.ui_language[:8], time=record.time,
    )
