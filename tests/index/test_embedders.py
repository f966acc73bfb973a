"""The bundled embedders load offline and give normalised vectors that relate FR and EN."""
from __future__ import annotations

import numpy as np
import pytest

from index.embedders import UnknownEmbedder, bundled_minilm_path, get_embedder


@pytest.mark.parametrize("name", ["use", "e5"])
def test_multilingual_embedders_match_translations(name):
    embedder = get_embedder(name)
    vectors = embedder.encode_documents([
        "Le gouvernement investit 70 millions de dollars dans le port de Cornwall.",
        "The government invests $70 million in the Cornwall harbour.",
        "Les drapeaux seront mis en berne en mémoire de l'ancien premier ministre.",
    ])
    assert vectors.shape == (3, embedder.dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1
    query = np.asarray(embedder.embed_query("How much for the Cornwall port?"))
    assert query @ vectors[1] > query @ vectors[2]


def test_sentence_transformers_path_loads_the_bundled_minilm():
    pytest.importorskip("sentence_transformers")
    embedder = get_embedder(f"st:{bundled_minilm_path()}")
    assert embedder.dim == 384
    vectors = embedder.encode_documents(["harbour funding in Cornwall", "funding for the Cornwall port", "flags at half-mast"])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_concatenated_embedder_averages_cosines():
    both = get_embedder("use+e5")
    assert both.dim == 512 + 384
    vector = both.encode_query("bonjour")
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4


def test_unknown_embedder_is_a_clear_error(tmp_path):
    with pytest.raises(UnknownEmbedder, match="unknown embedder"):
        get_embedder("word2vec")
    with pytest.raises(UnknownEmbedder, match="no sentence-transformers model folder"):
        get_embedder(f"st:{tmp_path / 'missing'}")
