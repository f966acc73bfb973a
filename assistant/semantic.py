"""Sentence similarity across languages: the one way to pick the fact-bearing sentence when the
question is in French and the release in English (or the reverse), where word overlap only sees
names, numbers and cognates.

Only the few most promising other-language sentences are embedded, at question time, with the index's
own multilingual embedder (USE: ~3–7 ms a sentence here), so a same-language question pays nothing.
Storing a vector per sentence at ingest would cost ~5× the embedding of an ingest for this one case.
"""
from __future__ import annotations

import logging
import os
from typing import Protocol, Sequence

import numpy as np

from assistant.extractive import Sentence

log = logging.getLogger(__name__)

TOP = 8  # other-language sentences embedded per question
WEIGHT = float(os.environ.get("COMMUNIQUE_CROSS_WEIGHT", "0.4"))  # score added per unit of cosine


class DocumentEncoder(Protocol):
    def encode_documents(self, texts: Sequence[str]) -> np.ndarray: ...


def rerank_cross_language(sentences: list[Sentence], question: str, qlang: str,
                          encoder: DocumentEncoder | None) -> dict[int, float]:
    """Add the question/sentence cosine to the score of the best other-language sentences.

    Returns {id(sentence): cosine} for the sentences embedded (reused as the abstention's `semantic`).
    """
    if encoder is None or WEIGHT <= 0:
        return {}
    others = sorted((s for s in sentences if s.lang != qlang), key=lambda s: -s.score)[:TOP]
    if not others:
        return {}
    try:
        vectors = encoder.encode_documents([question] + [s.text[:600] for s in others])
    except Exception:  # an embedder failure must not stop an answer
        log.exception("cross-language sentence similarity failed")
        return {}
    query = vectors[0]
    cosines = {id(sent): float(query @ vector) for sent, vector in zip(others, vectors[1:])}
    # Relative to their mean: reorder the other-language sentences among themselves, without moving
    # them as a group against the sentences in the asker's language (that lowered same-language
    # questions' fact coverage by ~2 points on the dev split).
    mean = sum(cosines.values()) / len(cosines)
    for sent in others:
        sent.score += WEIGHT * (cosines[id(sent)] - mean)
    return cosines
