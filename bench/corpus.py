"""What the benchmarks run on: the shared corpus (read in place, never copied into the
project), samples of it written to a temporary folder, and the golden questions."""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from communique.evals.shared_corpus import GC_FILES, PROVINCIAL_FILE, SHARED_CORPUS, shared_corpus_dir

TEASER_FILE = "gc_news_teaser_pairs_2024.jsonl"
REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_GOLDEN = REPO_ROOT / "evals" / "golden" / "shared.jsonl"

__all__ = ["GC_FILES", "PROVINCIAL_FILE", "SHARED_CORPUS", "shared_corpus_dir", "write_sample",
           "full_sources", "Query", "load_queries", "pair_map"]


def write_sample(corpus: Path, out: Path, *, teasers: int, provincial: int) -> Path:
    """The first `teasers` GC teaser records and `provincial` provincial releases, as one JSONL."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as dst:
        for name, limit in ((TEASER_FILE, teasers), (PROVINCIAL_FILE, provincial)):
            if limit:
                with open(corpus / name, encoding="utf-8") as src:
                    dst.writelines(itertools.islice(src, limit))
    return out


def full_sources(corpus: Path) -> list[Path]:
    """The whole corpus: every GC file and every provincial release."""
    return [corpus / name for name in (*GC_FILES, PROVINCIAL_FILE)]


@dataclass(frozen=True)
class Query:
    """One golden question as the benchmarks use it."""

    id: str
    question: str
    lang: str
    kind: str
    answerable: bool
    sources: tuple[str, ...]
    history: tuple[dict, ...]

    @property
    def search_text(self) -> str:
        """What both retrieval stacks receive: a follow-up is searched with the previous user turn
        prepended (neither stack has a history-aware rewriter at the retrieval level)."""
        previous = [t.get("content", "") for t in self.history if t.get("role") == "user"]
        return f"{previous[-1]} {self.question}" if previous else self.question


def load_queries(path: Path = SHARED_GOLDEN) -> list[Query]:
    """Golden questions through the evals loader (strict: a bad file raises naming file:line)."""
    from communique.evals.golden import load_golden

    return [Query(id=i.id, question=i.question, lang=i.lang, kind=i.kind, answerable=i.answerable,
                  sources=tuple(i.sources), history=tuple(i.history)) for i in load_golden(path)]


def pair_map(paths: Iterable[Path]) -> dict[str, str]:
    """Release id → announcement key (`pair:<pair_id>`, else `id:<id>`) from the raw records, so
    a gold release's translation counts as a hit for either system."""
    out: dict[str, str] = {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = json.loads(line)
                rid = str(record.get("id", ""))
                pair = record.get("pair_id")
                out[rid] = f"pair:{pair}" if pair else f"id:{rid}"
    return out
