"""Turn a failed write to an index folder into `IndexWriteFailed`: the path, the cause, what to do.

Why one place: a write can fail in SQLite (`database or disk is full`), in FAISS (a RuntimeError
whose text ends with the C library's reason), in numpy or in plain file calls (OSError with an
errno). Users should read "disk full" or "read-only" and the folder, never one of those tracebacks.
The writer builds in a staging folder, so the published generation is intact whenever this fires.
"""
from __future__ import annotations

import errno
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from communique.index.errors import IndexWriteFailed

DISK_FULL, READ_ONLY, NO_PERMISSION, NO_LOCKS = "disk full", "read-only file system", "permission denied", "no file locks"
_BY_ERRNO = {
    errno.ENOSPC: DISK_FULL, errno.EDQUOT: DISK_FULL, errno.EFBIG: "file too large",
    errno.EROFS: READ_ONLY, errno.EACCES: NO_PERMISSION, errno.EPERM: NO_PERMISSION, errno.ENOLCK: NO_LOCKS,
}
_BY_SQLITE = {"SQLITE_FULL": DISK_FULL, "SQLITE_READONLY": READ_ONLY, "SQLITE_PERM": NO_PERMISSION}
_ADVICE = {
    DISK_FULL: "free some space (or use --index on another disk) and run the command again",
    READ_ONLY: "the folder cannot be written here: use --index with a writable folder",
    NO_PERMISSION: "check the folder's owner and permissions, or use --index with a writable folder",
    NO_LOCKS: "this file system does not support locks: place the index on a local disk",
}


def _reason_from_text(text: str) -> str | None:
    for number, reason in _BY_ERRNO.items():
        if os.strerror(number) in text:
            return reason
    return None


def diagnose(exc: BaseException, folder: Path) -> str | None:
    """The cause of a failed write in words, or None when `exc` is not a write failure."""
    if isinstance(exc, OSError):
        reason = _BY_ERRNO.get(exc.errno or 0) or _reason_from_text(str(exc))
    elif isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        reason = next((r for key, r in _BY_SQLITE.items() if name.startswith(key)), None)
        if reason is None and not isinstance(exc, sqlite3.OperationalError):
            return None  # a damaged database is IndexCorrupted's business, not a write failure
    elif isinstance(exc, RuntimeError) and "faiss" in str(exc):
        reason = _reason_from_text(str(exc))
    else:
        return None
    return reason or _reason_from_folder(folder) or "write failed"


def _reason_from_folder(folder: Path) -> str | None:
    """When the library's message says nothing useful, the file system itself may."""
    probe = folder if folder.exists() else folder.parent
    try:
        stats = os.statvfs(probe)
    except OSError:
        return None
    if stats.f_flag & os.ST_RDONLY:
        return READ_ONLY
    if stats.f_bavail * stats.f_frsize < 64 * 1024:
        return DISK_FULL
    return None


def write_failure(exc: BaseException, folder: Path, doing: str) -> IndexWriteFailed | None:
    reason = diagnose(exc, folder)
    if reason is None:
        return None
    detail = " ".join(str(exc).split())
    detail = detail if len(detail) <= 240 else detail[:120] + " … " + detail[-100:]
    advice = _ADVICE.get(reason, "check the disk and the folder's permissions")
    return IndexWriteFailed(
        f"{folder}: cannot write the index while {doing}: {reason} ({type(exc).__name__}: {detail}); "
        f"the last published generation is intact; {advice}"
    )


@contextmanager
def guarded_write(folder: Path, doing: str) -> Iterator[None]:
    """Re-raise write failures inside the block as `IndexWriteFailed` naming `folder`."""
    try:
        yield
    except (OSError, sqlite3.Error, RuntimeError) as exc:
        wrapped = write_failure(exc, folder, doing)
        if wrapped is None:
            raise
        raise wrapped from exc
