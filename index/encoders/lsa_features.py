"""Sparse term features of the built-in encoder: folded syllables and syllable bigrams, TF-IDF weighted.

Keys come from :mod:`corpus.normalize` only: a syllable's feature is its :func:`~corpus.normalize.fold`
form, so "nha o xa hoi" and "nhà ở xã hội" get the same features. Bigrams of adjacent syllables inside one
clause (never across punctuation) stand in for the word boundaries Vietnamese spelling does not mark.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from corpus.normalize import fold

__all__ = [
    "FEATURES_VERSION",
    "build_vocabulary",
    "count_matrix",
    "idf_weights",
    "term_features",
    "tfidf",
]

#: Bumped whenever :func:`term_features` changes what it emits (part of the encoder id).
FEATURES_VERSION = 1

_CLAUSE_BREAK = re.compile(r"[^\w\s]+|_+")
_WORD = re.compile(r"[^\W_]+")


def term_features(text: str, *, bigrams: bool = True) -> list[str]:
    """Folded syllables, then ``"a b"`` bigrams of adjacent syllables inside each clause."""
    unigrams: list[str] = []
    pairs: list[str] = []
    for clause in _CLAUSE_BREAK.split(text.lower()):
        words = [fold(word) for word in _WORD.findall(clause)]
        unigrams.extend(words)
        if bigrams:
            pairs.extend(f"{a} {b}" for a, b in pairwise(words))
    return unigrams + pairs


def build_vocabulary(
    documents: Iterable[Sequence[str]], *, min_df: int, max_features: int
) -> tuple[dict[str, int], npt.NDArray[np.int64], int]:
    """Vocabulary of features occurring in at least ``min_df`` documents, the ``max_features`` most frequent.

    Returns (feature → column, document frequency per column, number of documents). Columns are in
    descending document frequency, ties broken alphabetically, so the result is deterministic.
    """
    df: Counter[str] = Counter()
    n_docs = 0
    for features in documents:
        df.update(set(features))
        n_docs += 1
    kept = sorted((item for item in df.items() if item[1] >= min_df), key=lambda item: (-item[1], item[0]))
    kept = kept[:max_features]
    vocabulary = {feature: column for column, (feature, _) in enumerate(kept)}
    frequencies = np.fromiter((count for _, count in kept), dtype=np.int64, count=len(kept))
    return vocabulary, frequencies, n_docs


def idf_weights(document_frequency: npt.NDArray[np.int64], n_docs: int) -> npt.NDArray[np.float32]:
    """Smoothed inverse document frequency ``log((1 + n) / (1 + df)) + 1``."""
    return (np.log((1.0 + n_docs) / (1.0 + document_frequency)) + 1.0).astype(np.float32)


def count_matrix(documents: Iterable[Sequence[str]], vocabulary: dict[str, int]) -> sp.csr_matrix:
    """Term counts, one row per document; features outside ``vocabulary`` are dropped.

    Built one document at a time into int32/float32 arrays, so memory stays proportional to the
    number of distinct (document, feature) pairs rather than to Python objects per token.
    """
    columns: list[npt.NDArray[np.int32]] = []
    counts: list[npt.NDArray[np.float32]] = []
    indptr = [0]
    get = vocabulary.get
    for features in documents:
        found = np.fromiter((column for column in map(get, features) if column is not None), dtype=np.int32)
        unique, frequency = np.unique(found, return_counts=True)
        columns.append(unique.astype(np.int32, copy=False))
        counts.append(frequency.astype(np.float32))
        indptr.append(indptr[-1] + unique.size)
    matrix = sp.csr_matrix(
        (
            np.concatenate(counts) if counts else np.zeros(0, dtype=np.float32),
            np.concatenate(columns) if columns else np.zeros(0, dtype=np.int32),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(indptr) - 1, len(vocabulary)),
    )
    return matrix


def tfidf(counts: sp.csr_matrix, idf: npt.NDArray[np.float32]) -> sp.csr_matrix:
    """Sublinear TF (``1 + log tf``) times IDF, rows L2-normalized (empty rows stay zero)."""
    matrix = counts.astype(np.float32, copy=True)
    matrix.data = 1.0 + np.log(matrix.data)
    matrix = sp.csr_matrix(matrix.multiply(idf.reshape(1, -1)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ matrix)
