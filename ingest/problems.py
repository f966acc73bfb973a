"""How bad input is reported: a value, not an exception, so one bad file never stops an ingest."""
from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from communique.index.scrub import scrub_surrogates

# Categories shown escaped in report lines: controls (newline, ESC…), format characters
# (bidi overrides), line/paragraph separators and lone surrogates (undecodable file-name bytes).
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def printable(text: str) -> str:
    """`text` safe on one report line: a file name holding "\\nrejected: …" cannot forge a line.

    Undecodable bytes of a file name (kept by Python as lone surrogates) become `\\xNN`;
    other invisible characters become `\\n`, `\\x1b`, `\\u202e`…
    """
    if text.isprintable() and text.isascii():
        return text
    out = []
    for ch in text:
        if unicodedata.category(ch) not in _ESCAPED_CATEGORIES:
            out.append(ch)
        elif "\udc80" <= ch <= "\udcff":  # surrogateescape'd byte of a file name
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def file_label(name: str) -> str:
    """A file name as text that any hash, database or terminal accepts (undecodable bytes as `\\xNN`)."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is not an undecodable byte
        return scrub_surrogates(name)


@dataclass(frozen=True)
class Problem:
    """Something wrong with one file or one record, located as precisely as we can."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return printable(f"{where}: {self.message}")
