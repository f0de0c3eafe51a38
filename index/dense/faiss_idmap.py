"""Shared plumbing of the faiss-backed dense indexes: an inner-product index wrapped in ``IndexIDMap2``.

``IndexIDMap2`` keeps our int64 row ids next to the vectors, supports ``reconstruct`` by id (used for
exact search inside small filtered subsets) and translates id selectors for filtered search.
"""

from __future__ import annotations

from abc import abstractmethod
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import faiss
import numpy as np
import numpy.typing as npt

from index.dense.base import DenseIndex, Ids, Vectors
from index.errors import CorruptIndexError

Scores = npt.NDArray[np.float32]
# faiss's bundled type stubs lack the search-parameter classes; use the module untyped.
FAISS: Any = faiss
EXACT_SUBSET_LIMIT = 16_384
_T = TypeVar("_T", bound="FaissIDMapIndex")


class FaissIDMapIndex(DenseIndex):
    """A faiss index of unit vectors under int64 ids, searched by inner product."""

    #: faiss class of the wrapped index, checked when a file is read back.
    base_class: ClassVar[type]
    #: Filtered searches over at most this many ids run exactly on the reconstructed vectors: cheaper
    #: than a full scan (flat) and exact where a graph walk restricted to few ids misses neighbours (HNSW).
    exact_subset_limit: int = EXACT_SUBSET_LIMIT

    def __init__(self, dim: int, index: Any | None = None) -> None:
        if dim <= 0:
            raise ValueError(f"vector dimension must be positive, got {dim}")
        self._dim = dim
        self._index: Any = index if index is not None else faiss.IndexIDMap2(self._make_base(dim))
        self._sorted_ids: Ids | None = None

    @abstractmethod
    def _make_base(self, dim: int) -> Any:
        """A new, empty faiss index of this kind."""

    @property
    def dim(self) -> int:
        """Vector dimension."""
        return self._dim

    def __len__(self) -> int:
        """Number of stored vectors."""
        return int(self._index.ntotal)

    def add(self, ids: Ids, vectors: Vectors) -> None:
        """Add ``vectors`` (n, dim) under ``ids`` (n,); ids must be new."""
        ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        vectors = self._as_matrix(vectors)
        if vectors.shape[0] != ids.shape[0]:
            raise ValueError(f"{ids.shape[0]} ids for {vectors.shape[0]} vectors")
        # faiss would silently keep two vectors under one id; refuse instead.
        if np.unique(ids).size != ids.size or self._present(ids).size:
            raise ValueError("dense index ids must be unique and not already stored")
        if ids.size:
            self._index.add_with_ids(vectors, ids)
            self._sorted_ids = None

    def ids(self) -> Ids:
        """All stored ids, sorted."""
        if self._sorted_ids is None:
            self._sorted_ids = np.sort(faiss.vector_to_array(self._index.id_map).astype(np.int64))
        return self._sorted_ids

    def search(self, queries: Vectors, k: int, allowed: Ids | None = None) -> tuple[Scores, Ids]:
        """Top-``k`` (scores, ids) per query by inner product; -1 ids (and -inf scores) pad short lists."""
        queries = self._as_matrix(queries)
        n_queries = queries.shape[0]
        if k <= 0 or n_queries == 0:
            return np.zeros((n_queries, 0), dtype=np.float32), np.zeros((n_queries, 0), dtype=np.int64)
        if allowed is None:
            scores, ids = self._search_all(queries, k)
        else:
            present = self._present(allowed)
            if present.size == 0:
                scores, ids = _empty(n_queries, k)
            elif present.size <= self.exact_subset_limit:
                scores, ids = self._search_subset(queries, k, present)
            else:
                scores, ids = self._search_selected(queries, k, present)
        ids = np.asarray(ids, dtype=np.int64)
        scores = np.asarray(scores, dtype=np.float32)
        scores[ids < 0] = -np.inf
        return scores, ids

    def _search_all(self, queries: Vectors, k: int) -> tuple[Scores, Ids]:
        scores, ids = self._index.search(queries, k)
        return scores, ids

    @abstractmethod
    def _search_selected(self, queries: Vectors, k: int, allowed: Ids) -> tuple[Scores, Ids]:
        """Search restricted to ``allowed`` (all present in the index) through a faiss id selector."""

    def _present(self, allowed: Ids) -> Ids:
        wanted = np.unique(np.asarray(allowed, dtype=np.int64).reshape(-1))
        stored = self.ids()
        if stored.size == 0 or wanted.size == 0:
            return wanted[:0]
        positions = np.clip(np.searchsorted(stored, wanted), 0, stored.size - 1)
        return wanted[stored[positions] == wanted]

    def _search_subset(self, queries: Vectors, k: int, allowed: Ids) -> tuple[Scores, Ids]:
        """Exact inner products against the reconstructed vectors of ``allowed``."""
        vectors = self._index.reconstruct_batch(allowed)
        return exact_top_k(queries, vectors, allowed, k)

    def _as_matrix(self, vectors: Vectors) -> Vectors:
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        if matrix.ndim == 1:
            matrix = matrix.reshape(1, -1)
        if matrix.ndim != 2 or matrix.shape[1] != self._dim:
            raise ValueError(f"expected vectors of dimension {self._dim}, got shape {matrix.shape}")
        return matrix

    def save(self, path: Path) -> None:
        """Write the index with ``faiss.write_index``."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls: type[_T], path: Path) -> _T:
        """Read an index written by :meth:`save`.

        Raises:
            CorruptIndexError: missing, truncated or unreadable file, or an index of another kind.
        """
        index, base = read_idmap_index(path)
        if not isinstance(base, cls.base_class):
            raise CorruptIndexError(
                Path(path), f"expected a {cls.kind} dense index, found a faiss {type(base).__name__}"
            )
        return cls.wrap(index)

    @classmethod
    def wrap(cls: type[_T], index: Any) -> _T:
        """Adopt an ``IndexIDMap2`` read from disk."""
        return cls(int(index.d), index)


def read_idmap_index(path: Path) -> tuple[Any, Any]:
    """(``IndexIDMap2``, its wrapped index) read from ``path``.

    Raises:
        CorruptIndexError: missing, truncated or unreadable file, or not an id-mapped index.
    """
    path = Path(path)
    if not path.is_file():
        raise CorruptIndexError(path, "dense index file is missing")
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:
        lines = str(exc).strip().splitlines()
        raise CorruptIndexError(
            path, f"dense index file is corrupt or unreadable ({lines[-1] if lines else 'no detail'})"
        ) from exc
    if not isinstance(index, faiss.IndexIDMap2):
        raise CorruptIndexError(path, f"not a tracuu dense index (faiss {type(index).__name__})")
    return index, faiss.downcast_index(index.index)


def _empty(n_queries: int, k: int) -> tuple[Scores, Ids]:
    return np.full((n_queries, k), -np.inf, dtype=np.float32), np.full((n_queries, k), -1, dtype=np.int64)


def exact_top_k(queries: Vectors, vectors: Vectors, ids: Ids, k: int) -> tuple[Scores, Ids]:
    """Exact top-``k`` inner products of ``queries`` against ``vectors`` (rows named by ``ids``).

    Ties are broken by position, so results are deterministic; missing slots are (-inf, -1).
    """
    scores_out, ids_out = _empty(queries.shape[0], k)
    if vectors.shape[0] == 0:
        return scores_out, ids_out
    scores = queries @ vectors.T
    take = min(k, vectors.shape[0])
    if take < vectors.shape[0]:
        part = np.argpartition(-scores, take - 1, axis=1)[:, :take]
    else:
        part = np.tile(np.arange(vectors.shape[0]), (queries.shape[0], 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    best = np.take_along_axis(part, order, axis=1)
    scores_out[:, :take] = np.take_along_axis(scores, best, axis=1)
    ids_out[:, :take] = ids[best]
    return scores_out, ids_out
