"""Index folder layout and atomic publication.

    INDEX_DIR/CURRENT         name of the published generation (replaced atomically)
    INDEX_DIR/gen-000007/     manifest.json, records.sqlite, vectors-*.faiss, lexical.*, row-columns.npz
    INDEX_DIR/.lock           held by the one writer

A writer builds a whole new generation beside the published one, fsyncs it, then swaps
CURRENT with os.replace. A crash at any point leaves the previous generation published
and intact; readers keep the generation they opened until they choose to reload.
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import time
from pathlib import Path
from typing import IO

from communique.index.errors import IndexBusy, IndexCorrupted, IndexNotFound
from communique.index.write_guard import guarded_write, write_failure

CURRENT = "CURRENT"
LOCK = ".lock"
_GEN = re.compile(r"^gen-(\d{6})$")
KEEP_PREVIOUS = 1  # generations kept behind the current one, for readers still on them


def current_generation(index_dir: Path) -> Path:
    pointer = index_dir / CURRENT
    if not index_dir.exists():
        raise IndexNotFound(f"{index_dir}: no index here; build one with `communique ingest PATH --index {index_dir}`")
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError as exc:
        raise IndexNotFound(
            f"{index_dir}: no published index (CURRENT missing); build one with `communique ingest PATH --index {index_dir}`"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorrupted(f"{pointer}: unreadable ({exc}); rebuild with `communique ingest`") from exc
    if not _GEN.match(name):
        raise IndexCorrupted(f"{pointer}: does not name a generation ({name[:40]!r}); rebuild with `communique ingest`")
    folder = index_dir / name
    if not folder.is_dir():
        raise IndexCorrupted(f"{folder}: named by CURRENT but missing; rebuild with `communique ingest`")
    return folder


def current_name(index_dir: Path) -> str | None:
    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def next_generation_name(index_dir: Path) -> str:
    numbers = [int(m.group(1)) for p in index_dir.iterdir() if (m := _GEN.match(p.name.split(".")[0]))]
    return f"gen-{(max(numbers) + 1) if numbers else 1:06d}"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    fsync_dir(folder)


def publish(index_dir: Path, staging: Path, name: str) -> Path:
    """Rename the finished staging folder and point CURRENT at it, atomically."""
    fsync_tree(staging)
    final = index_dir / name
    os.replace(staging, final)
    fsync_dir(index_dir)
    tmp = index_dir / f"{CURRENT}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / CURRENT)
    fsync_dir(index_dir)
    return final


def clean_old(index_dir: Path) -> None:
    """Drop unfinished staging folders and generations older than the kept ones (writer only)."""
    current = current_name(index_dir)
    gens = sorted(p for p in index_dir.iterdir() if _GEN.match(p.name))
    keep = {p.name for p in gens[-(KEEP_PREVIOUS + 1):]} | ({current} if current else set())
    for path in index_dir.iterdir():
        staging = path.name.endswith(".staging")
        if (staging or (_GEN.match(path.name) and path.name not in keep)) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


class WriterLock:
    """Exclusive lock so that two ingests never build generations at once."""

    def __init__(self, index_dir: Path, timeout: float = 30.0) -> None:
        self.path = index_dir / LOCK
        self.timeout = timeout
        self._handle: IO[str] | None = None

    def __enter__(self) -> "WriterLock":
        with guarded_write(self.path.parent, f"taking the writer lock {self.path.name}"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+")
            self._handle = handle
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    handle.close()
                    self._handle = None
                    raise IndexBusy(f"{self.path.parent}: another ingest is writing this index; try again later") from None
                time.sleep(0.2)
            except OSError as exc:  # e.g. ENOLCK: a file system without locks
                handle.close()
                self._handle = None
                raise (write_failure(exc, self.path.parent, f"taking the writer lock {self.path.name}") or exc) from exc

    def __exit__(self, *exc) -> None:
        if self._handle:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
