"""The answerer interface: a question (and the conversation so far) in, a cited :class:`Answer` out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any

from index.models import SearchFilters
from service.answer.models import Answer, Turn


class Answerer(ABC):
    """Builds answers whose citations are verified verbatim spans. Constructed around a Retriever."""

    name: str = ""

    @abstractmethod
    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        top_k: int | None = None,
        filters: SearchFilters | None = None,
    ) -> Answer:
        """Answer ``question``; abstain (``abstained=True``, no citations) when the evidence does not answer it."""

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        top_k: int | None = None,
        filters: SearchFilters | None = None,
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield ``(event, data)`` pairs; the last is ``("answer", Answer as dict)`` with all citations."""
        result = self.answer(question, history=history, top_k=top_k, filters=filters)
        yield "answer", result.model_dump(mode="json")
