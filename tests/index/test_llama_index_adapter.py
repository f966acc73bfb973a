"""The LlamaIndex adapter, checked the way LangChain's standard suite checks the LangChain one:
results are nodes with text and scores, `k` is honoured, search options apply, the text is the
release's own, and retrieval works through LlamaIndex's own entry points (sync and async)."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("llama_index.core", reason="llama-index-core is not installed: pip install -e '.[llama]'")

from llama_index.core.retrievers import BaseRetriever  # noqa: E402
from llama_index.core.schema import NodeWithScore, QueryBundle  # noqa: E402

from communique.index.retriever import Retriever  # noqa: E402

QUERY = "How much for small craft harbours in Nova Scotia?"


@pytest.fixture(scope="module")
def searcher(samples_index: Path) -> Retriever:
    return Retriever.open(samples_index)


def test_retrieve_returns_scored_nodes_of_the_releases_own_text(searcher):
    retriever = searcher.as_llama_index(k=3)
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve(QUERY)
    assert 1 <= len(nodes) <= 3 and all(isinstance(n, NodeWithScore) for n in nodes)
    scores = [n.score for n in nodes]
    assert scores == sorted(scores, reverse=True)
    first = nodes[0].node
    assert first.metadata["release_id"].startswith("smp-ns-harbours")
    release = searcher.release(first.metadata["release_id"])
    assert release.text[first.metadata["start"] : first.metadata["end"]] == first.get_content()


@pytest.mark.parametrize("k", [1, 2, 5])
def test_k_is_honoured(searcher, k):
    assert len(searcher.as_llama_index(k=k).retrieve(QUERY)) == k


def test_search_options_apply(searcher):
    nodes = searcher.as_llama_index(k=5, lang="fr").retrieve(QUERY)
    assert nodes and all(n.node.metadata["lang"] == "fr" for n in nodes)
    dated = searcher.as_llama_index(k=5, date_from="2025-01-01").retrieve(QUERY)
    assert all((n.node.metadata["date"] or "") >= "2025-01-01" for n in dated)


def test_async_and_query_bundle_entry_points(searcher):
    retriever = searcher.as_llama_index(k=2)
    sync = [n.node.node_id for n in retriever.retrieve(QueryBundle(QUERY))]
    asynchronous = [n.node.node_id for n in asyncio.run(retriever.aretrieve(QUERY))]
    assert sync == asynchronous and len(sync) == 2


def test_bad_options_are_refused(searcher):
    with pytest.raises(TypeError, match="unknown search option"):
        searcher.as_llama_index(k=2, colour="red")
    with pytest.raises(ValueError):
        searcher.as_llama_index(k=0)
