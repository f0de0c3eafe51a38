"""The encoder interface: text in, L2-normalized float32 vectors out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Encoder(ABC):
    """Turns passages and queries into unit vectors for inner-product search.

    Implementations keep their constructor cheap; heavy state loads in :meth:`fit` / :meth:`load`.
    ``encoder_id`` names the exact model (and its fitted state) so that an index built with one
    encoder is never queried with another.
    """

    #: Short kind name used in manifests and the factory ("builtin-lsa", "sentence-transformers").
    kind: str = ""

    @property
    @abstractmethod
    def encoder_id(self) -> str:
        """Identity of the model and its fitted state, recorded in the manifest."""

    @property
    @abstractmethod
    def dim(self) -> int:
        """Vector dimension."""

    @property
    def trainable(self) -> bool:
        """True when the encoder is fitted on the corpus at build time (the built-in one)."""
        return False

    def fit(self, passages: Sequence[str]) -> None:  # noqa: B027 - optional hook
        """Fit corpus-dependent state (no-op for pretrained models)."""

    @abstractmethod
    def encode_passages(self, texts: Sequence[str], batch_size: int = 64) -> Vectors:
        """Encode passages, shape (n, dim), rows L2-normalized."""

    @abstractmethod
    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        """Encode queries, shape (n, dim), rows L2-normalized."""

    def save(self, directory: Path) -> dict[str, Any]:
        """Persist fitted state into ``directory`` (no pickle); return manifest fields."""
        return {}

    def load(self, directory: Path) -> None:  # noqa: B027 - optional hook
        """Restore fitted state written by :meth:`save`."""
