"""Creates and loads dense indexes by kind (like txtai ``ann/factory.py``)."""

from __future__ import annotations

from pathlib import Path

from index.dense.base import DenseIndex
from index.dense.faiss_idmap import read_idmap_index
from index.dense.flat import FlatIPIndex
from index.dense.hnsw import HNSWIndex
from index.errors import CorruptIndexError

__all__ = ["EXACT_LIMIT", "create_dense_index", "dense_kinds", "load_dense_index"]

#: Up to this many vectors search is exact (flat); above it HNSW (recall@10 >= 0.95 measured).
EXACT_LIMIT = 200_000

_KINDS: dict[str, type[DenseIndex]] = {FlatIPIndex.kind: FlatIPIndex, HNSWIndex.kind: HNSWIndex}


def dense_kinds() -> list[str]:
    """Every available dense index kind (the conformance tests run over all of them)."""
    return sorted(_KINDS)


def create_dense_index(n: int, dim: int, kind: str | None = None) -> DenseIndex:
    """A new, empty dense index for about ``n`` vectors of dimension ``dim``.

    Args:
        n: Expected number of vectors; chooses exact search below :data:`EXACT_LIMIT`, HNSW above.
        dim: Vector dimension.
        kind: Force a kind ("flat" or "hnsw").

    Raises:
        ValueError: unknown kind or a non-positive dimension.
    """
    chosen = kind or (FlatIPIndex.kind if n <= EXACT_LIMIT else HNSWIndex.kind)
    if chosen == FlatIPIndex.kind:
        return FlatIPIndex(dim)
    if chosen == HNSWIndex.kind:
        return HNSWIndex(dim)
    raise ValueError(f"unknown dense index kind {chosen!r}; available: {', '.join(dense_kinds())}")


def load_dense_index(kind: str | None, path: Path) -> DenseIndex:
    """Open the dense index file at ``path``, written by an index of ``kind`` (None: whichever it is).

    Raises:
        CorruptIndexError: missing, unreadable or corrupt file, an unknown kind, or a kind mismatch.
    """
    path = Path(path)
    if kind is not None:
        if kind not in _KINDS:
            raise CorruptIndexError(path, f"unknown dense index kind {kind!r}")
        return _KINDS[kind].load(path)
    index, base = read_idmap_index(path)
    for cls in (FlatIPIndex, HNSWIndex):
        if isinstance(base, cls.base_class):
            return cls.wrap(index)
    raise CorruptIndexError(path, f"unsupported dense index (faiss {type(base).__name__})")


def set_faiss_threads(threads: int) -> None:
    """Set FAISS's OpenMP thread count for this process.

    Serving searches one query per request, where starting OpenMP threads costs more than the search
    itself (about 5 ms against 0.1 ms on 2 cores); builds add many vectors at once and use every core.
    """
    import faiss

    faiss.omp_set_num_threads(max(1, threads))
