"""The shared evaluation index's inputs: every GC file of ../shared/corpus plus the first
1,000 provincial releases (the set `evals/golden/shared.jsonl` is written against).

This is the one definition of that file list, used by `communique eval --build-shared-index`
(the Makefile's `eval` target), the test fixtures and the bench. It only names and counts
files: building the index is the callers' job (evals must not import ingest).

The corpus is read in place; the provincial slice goes to a temporary file outside the
project so nothing from ../shared is copied into it.
"""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Iterable

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
GC_FILES = (
    "gc_news_teaser_pairs_2024.jsonl",
    "gc_halfmast_notice_pairs.jsonl",
    "gc_blog_pairs.jsonl",
    "seed_pair.jsonl",
)
PROVINCIAL_FILE = "provincial_releases_2020-2021.jsonl"
PROVINCIAL_LIMIT = 1000
INPUT_FILES = (*GC_FILES, PROVINCIAL_FILE)


class SharedCorpusMissing(FileNotFoundError):
    """The shared corpus (or one of its files) is not where the evaluation expects it."""


def shared_corpus_dir() -> Path | None:
    return SHARED_CORPUS if (SHARED_CORPUS / PROVINCIAL_FILE).exists() else None


def missing_inputs(corpus: Path) -> list[Path]:
    """The input files absent from `corpus` (empty when the set is complete)."""
    return [corpus / name for name in INPUT_FILES if not (corpus / name).is_file()]


def require_inputs(corpus: Path) -> None:
    """Raise `SharedCorpusMissing` naming every absent input file."""
    missing = missing_inputs(corpus)
    if missing:
        names = ", ".join(str(p) for p in missing)
        raise SharedCorpusMissing(f"shared corpus incomplete: missing {names}")


def shared_sources(corpus: Path, workdir: Path, provincial_limit: int = PROVINCIAL_LIMIT) -> list[Path]:
    """Paths to ingest: the GC files in place, plus a slice of the provincial file in `workdir`."""
    require_inputs(corpus)
    workdir.mkdir(parents=True, exist_ok=True)
    paths = [corpus / name for name in GC_FILES]
    if provincial_limit:
        slice_path = workdir / f"provincial-first-{provincial_limit}.jsonl"
        with open(corpus / PROVINCIAL_FILE, encoding="utf-8") as src, open(slice_path, "w", encoding="utf-8") as dst:
            dst.writelines(itertools.islice(src, provincial_limit))
        paths.append(slice_path)
    return paths


def count_records(paths: Iterable[Path]) -> int:
    """Non-blank lines of the JSONL inputs: the releases a complete build must account for."""
    total = 0
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            total += sum(1 for line in fh if line.strip())
    return total


def input_stamp(corpus: Path, provincial_limit: int = PROVINCIAL_LIMIT, embedder: str | None = None) -> dict[str, Any]:
    """What a built index was made from (names, sizes, mtimes, slice, embedder): reuse it only if equal."""
    require_inputs(corpus)
    files = {}
    for name in INPUT_FILES:
        st = (corpus / name).stat()
        files[name] = {"bytes": st.st_size, "mtime_ns": st.st_mtime_ns}
    return {"corpus": str(corpus.resolve()), "files": files, "provincial_limit": provincial_limit,
            "embedder": embedder or "default"}
