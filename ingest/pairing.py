"""Automatic translation pairing for releases that arrive without a `pair_id`.

Rule: a French and an English release are paired when they carry the same date, neither
already has a pair, and each is the other's most similar release of that date in the other
language (mutual best match) with a cross-lingual cosine of at least PAIR_THRESHOLD between
their mean chunk vectors. Same date keeps the comparison small and precise; mutual best
match avoids pairing two different announcements of a busy day. The threshold was measured
on the shared corpus's known pairs (see README, "Translation pairs").
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from communique.index.models import stable_hash
from communique.index.writer import IndexWriter

PAIR_THRESHOLD = 0.70


def release_vector(writer: IndexWriter, release_id: str, lang: str) -> np.ndarray | None:
    found = [writer.vectors.reconstruct(lang, vid) for vid in writer.store.chunk_vids(release_id)]
    vectors = [v for v in found if v is not None]
    if not vectors:
        return None
    mean = np.mean(vectors, axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else None


def pair_translations(writer: IndexWriter, threshold: float = PAIR_THRESHOLD) -> int:
    """Pair unpaired FR/EN releases of the same date; returns how many pairs were made."""
    by_date: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in writer.store.unpaired():
        if row["lang"] in ("fr", "en"):
            by_date[row["date"]][row["lang"]].append(row["id"])
    made = 0
    for langs in by_date.values():
        if not langs.get("fr") or not langs.get("en"):
            continue
        fr = [(rid, release_vector(writer, rid, "fr")) for rid in langs["fr"]]
        en = [(rid, release_vector(writer, rid, "en")) for rid in langs["en"]]
        fr = [(r, v) for r, v in fr if v is not None]
        en = [(r, v) for r, v in en if v is not None]
        if not fr or not en:
            continue
        sims = np.array([v for _, v in fr]) @ np.array([v for _, v in en]).T
        for i, (fr_id, _) in enumerate(fr):
            j = int(np.argmax(sims[i]))
            if sims[i, j] >= threshold and int(np.argmax(sims[:, j])) == i:
                pair_id = "auto-" + stable_hash(*sorted((fr_id, en[j][0])))
                writer.set_pair(fr_id, pair_id)
                writer.set_pair(en[j][0], pair_id)
                made += 1
    return made
