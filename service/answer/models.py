"""Answer-side models: citations are verbatim spans of the normalized document text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from index.models import Passage


class Turn(BaseModel):
    """One earlier message of the conversation (for follow-up questions)."""

    role: Literal["user", "assistant"]
    content: str = Field(max_length=4000)


class Citation(BaseModel):
    """A marker in the answer pointing to an exact sentence: ``document.text[start:end] == quote``."""

    marker: int = Field(ge=1)
    chunk_id: str
    doc_id: str
    title: str
    section: str
    quote: str
    start: int
    end: int


class Answer(BaseModel):
    """The answer text with [n] markers, its verified citations and the passages it drew on."""

    answer: str
    abstained: bool = False
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    # Extensions beyond the contract.
    kind: str | None = Field(
        default=None, description="Detected question kind (responsible, tasks, number, ...)"
    )
    confidence: float | None = None
    answerer: str | None = Field(default=None, description="extractive or generative")
