"""BM25 maths as small pure functions over numpy arrays (after bm25s ``scoring.py``).

Notation: ``df`` document frequency of a term, ``n`` number of rows, ``tf`` term frequency in a row,
``doc_len`` that row's length in tokens, ``avg_len`` the mean length over the corpus.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.integer]

_SAMPLED_TOP_K = 1 << 17  # arrays at least this long use the sampled threshold

__all__ = [
    "IDF_VARIANTS",
    "accumulate",
    "bm25_weights",
    "idf_atire",
    "idf_lucene",
    "idf_robertson",
    "impact_split",
    "lookup",
    "max_normalize",
    "tf_saturation",
    "top_k",
]


def idf_lucene(df: IntArray, n: int) -> FloatArray:
    """``log(1 + (n - df + 0.5) / (df + 0.5))``: always positive, so common terms never subtract."""
    df64 = df.astype(np.float64)
    return np.log1p((n - df64 + 0.5) / (df64 + 0.5)).astype(np.float32)


def idf_robertson(df: IntArray, n: int) -> FloatArray:
    """Original ``log((n - df + 0.5) / (df + 0.5))`` clipped at 0 (terms in over half the rows score 0)."""
    df64 = df.astype(np.float64)
    return np.maximum(np.log((n - df64 + 0.5) / (df64 + 0.5)), 0.0).astype(np.float32)


def idf_atire(df: IntArray, n: int) -> FloatArray:
    """``log(n / df)`` (0 where ``df`` is 0)."""
    df64 = df.astype(np.float64)
    with np.errstate(divide="ignore"):
        out = np.where(df64 > 0, np.log(n / np.maximum(df64, 1.0)), 0.0)
    return out.astype(np.float32)


IDF_VARIANTS: dict[str, Callable[[IntArray, int], FloatArray]] = {
    "lucene": idf_lucene,
    "robertson": idf_robertson,
    "atire": idf_atire,
}


def tf_saturation(tf: IntArray, doc_len: FloatArray, avg_len: float, k1: float, b: float) -> FloatArray:
    """BM25 term-frequency component ``tf (k1 + 1) / (tf + k1 (1 - b + b doc_len / avg_len))``."""
    tf32 = tf.astype(np.float32)
    norm = np.float32(k1) * (np.float32(1.0 - b) + np.float32(b) * doc_len / np.float32(max(avg_len, 1e-9)))
    return (tf32 * np.float32(k1 + 1.0) / (tf32 + norm)).astype(np.float32)


def bm25_weights(
    tf: IntArray,
    doc_len: FloatArray,
    avg_len: float,
    idf: FloatArray,
    k1: float,
    b: float,
) -> FloatArray:
    """Precomputed weight of each posting: ``idf * tf_saturation``; all arrays are per posting."""
    return (idf * tf_saturation(tf, doc_len, avg_len, k1, b)).astype(np.float32)


def top_k(scores: npt.NDArray[np.floating], k: int) -> npt.NDArray[np.intp]:
    """Positions of the ``k`` highest positive scores, best first (ties: lower position first).

    On long arrays a threshold read from a strided sample first narrows the candidates to a few times
    ``k`` (one comparison pass instead of a partition of every positive score); the result is exact
    because at least ``k`` scores reach the threshold, else the plain path runs.
    """
    if k <= 0 or scores.size == 0:
        return np.empty(0, dtype=np.intp)
    candidates: npt.NDArray[np.intp] | None = None
    if scores.size >= _SAMPLED_TOP_K and k * 64 < scores.size:
        sample = np.sort(scores[:: scores.size // 8192])
        threshold = sample[max(0, sample.size - 1 - (4 * k * sample.size) // scores.size - 1)]
        if threshold > 0:
            above = np.flatnonzero(scores >= threshold)
            if above.size >= k:
                candidates = above
    positive = np.flatnonzero(scores > 0) if candidates is None else candidates
    if positive.size == 0:
        return np.empty(0, dtype=np.intp)
    values = scores[positive]
    if positive.size > k:
        keep = np.argpartition(-values, k - 1)[:k]
        positive, values = positive[keep], values[keep]
    order = np.lexsort((positive, -values))
    return positive[order]


def accumulate(rows: list[npt.NDArray[np.integer]], weights: list[FloatArray], n_rows: int) -> FloatArray:
    """Sum weights per row over several posting slices, in place with ``np.add.at`` (no concatenation).

    Rows past ``n_rows`` (only a damaged rows file has them) are dropped rather than raising.
    """
    total = np.zeros(n_rows, dtype=np.float32)
    for part_rows, part_weights in zip(rows, weights, strict=True):
        if part_rows.size and int(part_rows[-1]) >= n_rows:
            inside = part_rows < n_rows
            part_rows, part_weights = part_rows[inside], part_weights[inside]
        np.add.at(total, part_rows, part_weights)
    return total


def impact_split(weights: FloatArray, head: int) -> npt.NDArray[np.intp]:
    """Order for one posting list: its ``head`` largest weights, then the rest, each part in row order.

    Positions are returned; the list is assumed sorted by row, so sorting positions keeps row order.
    """
    strongest = np.argpartition(-weights, head - 1)[:head]
    keep = np.zeros(weights.size, dtype=bool)
    keep[strongest] = True
    return np.concatenate([np.flatnonzero(keep), np.flatnonzero(~keep)])


def lookup(rows: npt.NDArray[np.integer], weights: FloatArray, wanted: npt.NDArray[np.integer]) -> FloatArray:
    """Weights of ``wanted`` rows in a row-sorted posting slice (0 where absent), by binary search."""
    out = np.zeros(wanted.size, dtype=np.float32)
    if rows.size == 0 or wanted.size == 0:
        return out
    position = np.minimum(np.searchsorted(rows, wanted), rows.size - 1)
    hit = rows[position] == wanted
    out[hit] = weights[position[hit]]
    return out


def max_normalize(scores: npt.NDArray[np.floating]) -> FloatArray:
    """Scale scores into (0, 1] by the best one (for fusion with other retrievers)."""
    if scores.size == 0:
        return scores.astype(np.float32)
    best = float(np.max(scores))
    if best <= 0:
        return np.zeros_like(scores, dtype=np.float32)
    return (scores / best).astype(np.float32)
