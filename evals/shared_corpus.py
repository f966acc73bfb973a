"""The shared evaluation index: every GC file of ../shared/corpus plus the first 1,000
provincial releases (the set `evals/golden/shared.jsonl` is written against).

The corpus is read in place; the provincial slice goes to a temporary file outside the
project so nothing from ../shared is copied into it.
"""
from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

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


def shared_corpus_dir() -> Path | None:
    return SHARED_CORPUS if (SHARED_CORPUS / PROVINCIAL_FILE).exists() else None


def shared_sources(corpus: Path, workdir: Path, provincial_limit: int = PROVINCIAL_LIMIT) -> list[Path]:
    """Paths to ingest: the GC files in place, plus a slice of the provincial file in `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    paths = [corpus / name for name in GC_FILES]
    if provincial_limit:
        slice_path = workdir / f"provincial-first-{provincial_limit}.jsonl"
        with open(corpus / PROVINCIAL_FILE, encoding="utf-8") as src, open(slice_path, "w", encoding="utf-8") as dst:
            dst.writelines(itertools.islice(src, provincial_limit))
        paths.append(slice_path)
    return paths


def build_shared_index(index_dir: Path, *, embedder_name: str | None = None, progress: bool = True,
                       provincial_limit: int = PROVINCIAL_LIMIT):
    """Ingest the shared evaluation set into `index_dir`; returns the IngestReport."""
    from ingest.pipeline import ingest_paths

    corpus = shared_corpus_dir()
    if corpus is None:
        raise FileNotFoundError(f"{SHARED_CORPUS}: shared corpus not found")
    with tempfile.TemporaryDirectory(prefix="communique-shared-") as tmp:
        return ingest_paths(shared_sources(corpus, Path(tmp), provincial_limit), index_dir,
                            embedder_name=embedder_name, progress=progress)
