"""Noticing that a verified file changed on disk after a reader opened it.

A reader hashes its files once, at open. A long-running reader (the chat) would otherwise go on
quoting a record store edited in place afterwards. The kernel sets a file's ctime on every change
of its bytes and no program can choose it, so one `stat` per read is enough to notice; the file is
hashed again only then, and refused if its bytes no longer match the manifest.
"""
from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from communique.index.errors import IndexCorrupted


@dataclass(frozen=True)
class FileIdentity:
    """What changes whenever a file's bytes change: the kernel sets ctime, no program can choose it."""

    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int


def file_identity(path: Path) -> FileIdentity:
    st = os.stat(path)
    return FileIdentity(st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ChangeWatch:
    """Refuses reads once the verified file has changed on disk (edited while a reader had it open)."""

    def __init__(self, path: Path, identity: FileIdentity, sha256: str) -> None:
        self.path = path
        self._identity = identity
        self._sha256 = sha256
        self._broken: str | None = None
        self._lock = threading.Lock()

    def check(self) -> None:
        if self._broken is None:
            try:
                now = file_identity(self.path)
            except FileNotFoundError:  # a writer cleaned this generation away: the open handle keeps its bytes
                return
            if now == self._identity:
                return
            with self._lock:
                if now != self._identity and self._broken is None:
                    try:
                        same = sha256_of(self.path) == self._sha256
                    except OSError as exc:
                        same, why = False, f"cannot be read any more ({exc.strerror})"
                    else:
                        why = "checksum differs from the manifest"
                    if same:
                        self._identity = now  # touched or copied back, same bytes
                    else:
                        self._broken = (f"{self.path}: changed on disk after the index was opened ({why}); "
                                        "nothing more is read from it. Rebuild with `communique ingest` and restart")
        if self._broken is not None:
            raise IndexCorrupted(self._broken)
