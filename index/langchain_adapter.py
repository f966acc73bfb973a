"""`langchain_core` BaseRetriever over a Communiqué index, for LangChain pipelines (LCEL)."""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

SEARCH_OPTIONS = ("lang", "date_from", "date_to", "query_lang", "mode", "collapse_pairs", "per_release", "department")


class CommuniqueRetriever(BaseRetriever):
    """Each Document is one passage; its metadata carries the Hit fields (ids, offsets, scores).

    `invoke(query, k=…)` and the search options (`lang`, `date_from`, …) given at call time
    override the ones given at construction, as LangChain's standard retriever tests expect.
    """

    retriever: Any  # index.retriever.Retriever (Any: pydantic would try to validate the class)
    k: int = 5
    filters: dict[str, Any] = {}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                **kwargs: Any) -> list[Document]:
        unknown = sorted(set(kwargs) - {"k", *SEARCH_OPTIONS})
        if unknown:
            raise TypeError(f"unknown search option(s): {', '.join(unknown)}")
        k = int(kwargs.pop("k", self.k))
        hits = self.retriever.search(query, k=k, **{**self.filters, **kwargs})
        docs = []
        for hit in hits:
            metadata = hit.to_dict()
            text = metadata.pop("text")
            docs.append(Document(page_content=text, metadata=metadata, id=hit.chunk_id))
        return docs
