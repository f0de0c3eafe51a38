"""What the rest of the system may use of an opened index (answers, service, evaluation)."""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, Field

from corpus.models import Chunk, Document
from index.models import Passage, SearchFilters


class IndexInfo(BaseModel):
    """Facts about the loaded index, as shown by /readyz and the CLI."""

    version: str = Field(description="Version directory name of the live index")
    documents: int
    chunks: int
    encoder: str = Field(description="Encoder actually in use (id); 'none' for a lexical-only index")
    encoder_kind: str
    retrieval: Literal["hybrid", "lexical"] = Field(
        default="hybrid", description="'hybrid' (lexical + dense) or 'lexical'"
    )
    configured_model: str | None = Field(default=None, description="Model asked for in settings, if any")
    fallback_reason: str | None = Field(default=None, description="Why the configured model is not in use")
    reranker: str | None = Field(
        default=None, description="Reranker (cross-encoder) reordering the top passages; None: no reranking"
    )
    reranker_fallback_reason: str | None = Field(
        default=None, description="Why the configured reranker is not in use"
    )
    built_at: str


class Retriever(Protocol):
    """Read-only access to one loaded index version."""

    @property
    def info(self) -> IndexInfo:
        """Facts about this index."""
        ...

    def search(self, query: str, top_k: int = 10, filters: SearchFilters | None = None) -> list[Passage]:
        """Hybrid search; best first; ``filters`` are hard, a province named in ``query`` is a soft boost."""
        ...

    def documents(self) -> list[Document]:
        """All documents, in a stable order."""
        ...

    def document(self, doc_id: str) -> Document | None:
        """One document's metadata, or None."""
        ...

    def document_text(self, doc_id: str) -> str | None:
        """The normalized text all offsets of that document point into."""
        ...

    def chunk(self, chunk_id: str) -> Chunk | None:
        """One chunk by id, or None."""
        ...

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in reading order."""
        ...
