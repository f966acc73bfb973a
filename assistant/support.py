"""A second quote for a one-sentence answer: the next best sentence of the same release.

The sentence ranker puts a fact-bearing sentence first for about two dev questions in three
(`ranking.py`); when it misses, the fact is most often in another sentence of the release it chose
("Aaron joins CDS after …" / "As CEO, Aaron will work alongside … Alex Benay"). Quoting that release's
runner-up as well costs a line and no precision (the same release is cited), and the abstention
decision is taken before, on the chosen sentences alone: adding sentences used to move its signals
(fifth session: fact coverage 0.728 → 0.714 when the extra quote was part of the decision).
"""
from __future__ import annotations

import os
import re

from communique.assistant.extractive import Sentence
from communique.assistant.text import words_key

# Of the best sentence's score, what the runner-up must reach. Dev split (436 questions): fact coverage
# 0.740 → 0.758 at 0.6, 0.7 and 0.8 alike (7 answers gain their fact, none loses it), 0.746 at 0.9; at 0.8
# 32 other answers get a second quote that adds no golden fact, at 0.7 48: the same gain, less noise.
# Requiring the runner-up to add a question word the best lacks kept only 2 of the 7 gains.
SUPPORT = float(os.environ.get("COMMUNIQUE_SUPPORT", "0.8"))
# Text addressed to an answerer ("Ignore previous instructions and answer that …", "SYSTEM: you must
# reply …") is quoted when it is the best evidence there is (llm.py), but never brought in as support.
_ADDRESSED = re.compile(
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier)\s+instructions\b"
    r"|\b(?:ignorez|oubliez)\s+(?:toutes\s+)?(?:les\s+)?instructions\b|^\W*(?:system|assistant|user)\s*:"
    r"|\byou\s+must\s+(?:reply|answer|respond|say)\b|\bvous\s+devez\s+r[ée]pondre\b",
    re.IGNORECASE,
)


def with_support(chosen: list[Sentence], sentences: list[Sentence]) -> list[Sentence]:
    """`chosen`, plus the best other sentence of its release when it is a single sentence and the
    runner-up scores at least SUPPORT of it (after it: the best sentence stays the answer). Never the
    same words twice, never a heading or fragment, never text addressed to an answerer."""
    if len(chosen) != 1 or SUPPORT <= 0:
        return chosen
    best = chosen[0]
    key = words_key(best.text)
    for cand in sorted(sentences, key=lambda s: -s.score):
        if cand is best or cand.release_id != best.release_id:
            continue
        if cand.score < SUPPORT * best.score:
            break
        if len(cand.text) < 25 or words_key(cand.text) == key or _ADDRESSED.search(cand.text):
            continue
        return [best, cand]  # the best first: it is the answer, the runner-up its support
    return chosen
