"""Build the shared evaluation index (`communique eval --build-shared-index DIR`) safely.

The file list lives in `evals.shared_corpus`; this module ingests it. A build that is
incomplete (a missing input, a rejected file, fewer releases than input records) must
never be left where `make eval` would reuse it, so the index is built in a temporary
folder beside the target and renamed into place only after the checks pass, with a stamp
of its inputs and of the ingest/index code. An existing index is reused only when both match.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from communique.evals.shared_corpus import (
    PROVINCIAL_FILE,
    PROVINCIAL_LIMIT,
    SHARED_CORPUS,
    SharedCorpusMissing,
    count_records,
    input_stamp,
    shared_sources,
)

STAMP = "shared-build.json"
# The corpus has a few records that are empty once cleaned (Alberta pages that say only
# "JavaScript is not available"): those are rejected by design. More than this share
# rejected means the build went wrong (a reader or cleaning regression), not the corpus.
MAX_REJECTED_SHARE = 0.01
CURRENT = "CURRENT"


class SharedIndexError(RuntimeError):
    """The build ran but its result is incomplete; nothing was published."""


@dataclass(frozen=True)
class SharedIndexBuild:
    index_dir: Path
    reused: bool
    expected: int  # input records
    releases: int  # releases in the published index
    summary: str  # the ingest report's summary line (empty when reused)
    rejected: tuple[str, ...] = ()  # records the ingest rejected (empty after cleaning), as `file:line: why`

    def describe(self) -> str:
        if self.rejected:
            notes = "".join(f"\n  rejected: {r}" for r in self.rejected)
            return f"{self._headline()}; {len(self.rejected)} record(s) rejected as empty:{notes}"
        return self._headline()

    def _headline(self) -> str:
        if self.reused:
            return f"{self.index_dir}: shared index reused (inputs unchanged; {self.releases} releases)"
        return f"{self.index_dir}: shared index built: {self.summary}; {self.releases} releases published"


def code_stamp() -> str:
    """Hash of the ingest and index code: an index built by other code is rebuilt, not reused."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for package in ("ingest", "index"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _read_stamp(index_dir: Path) -> dict | None:
    try:
        data = json.loads((index_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _published_releases(index_dir: Path) -> int:
    from communique.index import Retriever

    return int(Retriever.open(index_dir).stats().releases)


def build_shared_index(target: Path, *, corpus: Path | None = None, embedder_name: str | None = None,
                       progress: bool = True, provincial_limit: int = PROVINCIAL_LIMIT) -> SharedIndexBuild:
    """Publish a complete shared index at `target` (reused when its inputs are unchanged).

    Raises `SharedCorpusMissing` for absent inputs and `SharedIndexError` when the build is
    incomplete; in both cases `target` is left as it was.
    """
    from communique.ingest.pipeline import ingest_paths

    corpus = Path(corpus) if corpus else SHARED_CORPUS
    if not corpus.is_dir():
        raise SharedCorpusMissing(f"{corpus}: shared corpus folder not found")
    stamp = {**input_stamp(corpus, provincial_limit, embedder_name), "code": code_stamp()}
    previous = _read_stamp(target)
    if previous and previous.get("inputs") == stamp and (target / CURRENT).is_file():
        return SharedIndexBuild(target, True, int(previous.get("expected", 0)), int(previous.get("releases", 0)), "")

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="communique-shared-src-") as src_tmp, \
            tempfile.TemporaryDirectory(prefix=f".{target.name}.building-", dir=target.parent) as build_tmp:
        sources = shared_sources(corpus, Path(src_tmp), provincial_limit)
        expected = count_records(sources)
        build_dir = Path(build_tmp) / "index"
        report = ingest_paths(sources, build_dir, embedder_name=embedder_name, progress=progress)
        # The slice keeps the provincial file's line numbers: name the real file in messages.
        named = [str(p).replace(str(sources[-1]), str(corpus / PROVINCIAL_FILE)) for p in report.problems]
        problems: list[str] = []
        accounted = report.added + report.updated + report.unchanged + report.duplicates + report.rejected
        if accounted != expected:
            problems.append(f"{accounted} of {expected} input records accounted for")
        if report.rejected > MAX_REJECTED_SHARE * expected:
            problems += [f"rejected: {p}" for p in named] or [f"{report.rejected} record(s) rejected"]
        releases = _published_releases(build_dir) if (build_dir / CURRENT).is_file() else 0
        if releases != report.added:
            problems.append(f"index holds {releases} releases, ingest added {report.added}")
        if problems:
            shown = "\n  ".join(problems[:20])
            more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise SharedIndexError(f"{target} left unchanged:\n  {shown}{more}")
        rejected = tuple(named)
        record = {"inputs": stamp, "expected": expected, "releases": releases, "summary": report.summary(),
                  "rejected": list(rejected)}
        (build_dir / STAMP).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        if target.exists():
            os.rename(target, Path(build_tmp) / "previous")  # deleted with the temporary folder
        os.rename(build_dir, target)
    return SharedIndexBuild(target, False, expected, releases, report.summary(), rejected)

