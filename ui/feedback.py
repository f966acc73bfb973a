"""Thumbs up/down and comments on answers, appended to a JSONL file evaluators mine for golden items.

One JSON object per line, written whole under a lock and flushed to disk before returning,
so concurrent sessions never interleave lines and a crash loses at most the line in flight.
A vote and a later comment on the same answer are two lines sharing `answer_id`.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

Vote = Literal["up", "down"]


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

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: FeedbackRecord) -> None:
        line = json.dumps(asdict(record), ensure_ascii=False) + "\n"
        with self._lock:
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
