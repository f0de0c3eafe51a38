"""The index as a LangChain retriever: passages become ``Document`` objects (text + chunk fields)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.api import Retriever
from index.models import Passage, SearchFilters

__all__ = ["TracuuRetriever", "passage_to_document"]


def passage_to_document(passage: Passage) -> Document:
    """``page_content`` is the passage text; ``metadata`` holds every other chunk field and the score."""
    metadata: dict[str, Any] = passage.model_dump(mode="json", exclude={"text"})
    return Document(page_content=passage.text, metadata=metadata)


class TracuuRetriever(BaseRetriever):
    """LangChain retriever over a tracuu index (any :class:`index.api.Retriever`).

    Example:
        >>> docs = TracuuRetriever(retriever=engine, top_k=5).invoke("nhà ở xã hội")  # doctest: +SKIP
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any
    top_k: int = 10
    filters: SearchFilters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        source: Retriever = self.retriever
        return [passage_to_document(p) for p in source.search(query, top_k=self.top_k, filters=self.filters)]
