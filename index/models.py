"""Search-side models: filters and ranked passages."""

from __future__ import annotations

from pydantic import BaseModel, Field

from corpus.models import Chunk


class SearchFilters(BaseModel):
    """Hard metadata filters. A province named inside the query is a soft boost, not a filter."""

    province: str | None = Field(default=None, examples=["Lạng Sơn"])
    doc_id: str | None = Field(default=None, examples=["lang-son-46-kh-ubnd-phuc-hoi-kinh-te"])


class Passage(Chunk):
    """A chunk returned by search, with its fused relevance score."""

    score: float = 0.0
