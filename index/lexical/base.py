"""The lexical-index interface: Vietnamese-aware BM25 (or similar) over chunk texts."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

Ids = npt.NDArray[np.int64]
Scores = npt.NDArray[np.float32]


class LexicalIndex(ABC):
    """Scores every indexed row for a query with vectorized maths (no Python loop over documents)."""

    kind: str = ""

    @abstractmethod
    def fit(self, texts: Sequence[str], ids: Ids) -> None:
        """Index ``texts`` (the indexable form of each chunk: heading path + body) under ``ids``."""

    @abstractmethod
    def search(self, query: str, k: int, allowed: Ids | None = None) -> tuple[Scores, Ids]:
        """Top-``k`` (scores, ids) for one query, best first; only positive scores."""

    @abstractmethod
    def idf(self, tokens: Sequence[str], field: str) -> Scores:
        """Inverse document frequency of each token in one token stream of :class:`index.analysis.Analyzed`
        (``accented``, ``folded`` or ``bigrams``); a token the index never saw gets the largest value."""

    @abstractmethod
    def contains(self, tokens: Sequence[str], field: str, ids: Ids) -> npt.NDArray[np.bool_]:
        """Whether each of ``ids`` holds each token in ``field``: a (len(ids), len(tokens)) array (unknown
        ids hold nothing). Read from the postings, so no text is analysed again."""

    @abstractmethod
    def __len__(self) -> int:
        """Number of indexed rows."""

    @abstractmethod
    def save(self, directory: Path) -> None:
        """Write arrays (.npy) and vocabulary (JSON) into ``directory``; no pickle."""

    def fit_save(self, texts: Sequence[str], ids: Ids, directory: Path) -> None:
        """:meth:`fit` then :meth:`save`; implementations may write as they go to bound build memory.

        Afterwards the index is usable in memory and loadable from ``directory``.
        """
        self.fit(texts, ids)
        self.save(directory)

    @classmethod
    @abstractmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Read what :meth:`save` wrote."""
