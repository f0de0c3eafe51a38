"""The dense-index interface: add unit vectors, search by inner product, persist without pickle."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
Ids = npt.NDArray[np.int64]


class DenseIndex(ABC):
    """Maps row ids (int64, the chunk's row in the chunk store) to vectors and searches them."""

    kind: str = ""

    @abstractmethod
    def add(self, ids: Ids, vectors: Vectors) -> None:
        """Add vectors under the given ids."""

    @abstractmethod
    def search(
        self, queries: Vectors, k: int, allowed: Ids | None = None
    ) -> tuple[npt.NDArray[np.float32], Ids]:
        """Top-``k`` (scores, ids) per query row; ids are -1 where fewer exist.

        ``allowed`` restricts the search to those ids (metadata filters).
        """

    @abstractmethod
    def __len__(self) -> int:
        """Number of stored vectors."""

    @abstractmethod
    def save(self, path: Path) -> None:
        """Write to ``path`` (faiss.write_index or .npy)."""

    @classmethod
    @abstractmethod
    def load(cls, path: Path) -> DenseIndex:
        """Read what :meth:`save` wrote; raise a clear error on a corrupt file."""
