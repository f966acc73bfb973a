"""Which files to ingest: explicit files and folders walked recursively, in a stable order."""
from __future__ import annotations

import errno
import os
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from communique.ingest.problems import Problem, printable

SUPPORTED_EXTENSIONS = frozenset({".jsonl", ".json", ".txt", ".md", ".markdown", ".html", ".htm"})


# A data folder's own documentation is not an announcement: skipped when walking a folder
# (a file named explicitly is still read).
FOLDER_DOCUMENTATION = frozenset({"readme", "license", "licence", "changelog", "contributing", "notice", "authors"})


INDEX_FOLDER_MESSAGE = "an index folder, not input: skipped"


@dataclass(frozen=True)
class Skipped:
    """A folder passed over on purpose (an index): said in the report, but not a rejection."""

    path: str
    reason: str

    def __str__(self) -> str:
        return printable(f"{self.path}: {self.reason}")


def is_index_folder(names: Iterable[str]) -> bool:
    """An index (`CURRENT` + `gen-*`) or one of its generations (`manifest.json` + records or vectors).

    Its `manifest.json` and `lexical-vocab.json` would otherwise be read as releases and rejected
    by the thousand, or worse, ingested.
    """
    names = set(names)
    if "CURRENT" in names and any(n.startswith("gen-") for n in names):
        return True
    return "manifest.json" in names and ("records.sqlite" in names or any(n.endswith(".faiss") for n in names))


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_EXTENSIONS


def is_folder_documentation(path: Path) -> bool:
    return path.stem.lower() in FOLDER_DOCUMENTATION


def iter_source_files(paths: Iterable[str | Path], *, exclude: Iterable[str | Path] = ()
                      ) -> Iterator[Path | Problem | Skipped]:
    """Yield readable source files (sorted within each folder) or a Problem for each bad entry.

    Hidden files and folders are skipped when walking (editor and VCS droppings); a file named
    explicitly is taken as asked, but must have a supported extension. Symlinked folders are
    followed once: a folder already visited (a loop) is reported, not walked again. Index
    folders (any, and the `exclude`d ones such as the ingest's own) are never entered.
    """
    excluded = set()
    for folder in exclude:
        try:
            st = Path(folder).stat()
            excluded.add((st.st_dev, st.st_ino))
        except OSError:
            pass
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                yield from _walk(path, visited=set(), excluded=excluded)
            elif path.exists():
                yield from _check_file(path, explicit=True)
            elif path.is_symlink():
                yield Problem(str(path), None, "broken symbolic link")
            else:
                yield Problem(str(path), None, "no such file or folder")
        except OSError as exc:  # e.g. a symlink loop given directly, or a name too long
            yield Problem(str(path), None, _os_message(exc))


def _walk(folder: Path, visited: set[tuple[int, int]], excluded: set[tuple[int, int]]
          ) -> Iterator[Path | Problem | Skipped]:
    try:
        st = folder.stat()
    except OSError as exc:
        yield Problem(str(folder), None, _os_message(exc))
        return
    key = (st.st_dev, st.st_ino)
    if key in excluded:
        yield Skipped(str(folder), "the index being written, not input: skipped")
        return
    if key in visited:
        yield Problem(str(folder), None, "symbolic link loop (folder already visited), skipped")
        return
    visited = visited | {key}
    entries = yield from _list(folder)
    if entries is None:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows symlinks
            is_file = entry.is_file()
        except OSError as exc:
            yield Problem(str(path), None, _os_message(exc))
            continue
        if is_dir:
            yield from _walk(path, visited, excluded)
        elif is_file:
            if is_supported(path) and not is_folder_documentation(path):
                yield from _check_file(path, explicit=False)
        elif is_supported(path):
            message = _broken_link_message(path) if entry.is_symlink() else "not a regular file"
            yield Problem(str(path), None, message)


def _list(folder: Path) -> Generator[Problem | Skipped, None, list[os.DirEntry] | None]:
    """The folder's entries by name, or None (after saying why) when it cannot or must not be read."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Problem(str(folder), None, f"cannot list folder: {_os_message(exc)}")
        return None
    if is_index_folder(e.name for e in entries):
        yield Skipped(str(folder), INDEX_FOLDER_MESSAGE)
        return None
    return entries


def _check_file(path: Path, *, explicit: bool) -> Iterator[Path | Problem]:
    if explicit and not is_supported(path):
        supported = " ".join(sorted(SUPPORTED_EXTENSIONS))
        yield Problem(str(path), None, f"unsupported file type {path.suffix or '(none)'!r}; supported: {supported}")
        return
    if not path.is_file():
        yield Problem(str(path), None, "not a regular file")
        return
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        yield Problem(str(path), None, f"cannot read: {_os_message(exc)}")
        return
    yield path


def _broken_link_message(path: Path) -> str:
    try:
        path.stat()
    except OSError as exc:
        return _os_message(exc)
    return "broken symbolic link"


def _os_message(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return exc.strerror or str(exc)
