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

from communique.assistant.extractive import Sentence

log = logging.getLogger(__name__)

TOP = int(os.environ.get("COMMUNIQUE_CROSS_TOP", "6"))  # other-language sentences embedded per question
WEIGHT = float(os.environ.get("COMMUNIQUE_CROSS_WEIGHT", "0.4"))  # score added per unit of cosine


class DocumentEncoder(Protocol):
    def encode_documents(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceSimilarity:
    """Question/sentence cosines for one question: the question is embedded once, sentences on demand.

    Serves both the cross-language re-ranking and the abstention's `semantic` signal, which used to
    embed the question a second time (profiled: embedding was ~half of `ask`).
    """

    def __init__(self, question: str, encoder: DocumentEncoder | None) -> None:
        self.question = question
        self.encoder = encoder
        self._query: np.ndarray | None = None
        self._cosines: dict[tuple[int, int, str], float] = {}

    def of(self, sentences: list[Sentence]) -> list[float] | None:
        """Cosines of `sentences` (None without a working embedder)."""
        if self.encoder is None:
            return None
        missing = [s for s in sentences if _key(s) not in self._cosines]
        if missing or self._query is None:
            texts = ([self.question] if self._query is None else []) + [s.text[:600] for s in missing]
            try:
                vectors = self.encoder.encode_documents(texts)
            except Exception:  # an embedder failure must not stop an answer
                log.exception("sentence similarity failed")
                return None
            if self._query is None:
                self._query, vectors = vectors[0], vectors[1:]
            for sent, vector in zip(missing, vectors):
                self._cosines[_key(sent)] = float(self._query @ vector)
        return [self._cosines[_key(s)] for s in sentences]

    def cosine(self, sentence: Sentence) -> float | None:
        values = self.of([sentence])
        return None if values is None else values[0]


def _key(sentence: Sentence) -> tuple[int, int, str]:
    return (sentence.start, sentence.end, sentence.release_id)


def rerank_cross_language(sentences: list[Sentence], qlang: str, similarity: SentenceSimilarity) -> None:
    """Add the question/sentence cosine (relative to their mean) to the best other-language sentences."""
    if WEIGHT <= 0:
        return
    others = sorted((s for s in sentences if s.lang != qlang), key=lambda s: -s.score)[:TOP]
    cosines = similarity.of(others) if others else None
    if not cosines:
        return
    # Relative to their mean: reorder the other-language sentences among themselves, without moving
    # them as a group against the sentences in the asker's language (that lowered same-language
    # questions' fact coverage by ~2 points on the dev split).
    mean = sum(cosines) / len(cosines)
    for sent, cos in zip(others, cosines):
        sent.semantic = WEIGHT * (cos - mean)
        sent.score += sent.semantic
