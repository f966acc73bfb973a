"""The bundled embedders load offline and give normalised vectors that relate FR and EN."""
from __future__ import annotations

import numpy as np
import pytest

from communique.index.embedders import UnknownEmbedder, bundled_minilm_path, get_embedder


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


def test_threaded_batches_give_the_same_vectors_and_leave_blas_as_it_was():
    from threadpoolctl import threadpool_info

    embedder = get_embedder("use")
    texts = [f"Release {i}: the minister announced {i * 3} million dollars for harbour {i}." for i in range(40)]
    embedder.encode_documents(texts[:1])  # loads the model and its BLAS
    before = {p["filepath"]: p["num_threads"] for p in threadpool_info()}
    threaded = embedder.encode_documents_threaded(texts, 2)
    assert {p["filepath"]: p["num_threads"] for p in threadpool_info()} == before
    assert threaded.shape == (40, 512)
    assert np.allclose(threaded, embedder.encode_documents(texts), atol=1e-6)
    assert np.allclose(embedder.encode_documents_threaded(texts[:3], 2), embedder.encode_documents(texts[:3]), atol=1e-6)


def test_engines_that_use_every_core_are_not_split():
    e5 = get_embedder("e5")
    assert not e5.parallel_documents and get_embedder("use").parallel_documents
    combined = get_embedder("use+e5")
    texts = ["Le ministre annonce un financement.", "The minister announces funding.", "Port", "Harbour"]
    assert np.allclose(combined.encode_documents_threaded(texts, 2), combined.encode_documents(texts), atol=1e-5)
