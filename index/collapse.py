"""From fused candidates to hits: one result per announcement, in the asker's language.

Both language versions of an announcement count as one result (its `pair_id`): otherwise a
bilingual announcement takes two of five places. The version in the asker's language is shown
(its best-matching passage) and the other one is listed in `Hit.translations`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from communique.index.fusion import Candidate
from communique.index.models import Chunk, Hit
from communique.index.storage.contract import ReleaseMeta, Snapshot
from communique.index.store import vector_id


@dataclass(frozen=True)
class HitOptions:
    k: int
    query_lang: str
    collapse_pairs: bool = True
    per_release: int = 1
    department: str | None = None
    lang_filter: str | None = None


def make_hit(chunk: Chunk, meta: ReleaseMeta, score: float, dense: float | None, lexical: float | None) -> Hit:
    return Hit(
        chunk_id=chunk.id, release_id=chunk.release_id, text=chunk.text, start=chunk.start, end=chunk.end,
        title=meta.title, date=meta.date, url=meta.url, lang=meta.lang, pair_id=meta.pair_id, source=meta.source,
        metadata=dict(meta.metadata), score=float(score), dense_score=dense, lexical_score=lexical,
    )


def collect_hits(snap: Snapshot, ranked: list[Candidate], opts: HitOptions, qvec: np.ndarray | None) -> list[Hit]:
    """The top hits, at most `per_release` passages per announcement, department-filtered."""
    k, per_release = opts.k, opts.per_release
    window = ranked[: max(k * 8, 40)]
    chunks = snap.chunks_by_vid(c.vid for c in window)
    metas = snap.release_meta({c.release_id for c in chunks.values()})
    hits: list[Hit] = []
    taken: dict[str, int] = {}  # announcement key -> chunks taken
    chosen_release: dict[str, str] = {}
    for cand in window:
        chunk = chunks.get(cand.vid)
        if chunk is None:
            continue
        meta = metas[chunk.release_id]
        if opts.department and meta.metadata.get("department") != opts.department:
            continue
        key = (meta.pair_id or chunk.release_id) if opts.collapse_pairs else chunk.release_id
        if taken.get(key, 0) >= per_release:
            continue
        if key in chosen_release and chosen_release[key] != chunk.release_id:
            continue
        hit = make_hit(chunk, meta, cand.score, cand.dense, cand.lexical)
        if opts.collapse_pairs and meta.pair_id and key not in chosen_release:
            hit = prefer_language(snap, hit, opts, qvec)
        chosen_release.setdefault(key, hit.release_id)
        taken[key] = taken.get(key, 0) + 1
        hits.append(hit)
        if len(hits) >= k * per_release:
            break
    members = snap.pairs(h.pair_id for h in hits if h.pair_id)
    for rank, hit in enumerate(hits, 1):
        hit.rank = rank
        if hit.pair_id:
            hit.translations = [i for i in members[hit.pair_id] if i != hit.release_id]
    return hits[: k * per_release] if per_release > 1 else hits[:k]


def prefer_language(snap: Snapshot, hit: Hit, opts: HitOptions, qvec: np.ndarray | None) -> Hit:
    """Swap a hit for its translation in the asker's language (its best-matching chunk)."""
    qlang = opts.query_lang
    if hit.lang == qlang or (opts.lang_filter and opts.lang_filter != qlang) or not hit.pair_id:
        return hit
    other = snap.translation(hit.pair_id, qlang, exclude=hit.release_id)
    if other is None or not other.chunks:
        return hit
    best, best_score = other.chunks[0], None
    if qvec is not None and len(other.chunks) > 1:
        vectors = other.vectors
        scored = [(float(np.dot(vectors[vector_id(c.id)], qvec)), c) for c in other.chunks if vector_id(c.id) in vectors]
        if scored:
            best_score, best = max(scored, key=lambda t: t[0])
    return make_hit(best, other.meta, hit.score, best_score if best_score is not None else hit.dense_score,
                    hit.lexical_score)
