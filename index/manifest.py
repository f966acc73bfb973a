"""The manifest: what an index generation holds and how to check its files are intact.

The manifest is read from disk, so it is input like any other: every field is checked for
type and range before use (a count of 10**400 or -5 is damage, not a number to print), and
its counts are compared with what the files really hold.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

from communique.index.errors import IndexCorrupted
from communique.index.file_watch import ChangeWatch, FileIdentity, file_identity, sha256_of
from communique.index.layout import MANIFEST_NAME

__all__ = ["FORMAT_VERSION", "MANIFEST_NAME", "Manifest", "FileIdentity", "file_digest", "file_identity",
           "verify_files", "change_watch"]

FORMAT_VERSION = 1
MAX_COUNT = 10**10  # releases or passages: far beyond what one machine indexes, far below nonsense
MAX_DIM = 65_536
MAX_FILE_BYTES = 2**50
MAX_TEXT_FIELD = 4_096
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_LANG = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,15}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _show(value: Any) -> str:
    """A damaged value, short enough to print."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}… ({len(text)} characters)"


def _is_count(value: Any, upper: int = MAX_COUNT) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= upper


@dataclass
class Manifest:
    embedder: str
    dim: int
    version: int = FORMAT_VERSION
    releases: int = 0
    chunks: int = 0
    releases_by_lang: dict[str, int] = field(default_factory=dict)
    chunks_by_lang: dict[str, int] = field(default_factory=dict)
    created: str = ""
    last_ingest: str = ""
    vector_index: str = "flat"
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {size, sha256}

    def write(self, folder: Path) -> None:
        path = folder / MANIFEST_NAME
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        path = folder / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise TypeError(f"expected a JSON object, got {type(data).__name__}")
            manifest = cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
        except FileNotFoundError as exc:
            raise IndexCorrupted(f"{path}: manifest missing") from exc
        except (OSError, ValueError, TypeError, RecursionError) as exc:
            raise IndexCorrupted(f"{path}: manifest unreadable ({str(exc)[:200]})") from exc
        if manifest.version != FORMAT_VERSION:
            raise IndexCorrupted(f"{path}: index format {_show(manifest.version)}, this version reads {FORMAT_VERSION}")
        manifest._check_fields(path)
        return manifest

    def _check_fields(self, path: Path) -> None:
        """The manifest is the root of trust (checksums cannot vouch for it): check its shape and ranges."""
        problems = []
        if not isinstance(self.embedder, str) or not self.embedder or len(self.embedder) > MAX_TEXT_FIELD \
                or _CONTROL.search(self.embedder):
            problems.append(f"'embedder' must be a non-empty one-line name, not {_show(self.embedder)}")
        if not _is_count(self.dim, MAX_DIM) or self.dim == 0:
            problems.append(f"'dim' must be an integer from 1 to {MAX_DIM}, not {_show(self.dim)}")
        for key in ("releases", "chunks"):
            if not _is_count(getattr(self, key)):
                problems.append(f"'{key}' must be an integer from 0 to {MAX_COUNT}, not {_show(getattr(self, key))}")
        for key in ("releases_by_lang", "chunks_by_lang"):
            problems += self._check_by_lang(key, getattr(self, key), getattr(self, key.split("_")[0]))
        for key in ("created", "last_ingest", "vector_index"):
            value = getattr(self, key)
            if not isinstance(value, str) or len(value) > 64 or _CONTROL.search(value):
                problems.append(f"'{key}' must be a short one-line string, not {_show(value)}")
        problems += self._check_files()
        if problems:
            raise IndexCorrupted(f"{path}: manifest damaged ({'; '.join(problems)})")

    @staticmethod
    def _check_by_lang(key: str, value: Any, total: Any) -> list[str]:
        if not isinstance(value, dict):
            return [f"'{key}' must be an object"]
        bad = [f"{_show(lang)}: {_show(n)}" for lang, n in value.items()
               if not (isinstance(lang, str) and _LANG.match(lang)) or not _is_count(n)]
        if bad:
            return [f"'{key}' must map language codes to counts from 0 to {MAX_COUNT} ({', '.join(bad[:3])})"]
        if _is_count(total) and sum(value.values()) != total:
            return [f"'{key}' adds up to {sum(value.values())}, not {total}"]
        return []

    def _check_files(self) -> list[str]:
        if not isinstance(self.files, dict) or not all(
            isinstance(name, str) and isinstance(entry, dict) for name, entry in self.files.items()
        ):
            return ["'files' must map file names to {size, sha256}"]
        if any(not name or "/" in name or "\\" in name or name.startswith(".") for name in self.files):
            return ["'files' names a path outside the generation folder"]
        bad = [name for name, entry in self.files.items()
               if not _is_count(entry.get("size"), MAX_FILE_BYTES)
               or not (isinstance(entry.get("sha256"), str) and _SHA256.match(entry["sha256"]))]
        if bad:
            return [f"'files' entries need a size in bytes and a SHA-256 in hex ({', '.join(map(_show, bad[:3]))})"]
        return []

    def check_counts(self, folder: Path, stored: tuple[Mapping[str, int], Mapping[str, int]], *, vectors: int,
                     lexical_rows: int) -> None:
        """The manifest's numbers must be what the record store (`stored`: releases and chunks by
        language), the vectors and BM25 really hold."""
        releases_by_lang, chunks_by_lang = stored
        said = {"releases": (self.releases, self.releases_by_lang), "chunks": (self.chunks, self.chunks_by_lang)}
        found = {"releases": dict(releases_by_lang), "chunks": dict(chunks_by_lang)}
        problems = []
        for key, (total, by_lang) in said.items():
            if total != sum(found[key].values()) or dict(by_lang) != found[key]:
                problems.append(f"{key} {total} {_show(dict(by_lang))}, the record store holds "
                                f"{sum(found[key].values())} {_show(found[key])}")
        if vectors != self.chunks:
            problems.append(f"chunks {self.chunks}, the vector files hold {vectors}")
        if lexical_rows != self.chunks:
            problems.append(f"chunks {self.chunks}, the BM25 arrays hold {lexical_rows}")
        if problems:
            raise IndexCorrupted(f"{folder / MANIFEST_NAME}: does not match the index files ({'; '.join(problems)}); "
                                 "rebuild with `communique ingest`")


def file_digest(path: Path) -> dict[str, Any]:
    return {"size": path.stat().st_size, "sha256": sha256_of(path)}


def change_watch(folder: Path, manifest: Manifest, identities: Mapping[str, FileIdentity], name: str) -> ChangeWatch:
    """A watch on one verified file (`identities` from `verify_files`) against the manifest's checksum."""
    return ChangeWatch(folder / name, identities[name], manifest.files[name]["sha256"])


def verify_files(folder: Path, manifest: Manifest, *, full: bool = True) -> dict[str, FileIdentity]:
    """Raise IndexCorrupted naming the first file that is missing, truncated or altered.

    Returns each file's identity as it was *before* it was hashed: a change made during or
    after the check shows as a new identity (see `index.store.RecordStore`'s watch)."""
    identities: dict[str, FileIdentity] = {}
    for name, expected in manifest.files.items():
        path = folder / name
        try:
            identity = file_identity(path)
        except FileNotFoundError as exc:
            raise IndexCorrupted(f"{path}: missing") from exc
        except OSError as exc:
            raise IndexCorrupted(f"{path}: cannot be read ({exc.strerror})") from exc
        if identity.size != expected.get("size"):
            raise IndexCorrupted(f"{path}: size {identity.size} bytes, manifest says {expected.get('size')} (truncated?)")
        try:
            altered = full and file_digest(path)["sha256"] != expected.get("sha256")
        except OSError as exc:
            raise IndexCorrupted(f"{path}: cannot be read ({exc.strerror})") from exc
        if altered:
            raise IndexCorrupted(f"{path}: checksum differs from the manifest (file altered)")
        identities[name] = identity
    return identities
