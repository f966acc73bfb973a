"""The retrieval library: hybrid (dense + BM25) search across French and English.

How a query is answered (each step measured on the golden sets, see evals/README.md):
1. Dense search in each source-language FAISS index separately, and BM25 over all chunks.
2. Cross-language cosines are shifted up by a measured offset: a multilingual embedder
   otherwise ranks mediocre same-language passages above the right passage in the other
   language, so both languages keep places near the top.
3. One score per chunk: calibrated cosine + alpha * BM25 / (the query's best BM25).
4. Chunks of one announcement are collapsed (both language versions count as one), and
   the version in the asker's language is preferred; the other is in `Hit.translations`.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index import generations
from index.embedders import BaseEmbedder, get_embedder
from index.errors import EmbedderMismatch, IndexCorrupted
from index.lexical import LANG_CODES, LEXICAL_ARRAYS, LEXICAL_VOCAB, OTHER_LANG, LexicalIndex, date_ordinal
from index.manifest import MANIFEST_NAME, Manifest, verify_files
from index.models import Chunk, Hit, Release
from index.store import RecordStore
from index.language import guess_language
from index.text import tokenize
from index.vectors import GROUPS, VectorStore, group_of, vector_file
from index.writer import RECORDS

GENERATION_FILES = (RECORDS, LEXICAL_ARRAYS, LEXICAL_VOCAB, *(vector_file(g) for g in GROUPS))

RRF_K = 60.0
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class SearchSettings:
    """Tunable weights. Defaults chosen on both golden sets (README, "Choosing the defaults"):
    convex fusion beat reciprocal-rank fusion by 7 points of recall@5 on the shared set, because
    RRF rewards a mediocre same-language passage for appearing in both lists."""

    candidates: int = 60  # per language and per signal
    fusion: str = "convex"  # "convex": cosine + alpha * BM25 / max BM25; "rrf": reciprocal rank
    lexical_alpha: float = 0.2  # weight of the normalised BM25 score in convex fusion
    lexical_weight_same: float = 1.0  # BM25 weight when passage language == question language
    lexical_weight_cross: float = 1.0  # BM25 weight across languages (names and numbers still match)
    dense_weight: float = 1.0  # RRF only
    cross_language_offset: float = 0.1  # added to cross-language cosines (they run lower than same-language)
    merge: str = "calibrated"  # "calibrated": one ranking on calibrated scores; "interleave": by rank per language
    cross_language_bonus: float = 0.0  # interleave only: added to other-language pools


@dataclass
class IndexStats:
    index_dir: str
    generation: str
    embedder: str
    dim: int
    releases: int
    chunks: int
    releases_by_lang: dict[str, int]
    chunks_by_lang: dict[str, int]
    size_bytes: int
    created: str
    last_ingest: str
    departments: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


class _Snapshot:
    """One published generation, loaded whole; never modified after loading."""

    def __init__(self, index_dir: Path, *, verify: bool) -> None:
        self.folder = generations.current_generation(index_dir)
        self.name = self.folder.name
        self.manifest = Manifest.read(self.folder)
        unlisted = sorted(set(GENERATION_FILES) - set(self.manifest.files))
        if unlisted:  # every file read must be vouched for by a checksum
            raise IndexCorrupted(f"{self.folder / MANIFEST_NAME}: does not list {', '.join(unlisted)}")
        verify_files(self.folder, self.manifest, full=verify)
        self.store = RecordStore(self.folder / RECORDS, readonly=True)
        self.vectors = VectorStore.load(self.folder, self.manifest.dim)
        self.lexical = LexicalIndex.load(self.folder)
        self._date_cache: dict[tuple[int, int], np.ndarray] = {}

    def close(self) -> None:
        self.store.close()


def _to_date(value: str | _dt.date | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.date):
        return value.isoformat()
    _dt.date.fromisoformat(str(value)[:10])  # raises ValueError on a bad date
    return str(value)[:10]


class Retriever:
    def __init__(self, index_dir: Path, embedder: BaseEmbedder, snapshot: _Snapshot, *,
                 settings: SearchSettings, verify: bool, auto_reload: bool) -> None:
        self.index_dir = index_dir
        self.embedder = embedder
        self.settings = settings
        self._snapshot = snapshot
        self._verify = verify
        self._auto_reload = auto_reload
        self._reload_lock = threading.Lock()
        self._last_check = time.monotonic()

    @classmethod
    def open(cls, index_dir: str | Path, *, embedder: BaseEmbedder | str | None = None,
             settings: SearchSettings | None = None, verify: bool = True, auto_reload: bool = True) -> "Retriever":
        """Open a published index. Raises IndexNotFound / IndexCorrupted / EmbedderMismatch."""
        index_dir = Path(index_dir)
        snapshot = _Snapshot(index_dir, verify=verify)
        built_with = snapshot.manifest.embedder
        if embedder is None:
            try:
                embedder = get_embedder(built_with)
            except (ValueError, OSError) as exc:  # unknown name, or a local model that is gone or broken
                raise EmbedderMismatch(
                    f"{index_dir}: built with embedder {built_with!r}, which cannot be loaded here ({exc}); "
                    "rebuild with `communique ingest`"
                ) from exc
        elif isinstance(embedder, str):
            embedder = get_embedder(embedder)
        if embedder.name != built_with or embedder.dim != snapshot.manifest.dim:
            raise EmbedderMismatch(
                f"{index_dir}: built with embedder {built_with!r} ({snapshot.manifest.dim}-d), "
                f"opened with {embedder.name!r} ({embedder.dim}-d)"
            )
        return cls(index_dir, embedder, snapshot, settings=settings or SearchSettings(), verify=verify,
                   auto_reload=auto_reload)

    # -- generations --------------------------------------------------------------------
    def pinned(self) -> "Retriever":
        """This retriever fixed on the generation loaded now (after an auto-reload check).

        A search and the reads that follow it (release texts to quote, chunks, translations)
        must come from one generation: with a shared retriever another thread's search may
        switch generations in between, and an updated release's offsets would no longer match.
        Take a pinned view per question; it costs one object, no loading.
        """
        self._maybe_reload()
        return Retriever(self.index_dir, self.embedder, self._snapshot, settings=self.settings,
                         verify=self._verify, auto_reload=False)

    def reload_if_changed(self) -> bool:
        """Switch to a newly published generation; searches in flight keep the old one."""
        name = generations.current_name(self.index_dir)
        if name is None or name == self._snapshot.name:
            return False
        with self._reload_lock:
            if generations.current_name(self.index_dir) == self._snapshot.name:
                return False
            fresh = _Snapshot(self.index_dir, verify=self._verify)
            if fresh.manifest.embedder != self.embedder.name:
                raise EmbedderMismatch(f"{self.index_dir}: rebuilt with embedder {fresh.manifest.embedder!r}")
            self._snapshot = fresh
            return True

    def _maybe_reload(self) -> None:
        if self._auto_reload and time.monotonic() - self._last_check > 1.0:
            self._last_check = time.monotonic()
            try:
                self.reload_if_changed()
            except Exception:  # a broken new generation must not stop answering from the old one
                pass

    # -- records --------------------------------------------------------------------------
    def release(self, release_id: str) -> Release | None:
        return self._snapshot.store.get_release(release_id)

    def releases(self, ids: list[str]) -> dict[str, Release]:
        return self._snapshot.store.get_releases(ids)

    def translations(self, release_id: str) -> list[Release]:
        store = self._snapshot.store
        release = store.get_release(release_id)
        if release is None or not release.pair_id:
            return []
        others = [i for i in store.pair_members(release.pair_id) if i != release_id]
        return list(store.get_releases(others).values())

    def idf(self, term: str) -> float:
        """BM25 inverse document frequency of a folded token (see `index.text.tokenize`) in this index."""
        lexical = self._snapshot.lexical
        n_docs = max(1, lexical.size)
        df = lexical.document_frequency(term)
        return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))

    def chunks_of(self, release_id: str) -> list[Chunk]:
        return self._snapshot.store.chunks_of(release_id)

    def stats(self) -> IndexStats:
        snap = self._snapshot
        m = snap.manifest
        size = sum(p.stat().st_size for p in snap.folder.iterdir() if p.is_file())
        return IndexStats(
            index_dir=str(self.index_dir), generation=snap.name, embedder=m.embedder, dim=m.dim,
            releases=m.releases, chunks=m.chunks, releases_by_lang=dict(m.releases_by_lang),
            chunks_by_lang=dict(m.chunks_by_lang), size_bytes=size, created=m.created,
            last_ingest=m.last_ingest, departments=snap.store.distinct_values("department"),
        )

    # -- search ---------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, lang: str | None = None, date_from: str | _dt.date | None = None,
               date_to: str | _dt.date | None = None, *, query_lang: str | None = None, mode: str = "hybrid",
               collapse_pairs: bool = True, per_release: int = 1, department: str | None = None) -> list[Hit]:
        """Ranked hits for `query`. `lang` filters the source language; dates are inclusive ISO dates."""
        if mode not in ("hybrid", "dense", "lexical"):
            raise ValueError(f"mode must be hybrid, dense or lexical, not {mode!r}")
        self._maybe_reload()
        snap = self._snapshot
        query = _LONE_SURROGATE.sub("\ufffd", query or "").strip()  # JSON clients can send them; no model takes them
        if not query or k <= 0:
            return []
        qlang = query_lang or guess_language(query)
        date_from, date_to = _to_date(date_from), _to_date(date_to)
        row_mask = self._row_mask(snap, lang, date_from, date_to)
        groups = [group_of(lang)] if lang else [g for g in GROUPS if snap.vectors.indexes[g].ntotal > 0]
        n = max(self.settings.candidates, k * 4)

        qvec = self.embedder.encode_query(query) if mode != "lexical" else None
        terms = tokenize(query) if mode != "dense" else []
        lex_scores = snap.lexical.scores(terms) if terms else None

        filtered = (date_from or date_to) is not None
        if self.settings.merge == "calibrated":
            merged = self._calibrated(snap, groups, qlang, qvec, lex_scores, row_mask, n, filtered)
        else:
            pools = {g: self._pool(snap, g, qvec, lex_scores, row_mask, n, same=(g == group_of(qlang)), filtered=filtered)
                     for g in groups}
            merged = self._merge(pools, qlang)
        return self._hits(snap, merged, k, qlang, qvec, collapse_pairs=collapse_pairs, per_release=per_release,
                          department=department, lang_filter=lang)

    def _row_mask(self, snap: _Snapshot, lang: str | None, date_from: str | None, date_to: str | None) -> np.ndarray | None:
        lex = snap.lexical
        mask = None
        if lang:
            mask = lex.langs == LANG_CODES.get(lang, OTHER_LANG)
        if date_from or date_to:
            lo = date_ordinal(date_from) if date_from else 0
            hi = date_ordinal(date_to) if date_to else 10**9
            dmask = (lex.dates >= lo) & (lex.dates <= hi) & (lex.dates >= 0)
            mask = dmask if mask is None else (mask & dmask)
        return mask

    def _calibrated(self, snap: _Snapshot, groups: list[str], qlang: str, qvec: np.ndarray | None,
                    lex_scores: np.ndarray | None, row_mask: np.ndarray | None, n: int, filtered: bool):
        """One ranking over all languages: cosines shifted so cross-language matches compete fairly,
        BM25 down-weighted across languages, both fused by weighted reciprocal rank."""
        s = self.settings
        lex = snap.lexical
        qgroup = group_of(qlang)
        fused: dict[int, list] = {}
        if qvec is not None:
            dense: list[tuple[float, int, float]] = []
            for group in groups:
                allowed = None
                if filtered:
                    mask = lex.langs == LANG_CODES.get(group, OTHER_LANG)
                    if row_mask is not None:
                        mask &= row_mask
                    allowed = lex.vids[mask]
                scores, vids = snap.vectors.search(group, qvec, n, allowed)
                shift = 0.0 if group == qgroup else s.cross_language_offset
                dense.extend((float(sc) + shift, int(v), float(sc)) for v, sc in zip(vids.tolist(), scores.tolist()))
            dense.sort(key=lambda t: -t[0])
            for rank, (_, vid, raw) in enumerate(dense[: n * 2]):
                fused[vid] = [s.dense_weight / (RRF_K + rank + 1), raw, None]
        if lex_scores is not None:
            scores = lex_scores if row_mask is None else np.where(row_mask, lex_scores, 0.0)
            m = min(n * 2, len(scores))
            top = np.argpartition(-scores, m - 1)[:m] if len(scores) > m else np.arange(len(scores))
            top = top[np.argsort(-scores[top], kind="stable")]
            qcode = LANG_CODES.get(qlang, OTHER_LANG)
            for rank, row in enumerate(top.tolist()):
                if scores[row] <= 0:
                    break
                weight = s.lexical_weight_same if lex.langs[row] == qcode else s.lexical_weight_cross
                vid = int(lex.vids[row])
                entry = fused.setdefault(vid, [0.0, None, None])
                entry[0] += weight / (RRF_K + rank + 1)
                entry[2] = float(scores[row])
        if s.fusion == "convex":
            return self._convex(fused, snap, qlang)
        ranked = sorted(fused.items(), key=lambda kv: -kv[1][0])
        return [(vid, e[0], e[1], e[2]) for vid, e in ranked]

    def _convex(self, fused: dict[int, list], snap: _Snapshot, qlang: str):
        """Score = calibrated cosine + alpha * weight * BM25 / max BM25 (missing signals count 0 / min)."""
        s = self.settings
        lex_max = max((e[2] for e in fused.values() if e[2] is not None), default=0.0) or 1.0
        dense_floor = min((e[1] for e in fused.values() if e[1] is not None), default=0.0)
        lex = snap.lexical
        qcode = LANG_CODES.get(qlang, OTHER_LANG)
        rows = np.searchsorted(lex.vids, np.fromiter(fused.keys(), dtype=np.int64, count=len(fused)))
        out = []
        for (vid, (rrf, dense, lexical)), row in zip(fused.items(), rows.tolist()):
            same = lex.langs[row] == qcode
            cos = dense if dense is not None else dense_floor
            cos += 0.0 if same else s.cross_language_offset
            weight = s.lexical_weight_same if same else s.lexical_weight_cross
            score = cos + s.lexical_alpha * weight * ((lexical or 0.0) / lex_max)
            out.append((vid, score, dense, lexical))
        out.sort(key=lambda t: -t[1])
        return out

    def _pool(self, snap: _Snapshot, group: str, qvec: np.ndarray | None, lex_scores: np.ndarray | None,
              row_mask: np.ndarray | None, n: int, *, same: bool, filtered: bool):
        """Fused ranking of one language group: [(vid, fused, dense, lexical)]."""
        s = self.settings
        lex = snap.lexical
        code = LANG_CODES.get(group, OTHER_LANG)
        group_mask = lex.langs == code
        if row_mask is not None:
            group_mask &= row_mask
        fused: dict[int, list] = {}
        if qvec is not None:
            allowed = lex.vids[group_mask] if filtered else None
            scores, vids = snap.vectors.search(group, qvec, n, allowed)
            for rank, (vid, score) in enumerate(zip(vids.tolist(), scores.tolist())):
                fused[vid] = [s.dense_weight / (RRF_K + rank + 1), score, None]
        if lex_scores is not None:
            weight = s.lexical_weight_same if same else s.lexical_weight_cross
            scores = np.where(group_mask, lex_scores, 0.0)
            top = np.argpartition(-scores, min(n, len(scores) - 1))[:n] if len(scores) > n else np.arange(len(scores))
            top = top[np.argsort(-scores[top], kind="stable")]
            rank = 0
            for row in top.tolist():
                if scores[row] <= 0:
                    break
                vid = int(lex.vids[row])
                entry = fused.setdefault(vid, [0.0, None, None])
                entry[0] += weight / (RRF_K + rank + 1)
                entry[2] = float(scores[row])
                rank += 1
        ranked = sorted(fused.items(), key=lambda kv: -kv[1][0])
        return [(vid, e[0], e[1], e[2]) for vid, e in ranked]

    def _merge(self, pools: dict[str, list], qlang: str) -> list[tuple[int, float, float | None, float | None]]:
        """Interleave language pools by rank so each language keeps places at the top."""
        merged = []
        for group, pool in pools.items():
            bonus = 0.0 if group == group_of(qlang) else self.settings.cross_language_bonus
            for rank, (vid, fused, dense, lexical) in enumerate(pool):
                # Rank within the pool decides; the pool's own fused score breaks ties.
                merged.append((vid, 1.0 / (RRF_K + rank + 1) + bonus + fused * 1e-3, dense, lexical))
        merged.sort(key=lambda item: -item[1])
        return merged

    def _hits(self, snap: _Snapshot, merged, k: int, qlang: str, qvec: np.ndarray | None, *,
              collapse_pairs: bool, per_release: int, department: str | None, lang_filter: str | None) -> list[Hit]:
        store = snap.store
        window = merged[: max(k * 8, 40)]
        chunks = store.chunks_by_vid(v for v, *_ in window)
        metas = store.release_meta({c.release_id for c in chunks.values()})
        hits: list[Hit] = []
        taken: dict[str, int] = {}  # announcement key -> chunks taken
        chosen_release: dict[str, str] = {}
        for vid, score, dense, lexical in window:
            chunk = chunks.get(vid)
            if chunk is None:
                continue
            meta = metas[chunk.release_id]
            metadata = json.loads(meta["metadata"])
            if department and metadata.get("department") != department:
                continue
            key = (meta["pair_id"] or chunk.release_id) if collapse_pairs else chunk.release_id
            if taken.get(key, 0) >= per_release:
                continue
            if key in chosen_release and chosen_release[key] != chunk.release_id:
                continue
            hit = Hit(
                chunk_id=chunk.id, release_id=chunk.release_id, text=chunk.text, start=chunk.start, end=chunk.end,
                title=meta["title"], date=meta["date"], url=meta["url"], lang=meta["lang"], pair_id=meta["pair_id"],
                source=meta["source"], metadata=metadata, score=float(score), dense_score=dense, lexical_score=lexical,
            )
            if collapse_pairs and meta["pair_id"] and key not in chosen_release:
                hit = self._prefer_language(snap, hit, qlang, qvec, lang_filter)
            chosen_release.setdefault(key, hit.release_id)
            taken[key] = taken.get(key, 0) + 1
            hits.append(hit)
            if len(hits) >= k * per_release:
                break
        for rank, hit in enumerate(hits, 1):
            hit.rank = rank
            if hit.pair_id:
                hit.translations = [i for i in store.pair_members(hit.pair_id) if i != hit.release_id]
        return hits[: k * per_release] if per_release > 1 else hits[:k]

    def _prefer_language(self, snap: _Snapshot, hit: Hit, qlang: str, qvec: np.ndarray | None,
                         lang_filter: str | None) -> Hit:
        """Swap a hit for its translation in the asker's language (its best-matching chunk)."""
        if hit.lang == qlang or (lang_filter and lang_filter != qlang):
            return hit
        store = snap.store
        others = [r for r in store.pair_members(hit.pair_id) if r != hit.release_id]
        target = store.release_meta(others)
        candidates = [rid for rid, meta in target.items() if meta["lang"] == qlang]
        if not candidates:
            return hit
        rid = candidates[0]
        chunks = store.chunks_of(rid)
        if not chunks:
            return hit
        best = chunks[0]
        best_score = None
        if qvec is not None and len(chunks) > 1:
            from index.store import vector_id

            scored = []
            for c in chunks:
                vec = snap.vectors.reconstruct(qlang, vector_id(c.id))
                if vec is not None:
                    scored.append((float(np.dot(vec, qvec)), c))
            if scored:
                best_score, best = max(scored, key=lambda t: t[0])
        meta = target[rid]
        return Hit(
            chunk_id=best.id, release_id=rid, text=best.text, start=best.start, end=best.end, title=meta["title"],
            date=meta["date"], url=meta["url"], lang=meta["lang"], pair_id=meta["pair_id"], source=meta["source"],
            metadata=json.loads(meta["metadata"]), score=hit.score, dense_score=best_score if best_score is not None else hit.dense_score,
            lexical_score=hit.lexical_score,
        )

    # -- LangChain ------------------------------------------------------------------------
    def as_langchain(self, k: int = 5, **filters: Any):
        from index.langchain_adapter import CommuniqueRetriever

        return CommuniqueRetriever(retriever=self, k=k, filters=filters)
