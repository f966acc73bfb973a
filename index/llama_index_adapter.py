"""A LlamaIndex retriever over a Communiqué index, for LlamaIndex pipelines (query engines, agents).

Each node is one passage: its text is `release.text[start:end]`, its metadata the Hit's fields (ids,
offsets, dates, language, translations), its score the fused search score. `llama-index-core` is an
optional extra (`pip install -e '.[llama]'`); nothing imports it unless this module is used.
"""
from __future__ import annotations

from typing import Any

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

SEARCH_OPTIONS = ("lang", "date_from", "date_to", "query_lang", "mode", "collapse_pairs", "per_release", "department")


class CommuniqueLlamaRetriever(BaseRetriever):
    """`retrieve(query)` → the `k` best passages as `NodeWithScore` (search options fixed at construction)."""

    def __init__(self, retriever: Any, k: int = 5, **filters: Any) -> None:
        unknown = sorted(set(filters) - set(SEARCH_OPTIONS))
        if unknown:
            raise TypeError(f"unknown search option(s): {', '.join(unknown)}")
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        super().__init__()
        self._searcher = retriever
        self._k = k
        self._filters = filters

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self._searcher.search(query_bundle.query_str, k=self._k, **self._filters)
        nodes = []
        for hit in hits:
            metadata = hit.to_dict()
            text = metadata.pop("text")
            node = TextNode(id_=hit.chunk_id, text=text, metadata=metadata,
                            excluded_embed_metadata_keys=list(metadata), excluded_llm_metadata_keys=list(metadata))
            nodes.append(NodeWithScore(node=node, score=float(hit.score)))
        return nodes
