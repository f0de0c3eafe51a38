"""The building blocks of :mod:`index.lexical.bm25`: one field's vocabulary and postings, built and laid out.

A :class:`FieldBuilder` accumulates a field row by row; :meth:`FieldBuilder.finish` turns it into a
:class:`Field`: term-major postings with precomputed BM25 weights.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from index.lexical.scoring import IDF_VARIANTS, bm25_weights, impact_split

__all__ = ["Field", "FieldBuilder", "Params", "Vocabulary"]

_BLOCK = 1 << 22


class Params(Protocol):
    """What building needs of the ranking parameters (:class:`index.lexical.bm25.BM25Params`)."""

    k1: float
    b: float
    idf: str
    max_postings: int


class Vocabulary(dict[str, int]):
    """token → column; an unseen token gets the next column (lookups stay in C for known tokens)."""

    def __missing__(self, token: str) -> int:
        column = self[token] = len(self)
        return column


class FieldBuilder:
    """Accumulates one field row by row as a CSR (row-major) structure of term counts."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = Vocabulary()
        self.cols = array("i")
        self.counts = array("B")  # term frequency, capped at 255: BM25 has long saturated (k1 = 1.2: < 0.1%)
        self.row_nnz = array("i")
        self.row_len = array("f")

    @property
    def size(self) -> int:
        """Postings accumulated so far."""
        return len(self.cols)

    def add(self, tokens: list[str]) -> None:
        counted = Counter(tokens)
        self.cols.extend(map(self.vocab.__getitem__, counted))
        if len(tokens) > 0xFF:
            self.counts.extend(min(count, 0xFF) for count in counted.values())
        else:
            self.counts.extend(counted.values())
        self.row_nnz.append(len(counted))
        self.row_len.append(float(len(tokens)))

    def finish(self, params: Params) -> Field:
        """Term-major postings with BM25 weights; frees this builder's buffers as it goes."""
        n_rows, n_terms = len(self.row_nnz), len(self.vocab)
        row_len = np.frombuffer(self.row_len, dtype=np.float32) if n_rows else np.empty(0, np.float32)
        avg_len = float(row_len.mean()) if n_rows else 0.0
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        if n_rows:
            np.cumsum(np.frombuffer(self.row_nnz, dtype=np.int32), out=indptr[1:])
        cols = np.frombuffer(self.cols, dtype=np.int32) if self.cols else np.empty(0, np.int32)
        counts = np.frombuffer(self.counts, dtype=np.uint8) if self.counts else np.empty(0, np.uint8)
        idf = IDF_VARIANTS[params.idf](np.bincount(cols, minlength=n_terms), n_rows)
        # Transpose the (small) term counts rather than the weights, then weight the postings in blocks.
        csc = sp.csr_matrix((counts, cols, indptr), shape=(n_rows, n_terms)).tocsc()
        del cols, counts
        self.cols, self.counts = array("i"), array("B")
        col_ptr = np.asarray(csc.indptr, dtype=np.int64)
        rows = np.asarray(csc.indices, dtype=np.int32)
        weights = np.empty(rows.size, dtype=np.float32)
        for start in range(0, rows.size, _BLOCK):  # blocks bound the temporaries
            part = slice(start, start + _BLOCK)
            col_of = (
                np.searchsorted(col_ptr, np.arange(start, min(start + _BLOCK, rows.size)), side="right") - 1
            )
            weights[part] = bm25_weights(
                csc.data[part], row_len[rows[part]], avg_len, idf[col_of], params.k1, params.b
            )
        del csc
        vocab = dict(self.vocab)
        self.vocab = Vocabulary()
        return Field.build(vocab, col_ptr, rows, weights, avg_len, params.max_postings)


@dataclass
class Field:
    """One field's vocabulary and term-major postings (rows int32, weights float32).

    A column longer than ``head`` postings is stored as its ``head`` strongest postings, then the rest;
    both parts sorted by row, so a query reads the head in one slice and looks rows up in the tail.
    ``cutoff[col]`` is the largest weight left in the tail (0 for columns without one).
    """

    vocab: dict[str, int]
    indptr: npt.NDArray[np.int64]
    rows: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    cutoff: npt.NDArray[np.float32]
    avg_len: float

    @classmethod
    def build(
        cls,
        vocab: dict[str, int],
        indptr: npt.NDArray[np.int64],
        rows: npt.NDArray[np.int32],
        weights: npt.NDArray[np.float32],
        avg_len: float,
        head: int,
    ) -> Field:
        """Lay out row-sorted CSC postings: long columns become head (strongest) + tail, see class doc."""
        cutoff = np.zeros(len(vocab), dtype=np.float32)
        for col in np.flatnonzero(np.diff(indptr) > head):
            start, end = int(indptr[col]), int(indptr[col + 1])
            order = impact_split(weights[start:end], head)
            rows[start:end] = rows[start:end][order]
            weights[start:end] = weights[start:end][order]
            cutoff[col] = weights[start + head : end].max()
        return cls(vocab, indptr, rows, weights, cutoff, avg_len)

    def columns(self, tokens: Iterable[str]) -> list[int]:
        found = (self.vocab.get(token) for token in tokens)
        return [col for col in found if col is not None]
