"""A general French ↔ English dictionary, read from the FreeDict files Debian installs
(`dict-freedict-fra-eng`, `dict-freedict-eng-fra`, ~8,500 headwords each), as a second source of
equivalents after the hand-written glossary.

Why: the glossary was written from the questions we could read; the words of questions nobody has
written yet are not in it (held-out split: cross-language questions answered about half as well as
same-language ones). A general dictionary is noisier — « place » is "square" as well as "seat" —
so words with more than MAX_SENSES senses and multi-word translations are left out, and the glossary's
entry, where there is one, is used instead of the dictionary's (`glossary.equivalents`).

The files are dictd's: `NAME.index` lines "headword<TAB>offset<TAB>length" (base-64 numbers) into
the gzip'd `NAME.dict.dz`, whose entries are a headword line then translation lines ("1. lower,
reduce"). They are data: nothing in them is executed. Absent files mean an empty dictionary.
"""
from __future__ import annotations

import gzip
import logging
import os
import re
import threading
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Callable

from communique.assistant.text import fold, stem, tokenize

log = logging.getLogger(__name__)

# Where Debian puts dictd's files (`make install` installs the two packages); empty: no dictionary.
DICTIONARY_DIR = os.environ.get("COMMUNIQUE_DICTIONARY_DIR", "/usr/share/dictd")
PAIRS = ("fra-eng", "eng-fra")
MAX_SENSES = int(os.environ.get("COMMUNIQUE_DICTIONARY_SENSES", "4"))  # more: too ambiguous to match on
_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_NUMBERING = re.compile(r"^\s*\d+\.\s*")


def _number(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + _B64[char]
    return value


def read_pair(directory: Path, pair: str) -> list[tuple[str, list[str]]]:
    """(headword, translations) of one FreeDict pair; [] when its files are absent or unreadable."""
    index, data_file = directory / f"freedict-{pair}.index", directory / f"freedict-{pair}.dict.dz"
    try:
        with gzip.open(data_file) as compressed:
            data = compressed.read()
    except (OSError, EOFError, zlib.error) as exc:  # a damaged .dz is a zlib.error, not an OSError
        if not isinstance(exc, FileNotFoundError):
            log.warning("%s: dictionary not read: %s", data_file, exc)
        return []
    try:
        lines = index.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        if not isinstance(exc, FileNotFoundError):
            log.warning("%s: dictionary not read: %s", index, exc)
        return []
    out = []
    for number, line in enumerate(lines, start=1):
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00-database") or parts[0].startswith("00database"):
            continue
        try:
            start, length = _number(parts[1]), _number(parts[2])
        except KeyError:
            log.warning("%s:%d: bad offset %r", index, number, line[:60])
            continue
        body = data[start:start + length].decode("utf-8", errors="replace").split("\n")[1:]
        translations = [piece.strip() for row in body for piece in re.split(r"[,;]", _NUMBERING.sub("", row))
                        if piece.strip()]
        out.append((parts[0], translations))
    return out


def _single_stems(phrase: str, french: bool) -> frozenset[str]:
    """The stems a one-word entry is matched by (none for a phrase).

    A French verb is given as its infinitive, whose stem (« verser » → "verser") is not its conjugated
    forms' (« verse », « versés » → "vers"): the infinitive's root counts too."""
    if " " in phrase or len(phrase) < 3:
        return frozenset()  # a phrase ("pour out"): its words alone would match too much
    words = [t for t in tokenize(fold(phrase)) if len(t) > 2]
    if len(words) != 1 or words[0].isdigit():
        return frozenset()
    word = words[0]
    stems = {stem(word)}
    if french and len(word) > 4 and word.endswith(("er", "ir", "re")):
        stems.add(stem(word[:-2]))
    return frozenset(stems)


_LOCK = threading.Lock()


def warm_up(*also: Callable[[], object]) -> None:
    """Read the dictionary (~0.3 s), then do `also` (the index's pair lexicon), on a background thread
    while the embedder loads: the first question then waits only for what is left."""
    def run() -> None:
        try:
            table()
            for step in also:
                step()
        except Exception:  # the question that needs them will meet the same error, and report it
            log.exception("warming up the cross-language equivalents failed")
    threading.Thread(target=run, name="communique-dictionary", daemon=True).start()


def table(directory: str = DICTIONARY_DIR) -> dict[str, frozenset[str]]:
    """Stem → stems of its one-word translations, both ways, for headwords with few senses."""
    with _LOCK:  # one reading, whichever thread asks first
        return _table(directory)


@lru_cache(maxsize=4)
def _table(directory: str) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for pair in PAIRS if directory else ():
        head_french = pair.startswith("fra")
        for head, translations in read_pair(Path(directory), pair):
            sources = _single_stems(head, head_french)
            if not sources:
                continue
            senses = {found for t in translations if (found := _single_stems(t, not head_french))}
            if not senses or len(senses) > MAX_SENSES:
                continue
            targets = set().union(*senses) - sources
            for source in sources:
                out.setdefault(source, set()).update(targets)
            for target in targets:
                out.setdefault(target, set()).update(sources)
    return {s: frozenset(v) for s, v in out.items() if v}
