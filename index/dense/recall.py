"""Recall of an approximate dense index against exact search, for benchmarks and parameter choices."""

from __future__ import annotations

import numpy as np

from index.dense.base import DenseIndex, Ids, Vectors
from index.dense.faiss_idmap import exact_top_k

__all__ = ["exact_neighbours", "recall_at_k", "recall_of_results"]


def exact_neighbours(vectors: Vectors, ids: Ids, queries: Vectors, k: int) -> Ids:
    """Exact top-``k`` ids by inner product (the ground truth), computed in query batches."""
    out = np.full((queries.shape[0], k), -1, dtype=np.int64)
    for start in range(0, queries.shape[0], 256):
        _, found = exact_top_k(queries[start : start + 256], vectors, ids, k)
        out[start : start + 256] = found
    return out


def recall_of_results(found: Ids, truth: Ids) -> float:
    """Mean over queries of |found ∩ truth| / |truth| (ids -1 ignored on both sides)."""
    total = 0.0
    counted = 0
    for got, want in zip(found, truth, strict=True):
        wanted = {int(x) for x in want if x >= 0}
        if not wanted:
            continue
        total += len(wanted & {int(x) for x in got if x >= 0}) / len(wanted)
        counted += 1
    return total / counted if counted else 1.0


def recall_at_k(index: DenseIndex, vectors: Vectors, ids: Ids, queries: Vectors, k: int = 10) -> float:
    """Recall@``k`` of ``index`` (holding ``vectors`` under ``ids``) against exact search on ``queries``."""
    _, found = index.search(queries, k)
    return recall_of_results(found, exact_neighbours(vectors, ids, queries, k))
