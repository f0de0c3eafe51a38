"""The built-in offline encoder: LSA (TF-IDF over folded syllables and bigrams, truncated SVD), fitted per corpus.

Needs no download. ``fit`` learns a vocabulary, IDF weights and a projection to at most ``dim`` latent
dimensions from the corpus; the state is written as JSON + .npy (never pickle) and named by a hash, so an
index is only ever queried with the exact state it was built with.

Fit cost is bounded: vocabulary, IDF and SVD come from at most ``max_fit_docs`` passages (a seeded random
sample), and the vocabulary is capped at ``max_features`` columns; every passage is then encoded
with that state in batches. Features unseen at fit time (documents added incrementally) are dropped until
the next refit; the lexical index still matches them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.encoders.base import Encoder, Vectors
from index.encoders.errors import EncoderStateError
from index.encoders.lsa_features import (
    FEATURES_VERSION,
    build_vocabulary,
    count_matrix,
    idf_weights,
    term_features,
    tfidf,
)
from index.encoders.lsa_math import l2_normalize_rows, randomized_svd

__all__ = ["BuiltinLSAEncoder"]

STATE_FILE = "lsa.json"
IDF_FILE = "lsa_idf.npy"
PROJECTION_FILE = "lsa_projection.npy"
_ENCODE_BATCH = 2048
LARGE_FIT = 10_000


class BuiltinLSAEncoder(Encoder):
    """Latent semantic analysis over Vietnamese folded syllables and syllable bigrams.

    Args:
        dim: Latent dimensions (fewer when the corpus is too small to support them).
        bigrams: Add syllable-bigram features.
        min_df: Minimum number of fit passages a feature must occur in; None: 1 for small corpora,
            2 from :data:`LARGE_FIT` passages on (keeps the vocabulary of big corpora to real terms).
        max_features: Vocabulary cap (most frequent features kept).
        max_fit_docs: Fit on at most this many passages (sampled), to bound fit time and memory.
        weight_exponent: Latent dimension ``i`` is scaled by ``s_i ** weight_exponent`` (1 = plain
            projection; lower values lift the weaker dimensions).
        seed: Seed of the sample and of the randomized SVD.
    """

    kind = "builtin-lsa"

    def __init__(
        self,
        *,
        dim: int = 256,
        bigrams: bool = True,
        min_df: int | None = None,
        max_features: int = 200_000,
        max_fit_docs: int = 50_000,
        weight_exponent: float = 1.0,
        seed: int = 0,
    ) -> None:
        self.params: dict[str, Any] = {
            "dim": dim,
            "bigrams": bigrams,
            "min_df": min_df,
            "max_features": max_features,
            "max_fit_docs": max_fit_docs,
            "weight_exponent": weight_exponent,
            "seed": seed,
            "features_version": FEATURES_VERSION,
        }
        self._vocabulary: dict[str, int] | None = None
        self._idf: npt.NDArray[np.float32] | None = None
        self._projection: npt.NDArray[np.float32] | None = None
        self._singular_values: list[float] = []
        self._fit_docs = 0
        self._id: str | None = None

    # ------------------------------------------------------------------ identity
    @property
    def encoder_id(self) -> str:
        """``builtin-lsa:`` + hash of the parameters and the fitted state."""
        return f"{self.kind}:{self._require_fitted()[3]}"

    @property
    def dim(self) -> int:
        """Number of latent dimensions actually fitted."""
        return int(self._require_fitted()[2].shape[1])

    @property
    def trainable(self) -> bool:
        """Fitted on the corpus at build time."""
        return True

    @property
    def fitted(self) -> bool:
        """True once :meth:`fit` or :meth:`load` has run."""
        return self._id is not None

    # ------------------------------------------------------------------ fitting
    def fit(self, passages: Sequence[str]) -> None:
        """Learn vocabulary, IDF and the SVD projection from (a sample of) ``passages``."""
        p = self.params
        sample = _sample(passages, int(p["max_fit_docs"]), int(p["seed"]))
        bigrams = bool(p["bigrams"])
        min_df = p["min_df"] if p["min_df"] is not None else (1 if len(sample) < LARGE_FIT else 2)
        # Two passes over the sample (features are recomputed) instead of holding every token in memory.
        vocabulary, frequencies, n_docs = build_vocabulary(
            (term_features(text, bigrams=bigrams) for text in sample),
            min_df=int(min_df),
            max_features=int(p["max_features"]),
        )
        idf = idf_weights(frequencies, n_docs)
        if vocabulary:
            counts = count_matrix((term_features(text, bigrams=bigrams) for text in sample), vocabulary)
            matrix = tfidf(counts, idf)
            values, components = randomized_svd(matrix, int(p["dim"]), seed=int(p["seed"]))
            # Dimensions with (numerically) no variance carry only noise; a tiny corpus has few real ones.
            keep = values > max(float(values[0]) * 1e-5, 1e-8) if values.size else values.astype(bool)
            values, components = values[keep], components[keep]
        else:
            values = np.zeros(0, dtype=np.float32)
            components = np.zeros((0, 0), dtype=np.float32)
        if values.size == 0:  # empty corpus: a valid, trivially zero, one-dimensional encoder
            values = np.ones(1, dtype=np.float32)
            components = np.zeros((1, len(vocabulary)), dtype=np.float32)
        scale = values ** (float(p["weight_exponent"]) - 1.0)
        projection = np.ascontiguousarray((components * scale[:, None]).T, dtype=np.float32)
        self._set_state(vocabulary, idf, projection, values.tolist(), n_docs)

    def _set_state(
        self,
        vocabulary: dict[str, int],
        idf: npt.NDArray[np.float32],
        projection: npt.NDArray[np.float32],
        singular_values: list[float],
        fit_docs: int,
        state_id: str | None = None,
    ) -> None:
        self._vocabulary, self._idf, self._projection = vocabulary, idf, projection
        self._singular_values, self._fit_docs = singular_values, fit_docs
        self._id = state_id or _state_hash(self.params, vocabulary, idf, projection)

    def _require_fitted(
        self,
    ) -> tuple[dict[str, int], npt.NDArray[np.float32], npt.NDArray[np.float32], str]:
        if self._vocabulary is None or self._idf is None or self._projection is None or self._id is None:
            raise EncoderStateError("the built-in encoder is not fitted yet: call fit() or load() first")
        return self._vocabulary, self._idf, self._projection, self._id

    # ------------------------------------------------------------------ encoding
    def _encode(self, texts: Sequence[str]) -> Vectors:
        vocabulary, idf, projection, _ = self._require_fitted()
        bigrams = bool(self.params["bigrams"])
        out = np.zeros((len(texts), projection.shape[1]), dtype=np.float32)
        for start in range(0, len(texts), _ENCODE_BATCH):
            batch = texts[start : start + _ENCODE_BATCH]
            matrix = tfidf(count_matrix((term_features(t, bigrams=bigrams) for t in batch), vocabulary), idf)
            out[start : start + len(batch)] = matrix @ projection
        return l2_normalize_rows(out)

    def encode_passages(self, texts: Sequence[str], batch_size: int = 64) -> Vectors:
        """Unit vectors of passages; a passage with no known feature gets a zero row."""
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors of queries (same features as passages: the model is symmetric)."""
        return self._encode(texts)

    # ------------------------------------------------------------------ persistence
    def save(self, directory: Path) -> dict[str, Any]:
        """Write ``lsa.json`` (parameters, vocabulary, id), ``lsa_idf.npy`` and ``lsa_projection.npy``."""
        vocabulary, idf, projection, state_id = self._require_fitted()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / IDF_FILE, idf)
        np.save(directory / PROJECTION_FILE, projection)
        features = sorted(vocabulary, key=vocabulary.__getitem__)
        state = {
            "kind": self.kind,
            "state_id": state_id,
            "params": self.params,
            "fit_docs": self._fit_docs,
            "singular_values": self._singular_values,
            "vocabulary": features,
        }
        (directory / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        return {"files": [STATE_FILE, IDF_FILE, PROJECTION_FILE], "params": dict(self.params)}

    def load(self, directory: Path) -> None:
        """Restore what :meth:`save` wrote; the projection is memory-mapped (queries touch few rows)."""
        directory = Path(directory)
        state_path = directory / STATE_FILE
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
            idf = np.load(directory / IDF_FILE, allow_pickle=False)
            projection = np.load(directory / PROJECTION_FILE, mmap_mode="r", allow_pickle=False)
            features: list[str] = state["vocabulary"]
            params: dict[str, Any] = state["params"]
            state_id: str = state["state_id"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise EncoderStateError(f"cannot read the built-in encoder state in {directory}: {exc}") from exc
        if params.get("features_version") != FEATURES_VERSION:
            raise EncoderStateError(
                f"{state_path} was written by another version of the built-in encoder "
                f"(features {params.get('features_version')}, this code {FEATURES_VERSION})"
            )
        if idf.shape != (len(features),) or projection.ndim != 2 or projection.shape[0] != len(features):
            raise EncoderStateError(f"the built-in encoder state in {directory} is inconsistent (truncated?)")
        self.params = params
        vocabulary = {feature: column for column, feature in enumerate(features)}
        self._set_state(
            vocabulary,
            idf.astype(np.float32, copy=False),
            projection,
            list(state.get("singular_values", [])),
            int(state.get("fit_docs", 0)),
            state_id,
        )

    @classmethod
    def from_directory(cls, directory: Path) -> BuiltinLSAEncoder:
        """A fitted encoder read from ``directory``."""
        encoder = cls()
        encoder.load(directory)
        return encoder


def _sample(passages: Sequence[str], limit: int, seed: int) -> Sequence[str]:
    """All passages, or ``limit`` of them chosen at random (seeded) and kept in corpus order."""
    if len(passages) <= limit:
        return passages
    rows = np.sort(np.random.default_rng(seed).choice(len(passages), size=limit, replace=False))
    return [passages[int(row)] for row in rows]


def _state_hash(
    params: dict[str, Any],
    vocabulary: dict[str, int],
    idf: npt.NDArray[np.float32],
    projection: npt.NDArray[np.float32],
) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(params, sort_keys=True).encode())
    for chunk in _vocabulary_chunks(vocabulary):
        digest.update(chunk)
    digest.update(np.ascontiguousarray(idf).tobytes())
    digest.update(np.ascontiguousarray(projection).tobytes())
    return digest.hexdigest()[:16]


def _vocabulary_chunks(vocabulary: dict[str, int]) -> Iterator[bytes]:
    for feature in sorted(vocabulary, key=vocabulary.__getitem__):
        yield feature.encode()
        yield b"\x00"
