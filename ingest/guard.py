"""One guard for every stage that touches one record, so that no record can stop an ingest.

Reading, decoding, normalising, cleaning, language detection, chunking, the keep/skip decision
and embedding each run through `attempt`: any exception raised for one record (a RecursionError,
a TypeError on a field of the wrong type, a library bug) becomes a `Problem` naming the file,
the line, the stage and the error, and the ingest goes on with the next record. Errors of the
index itself (disk full, lock) are not per record and are left to the writer.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from communique.ingest.problems import Problem

T = TypeVar("T")
STAGES = ("read", "decode", "normalise", "clean", "detect", "chunk", "decide", "embed")
_MAX_ERROR_CHARS = 300
log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    """`TypeError: 'int' object is not iterable`, cut to a report line's length."""
    text = str(exc) or exc.__class__.__doc__ or ""
    text = " ".join(text.split())
    if len(text) > _MAX_ERROR_CHARS:
        text = text[:_MAX_ERROR_CHARS] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def attempt(stage: str, where: str, line: int | None, fn: Callable[..., T], /, *args: object,
            **kwargs: object) -> T | Problem:
    """`fn(*args, **kwargs)`, or a Problem locating the record when it raises."""
    assert stage in STAGES, stage
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the point: nothing about one record may stop the batch
        log.debug("%s failed for %s:%s", stage, where, line, exc_info=True)
        return Problem(str(where), line, f"{stage} failed: {describe(exc)}")
