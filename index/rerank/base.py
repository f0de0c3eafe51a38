"""The reranker interface: a query and candidate passages in, one relevance score per passage out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

__all__ = ["Reranker"]


class Reranker(ABC):
    """Scores (query, passage) pairs jointly, to reorder the few best candidates of the first-stage search.

    Implementations keep their constructor cheap; a model loads in :meth:`load_model` (or on first use).
    ``reranker_id`` names the exact model, so reports and ``/readyz`` say which one ordered the results.
    """

    #: Short kind name ("cross-encoder").
    kind: str = ""

    @property
    @abstractmethod
    def reranker_id(self) -> str:
        """Identity of the model in use."""

    def load_model(self) -> None:  # noqa: B027 - optional hook
        """Load heavy state now (idempotent); errors surface here rather than on the first query."""

    @abstractmethod
    def rerank(self, query: str, texts: Sequence[str]) -> list[float]:
        """One score per text, in the order of ``texts``; higher means more relevant. Empty in, empty out."""
