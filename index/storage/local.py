"""The local folder backend: a published generation of FAISS + SQLite + BM25 files, unchanged.

The files are written by `index.writer`; this module only reads them, verified against the
generation's manifest (every file read must be vouched for by a checksum).
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterable

import numpy as np

from communique.index import generations
from communique.index.errors import IndexCorrupted
from communique.index.layout import LEXICAL_ARRAYS, MANIFEST_NAME, RECORDS, REQUIRED_FILES, ROW_COLUMNS
from communique.index.lexical import LexicalIndex
from communique.index.manifest import Manifest, change_watch, verify_files
from communique.index.models import Chunk, Release
from communique.index.pair_lexicon import PAIR_LEXICON, LexiconOnce, PairLexicon
from communique.index.pair_lexicon import build as build_pair_lexicon
from communique.index.row_columns import RowColumns
from communique.index.storage.contract import DenseMatch, Filters, LexicalMatch, ReleaseMeta, SnapshotInfo, Translation
from communique.index.store import RecordStore, vector_id
from communique.index.vectors import GROUPS, VectorStore, group_of


def meta_of(row: sqlite3.Row) -> ReleaseMeta:
    return ReleaseMeta(id=row["id"], lang=row["lang"], title=row["title"], date=row["date"], url=row["url"],
                       source=row["source"], pair_id=row["pair_id"], metadata=json.loads(row["metadata"]))


class LocalSnapshot:
    """One published generation of a local index, loaded whole; never modified after loading.

    `store`, `vectors`, `lexical` and `columns` stay public: benchmarks and reliability tests look inside.
    """

    def __init__(self, index_dir: Path, *, verify: bool) -> None:
        self.folder = generations.current_generation(index_dir)
        self.name = self.folder.name
        self.manifest = Manifest.read(self.folder)
        unlisted = sorted(set(REQUIRED_FILES) - set(self.manifest.files))
        if unlisted:
            raise IndexCorrupted(f"{self.folder / MANIFEST_NAME}: does not list {', '.join(unlisted)}")
        identities = verify_files(self.folder, self.manifest, full=verify)
        # the record store is read at every question: a change on disk after this check is refused too
        self.store = RecordStore(self.folder / RECORDS, readonly=True,
                                 watch=change_watch(self.folder, self.manifest, identities, RECORDS))
        self.vectors = VectorStore.load(self.folder, self.manifest.dim)
        self.lexical = LexicalIndex.load(self.folder)
        # only a file the manifest vouches for is read: an older generation's columns are in the BM25 arrays
        listed = ROW_COLUMNS in self.manifest.files
        self.columns = RowColumns.load(self.folder) if listed else RowColumns.load_legacy(self.folder)
        if not np.array_equal(self.columns.vids, self.lexical.vids):
            raise IndexCorrupted(f"{self.folder / ROW_COLUMNS}: its rows are not those of {LEXICAL_ARRAYS}")
        self.manifest.check_counts(self.folder, self.store.counts_by_lang(), vectors=self.vectors.total,
                                   lexical_rows=self.lexical.size)
        self._pair_lexicon = LexiconOnce(self._read_pair_lexicon)

    def pair_lexicon(self) -> PairLexicon:
        return self._pair_lexicon.get()

    def _read_pair_lexicon(self) -> PairLexicon:
        """Saved with the generation; learnt from the records for one published before it."""
        if PAIR_LEXICON in self.manifest.files:
            return PairLexicon.load(self.folder)
        return build_pair_lexicon(self.store.iter_pair_openings())

    @property
    def embedder(self) -> str:
        return self.manifest.embedder

    @property
    def dim(self) -> int:
        return self.manifest.dim

    def info(self) -> SnapshotInfo:
        m = self.manifest
        size = sum(p.stat().st_size for p in self.folder.iterdir() if p.is_file()) if self.folder.exists() else 0
        return SnapshotInfo(
            generation=self.name, embedder=m.embedder, dim=m.dim, releases=m.releases, chunks=m.chunks,
            releases_by_lang=dict(m.releases_by_lang), chunks_by_lang=dict(m.chunks_by_lang), size_bytes=size,
            created=m.created, last_ingest=m.last_ingest, departments=self.store.distinct_values("department"),
        )

    # -- records --------------------------------------------------------------------------
    def release(self, release_id: str) -> Release | None:
        return self.store.get_release(release_id)

    def releases(self, ids: Iterable[str]) -> dict[str, Release]:
        return self.store.get_releases(ids)

    def release_meta(self, ids: Iterable[str]) -> dict[str, ReleaseMeta]:
        return {rid: meta_of(row) for rid, row in self.store.release_meta(ids).items()}

    def pair_members(self, pair_id: str) -> list[str]:
        return self.store.pair_members(pair_id)

    def pairs(self, pair_ids: Iterable[str]) -> dict[str, list[str]]:
        return {p: self.store.pair_members(p) for p in dict.fromkeys(pair_ids)}

    def chunks_of(self, release_id: str) -> list[Chunk]:
        return self.store.chunks_of(release_id)

    def translation(self, pair_id: str, lang: str, exclude: str) -> Translation | None:
        others = [r for r in self.store.pair_members(pair_id) if r != exclude]
        metas = self.release_meta(others)
        candidates = sorted(rid for rid, meta in metas.items() if meta.lang == lang)
        if not candidates:
            return None
        chunks = self.chunks_of(candidates[0])
        return Translation(metas[candidates[0]], chunks,
                           self.vectors_of(group_of(lang), [vector_id(c.id) for c in chunks]))

    def chunks_by_vid(self, vids: Iterable[int]) -> dict[int, Chunk]:
        return self.store.chunks_by_vid(vids)

    def vectors_of(self, group: str, vids: Iterable[int]) -> dict[int, np.ndarray]:
        out = {}
        for vid in vids:
            vector = self.vectors.reconstruct(group, vid)
            if vector is not None:
                out[int(vid)] = vector
        return out

    # -- search ---------------------------------------------------------------------------
    def groups(self) -> list[str]:
        return [g for g in GROUPS if self.vectors.indexes[g].ntotal > 0]

    def dense_search(self, groups: list[str], query: np.ndarray, n: int, filters: Filters) -> dict[str, list[DenseMatch]]:
        return {g: self._dense_group(g, query, n, filters) for g in groups}

    def _dense_group(self, group: str, query: np.ndarray, n: int, filters: Filters) -> list[DenseMatch]:
        allowed = self.columns.ids_allowed(group, filters)  # a date filter restricts FAISS to these ids
        scores, vids = self.vectors.search(group, query, n, allowed)
        return [DenseMatch(int(v), float(s)) for v, s in zip(vids.tolist(), scores.tolist())]

    def lexical_scores(self, terms: list[str], filters: Filters) -> np.ndarray:
        scores = self.lexical.scores(terms)
        mask = self.columns.rows_allowed(filters)
        return scores if mask is None else np.where(mask, scores, 0.0)

    def lexical_search(self, terms: list[str], n: int, filters: Filters) -> list[LexicalMatch]:
        """The n best BM25 rows with a positive score, best first (ties: lower vid first)."""
        if not terms or n <= 0 or self.lexical.size == 0:
            return []
        scores = self.lexical_scores(terms, filters)
        m = min(n, len(scores))
        top = np.argpartition(-scores, m - 1)[:m] if len(scores) > m else np.arange(len(scores))
        top = top[np.lexsort((top, -scores[top]))]
        vids, columns = self.lexical.vids, self.columns
        out = []
        for row in top.tolist():
            if scores[row] <= 0:
                break
            out.append(LexicalMatch(int(vids[row]), float(scores[row]), columns.group_of_row(row)))
        return out

    def document_frequency(self, term: str) -> int:
        return self.lexical.document_frequency(term)

    @property
    def passages(self) -> int:
        return self.lexical.size

    def close(self) -> None:
        self.store.close()


class LocalStorage:
    """An index folder: CURRENT names the published generation."""

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        self.location = str(self.index_dir)

    def current_name(self) -> str | None:
        return generations.current_name(self.index_dir)

    def open_snapshot(self, *, verify: bool) -> LocalSnapshot:
        return LocalSnapshot(self.index_dir, verify=verify)
