"""`langchain_core` BaseRetriever over a Communiqué index, for LangChain pipelines (LCEL)."""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever


class CommuniqueRetriever(BaseRetriever):
    """Each Document is one passage; its metadata carries the Hit fields (ids, offsets, scores)."""

    retriever: Any
    k: int = 5
    filters: dict[str, Any] = {}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.retriever.search(query, k=self.k, **self.filters)
        docs = []
        for hit in hits:
            metadata = hit.to_dict()
            text = metadata.pop("text")
            docs.append(Document(page_content=text, metadata=metadata, id=hit.chunk_id))
        return docs
