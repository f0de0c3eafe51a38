"""Request and response bodies of the HTTP API (responses reuse the corpus/index/answer models).

The limits of a request (query length, ``top_k`` range) come from :class:`Settings`, so the request models
are derived per app by :func:`search_request_model` / :func:`ask_request_model`; the OpenAPI document
then states the limits the server really enforces.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from corpus.models import Chunk, Document
from index.models import Passage, SearchFilters
from service.answer.models import Turn
from service.settings import Settings

#: At least one character that is not white space (Python ``re`` semantics, also used to validate).
NOT_BLANK = r"\S"
MAX_HISTORY_TURNS = 20


def _json_number(value: object) -> object:
    """Refuse strings and booleans for a count; JSON allows writing 5 as 5.0, so that is accepted."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    return value


def count(maximum: int) -> Any:
    """A passage count in 1..maximum: strict about types (no "5", no true); like JSON Schema, 5.0 is 5."""
    # Field before the validator, or pydantic leaks "ge"/"le" into the JSON schema.
    return Annotated[int, Field(strict=False, ge=1, le=maximum), BeforeValidator(_json_number)]


#: :func:`count` with the default limit (the per-app models use the limit of their settings).
DefaultCount = Annotated[int, Field(strict=False, ge=1, le=50), BeforeValidator(_json_number)]


_SEARCH_EXAMPLE: dict[str, Any] = {"query": "sở nào chủ trì phát triển nhà ở xã hội", "top_k": 5}
_ASK_EXAMPLES: list[Any] = [
    {"question": "so nao phu trach nha o xa hoi o Lang Son", "top_k": 8},
    {
        "question": "Còn kinh phí thực hiện thì sao?",
        "history": [
            {"role": "user", "content": "Kế hoạch 46/KH-UBND giao Sở Xây dựng việc gì?"},
            {"role": "assistant", "content": "Sở Xây dựng chủ trì ... [1]"},
        ],
        "stream": True,
    },
]


class RequestFilters(SearchFilters):
    """Hard filters of a search or question."""

    model_config = ConfigDict(extra="forbid", strict=True)

    province: str | None = Field(default=None, max_length=200, examples=["Lạng Sơn"])
    doc_id: str | None = Field(
        default=None, max_length=200, examples=["lang-son-46-kh-ubnd-phuc-hoi-kinh-te"]
    )

    def to_filters(self) -> SearchFilters | None:
        """The index-side filters, or None when none is set."""
        if self.province is None and self.doc_id is None:
            return None
        return SearchFilters(province=self.province, doc_id=self.doc_id)


class SearchRequest(BaseModel):
    """A search: free text in Vietnamese, with or without diacritics."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        regex_engine="python-re",
        json_schema_extra={"examples": [_SEARCH_EXAMPLE]},
    )

    query: str = Field(min_length=1, max_length=2000, pattern=NOT_BLANK, examples=[_SEARCH_EXAMPLE["query"]])
    top_k: DefaultCount = Field(default=10, description="Number of passages to return")
    filters: RequestFilters | None = None


class AskRequest(BaseModel):
    """A question, optionally following earlier turns of a conversation."""

    model_config = ConfigDict(
        extra="forbid", strict=True, regex_engine="python-re", json_schema_extra={"examples": _ASK_EXAMPLES}
    )

    question: str = Field(min_length=1, max_length=2000, pattern=NOT_BLANK)
    top_k: DefaultCount | None = Field(default=None, description="Passages to consider (default: server's)")
    history: list[Turn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS)
    stream: bool = Field(
        default=False, description="Answer as text/event-stream (passages, delta..., answer)"
    )
    filters: RequestFilters | None = None


def search_request_model(settings: Settings) -> type[SearchRequest]:
    """:class:`SearchRequest` with the limits of ``settings``."""
    model: type[SearchRequest] = create_model(
        "SearchRequest",
        __base__=SearchRequest,
        __doc__=SearchRequest.__doc__,
        query=(
            str,
            Field(
                min_length=1,
                max_length=settings.max_query_chars,
                pattern=NOT_BLANK,
                examples=[_SEARCH_EXAMPLE["query"]],
            ),
        ),
        top_k=(
            count(settings.max_top_k),
            Field(
                default=min(settings.top_k, settings.max_top_k), description="Number of passages to return"
            ),
        ),
    )
    return model


def ask_request_model(settings: Settings) -> type[AskRequest]:
    """:class:`AskRequest` with the limits of ``settings``."""
    model: type[AskRequest] = create_model(
        "AskRequest",
        __base__=AskRequest,
        __doc__=AskRequest.__doc__,
        question=(str, Field(min_length=1, max_length=settings.max_query_chars, pattern=NOT_BLANK)),
        top_k=(
            count(settings.max_top_k) | None,
            Field(default=None, description="Passages to consider (default: server's)"),
        ),
    )
    return model


class SearchResponse(BaseModel):
    """Ranked passages, best first."""

    results: list[Passage]


class ChunkList(BaseModel):
    """A document's chunks in reading order (the section outline of the document view)."""

    chunks: list[Chunk]


class DocumentList(BaseModel):
    """All documents of the live index."""

    documents: list[Document]


class DocumentText(Document):
    """A document with the normalized text every offset (passages, citations) points into."""

    text: str


class Health(BaseModel):
    """Liveness."""

    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    """Readiness: the live index and its encoder."""

    status: Literal["ready"] = "ready"
    documents: int
    chunks: int
    encoder: str = Field(description="Encoder in use; 'none' for a lexical-only index")
    index_version: str
    encoder_kind: str
    retrieval: Literal["hybrid", "lexical"] = Field(
        default="hybrid", description="'lexical' when the index has no embeddings"
    )
    configured_model: str | None = None
    fallback_reason: str | None = None
    reranker: str | None = Field(default=None, description="Reranker in use; null: no reranking")
    reranker_fallback_reason: str | None = Field(
        default=None, description="Why the configured reranker is not in use"
    )
    built_at: str | None = None


class RebuildAccepted(BaseModel):
    """A started rebuild; poll ``status_url``."""

    job_id: str
    status: Literal["running"] = "running"
    status_url: str
