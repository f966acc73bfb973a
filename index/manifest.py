"""The manifest: what an index generation holds and how to check its files are intact."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.errors import IndexCorrupted
from index.layout import MANIFEST_NAME

FORMAT_VERSION = 1


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
        except (OSError, ValueError, TypeError) as exc:
            raise IndexCorrupted(f"{path}: manifest unreadable ({exc})") from exc
        if manifest.version != FORMAT_VERSION:
            raise IndexCorrupted(f"{path}: index format {manifest.version}, this version reads {FORMAT_VERSION}")
        manifest._check_types(path)
        return manifest

    def _check_types(self, path: Path) -> None:
        """The manifest is the root of trust (checksums cannot vouch for it): check its shape."""
        problems = []
        if not isinstance(self.embedder, str) or not self.embedder:
            problems.append("'embedder' must be a non-empty string")
        if not isinstance(self.dim, int) or isinstance(self.dim, bool) or self.dim <= 0:
            problems.append("'dim' must be a positive integer")
        if not isinstance(self.files, dict) or not all(
            isinstance(name, str) and isinstance(entry, dict) for name, entry in self.files.items()
        ):
            problems.append("'files' must map file names to {size, sha256}")
        elif any(not name or "/" in name or "\\" in name or name.startswith(".") for name in self.files):
            problems.append("'files' names a path outside the generation folder")
        for key in ("releases_by_lang", "chunks_by_lang"):
            if not isinstance(getattr(self, key), dict):
                problems.append(f"'{key}' must be an object")
        if problems:
            raise IndexCorrupted(f"{path}: manifest damaged ({'; '.join(problems)})")


def file_digest(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def verify_files(folder: Path, manifest: Manifest, *, full: bool = True) -> None:
    """Raise IndexCorrupted naming the first file that is missing, truncated or altered."""
    for name, expected in manifest.files.items():
        path = folder / name
        if not path.exists():
            raise IndexCorrupted(f"{path}: missing")
        size = path.stat().st_size
        if size != expected.get("size"):
            raise IndexCorrupted(f"{path}: size {size} bytes, manifest says {expected.get('size')} (truncated?)")
        if full and file_digest(path)["sha256"] != expected.get("sha256"):
            raise IndexCorrupted(f"{path}: checksum differs from the manifest (file altered)")
