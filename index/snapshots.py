"""Which generation a retriever reads, and switching to a newer one without stopping answers.

A reader checks at most once a second whether another process published a new generation
(a file read locally, one indexed row in PostgreSQL); searches already running keep the
snapshot they started with. A broken new generation must not stop answering from the old
one: the error is logged and the check is retried later.
"""
from __future__ import annotations

import logging
import threading
import time

from communique.index.errors import EmbedderMismatch
from communique.index.storage.contract import Snapshot, Storage

log = logging.getLogger(__name__)
CHECK_INTERVAL = 1.0  # seconds between two checks for a new generation


class SnapshotHolder:
    def __init__(self, storage: Storage, snapshot: Snapshot, *, embedder: str, verify: bool,
                 auto_reload: bool) -> None:
        self.storage = storage
        self.snapshot = snapshot
        self._embedder = embedder
        self._verify = verify
        self.auto_reload = auto_reload
        self._lock = threading.Lock()
        self._last_check = time.monotonic()

    def reload_if_changed(self) -> bool:
        """Switch to a newly published generation; searches in flight keep the old one."""
        name = self.storage.current_name()
        if name is None or name == self.snapshot.name:
            return False
        with self._lock:
            if self.storage.current_name() == self.snapshot.name:
                return False
            fresh = self.storage.open_snapshot(verify=self._verify)
            if fresh.embedder != self._embedder:
                fresh.close()
                raise EmbedderMismatch(f"{self.storage.location}: rebuilt with embedder {fresh.embedder!r}")
            self.snapshot = fresh
            return True

    def maybe_reload(self) -> None:
        if not self.auto_reload or time.monotonic() - self._last_check <= CHECK_INTERVAL:
            return
        self._last_check = time.monotonic()
        try:
            self.reload_if_changed()
        except Exception as exc:  # keep answering from the generation already loaded
            log.warning("%s: new index generation not loaded, still answering from %s: %s",
                        self.storage.location, self.snapshot.name, exc)
