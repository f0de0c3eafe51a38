"""Second-stage rescoring of lexical candidates with a small learned linear model.

BM25 adds up query terms one by one. Long questions (statements to judge true or false, questions that
quote a clause) are answered by the passage that holds most of their *phrases*, often in its own heading;
BM25 may rank it below shorter passages that repeat a few rare terms. The rescorer reorders the first
:attr:`RescoreModel.depth` candidates by ``weights · features``, with three features:

* ``log_rank``: log of the first-stage rank (1-based), so the first stage keeps its say;
* ``bigram_coverage``: idf-weighted share of the query's syllable bigrams found in the passage (read
  from the lexical index's postings, so the passage is not analysed again);
* ``heading_bigram_coverage``: the same share found in the passage's own heading.

The weights are data (``index/data/rescore.json``), fitted by ``python -m evaluation.rescore_fit`` on the
dev set and ALQAC train by pairwise logistic regression; that script prints the cross-validated gain.
A proximity feature (query syllables within a window of the passage) measured no better and cost about
2 ms per search, so it is not used. Rescoring changes the order only: the first-stage scores are handed
out again in the new order (:func:`index.rerank.ordering.reorder`), so scores keep their scale for the
boosts applied after.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from index.analysis import Analyzer, default_analyzer
from index.lexical.base import LexicalIndex
from index.rerank.ordering import reorder

__all__ = [
    "FEATURES",
    "RescoreModel",
    "Rescorer",
    "coverage",
    "default_rescorer",
]

FEATURES: tuple[str, ...] = ("log_rank", "bigram_coverage", "heading_bigram_coverage")
MODEL_FORMAT = 1
Features = npt.NDArray[np.float64]
Ids = npt.NDArray[np.int64]
_HEADING_CACHE = 100_000


def coverage(present: npt.NDArray[np.bool_], idf: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """Per row of ``present`` (rows × query terms), the share of the terms' idf mass found (0: no terms)."""
    total = float(idf.sum())
    if present.size == 0 or total <= 0.0:
        return np.zeros(present.shape[0], dtype=np.float64)
    return np.asarray(present @ idf.astype(np.float64) / total, dtype=np.float64)


@dataclass(frozen=True)
class RescoreModel:
    """Weights of the features in :data:`FEATURES` order, and how deep to rescore."""

    weights: tuple[float, ...]
    depth: int = 50

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"{len(self.weights)} weights for {len(FEATURES)} features")
        if self.depth < 2:
            raise ValueError(f"depth must be at least 2, not {self.depth}")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RescoreModel:
        """Read the model file's content.

        Raises:
            ValueError: another format, or features other than :data:`FEATURES`.
        """
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"rescore model format {data.get('format')!r}, expected {MODEL_FORMAT}")
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError(f"rescore model features {data.get('features')}, expected {list(FEATURES)}")
        return cls(tuple(float(w) for w in data["weights"]), int(data["depth"]))

    def to_json(self, **extra: Any) -> dict[str, Any]:
        """The model file's content; ``extra`` (how it was fitted) is kept alongside."""
        return {
            "format": MODEL_FORMAT,
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "depth": self.depth,
            **extra,
        }


class Rescorer:
    """Reorders the best first-stage candidates of a query (see the module docstring)."""

    def __init__(self, model: RescoreModel, analyzer: Analyzer | None = None) -> None:
        self.model = model
        self.analyzer = analyzer or default_analyzer()
        # Bigrams of heading texts: few distinct headings recur across queries. A plain dict, as an
        # unlucky eviction under threads costs a recomputation only.
        self._headings: dict[str, frozenset[str]] = {}

    @property
    def depth(self) -> int:
        """How many of the best first-stage candidates are reordered."""
        return self.model.depth

    def features(self, query: str, headings: Sequence[str], rows: Ids, lexical: LexicalIndex) -> Features:
        """One row of :data:`FEATURES` per candidate, in first-stage order: index ``rows`` and the last
        heading on each one's heading path."""
        analyzed = self.analyzer.analyze_query(query)
        bigrams = list(dict.fromkeys(analyzed.bigrams))
        idf = lexical.idf(bigrams, "bigrams")
        out = np.zeros((len(rows), len(FEATURES)), dtype=np.float64)
        out[:, 0] = np.log(np.arange(1, len(rows) + 1))
        out[:, 1] = coverage(lexical.contains(bigrams, "bigrams", rows), idf)
        sets = [self._bigrams_of(heading) for heading in headings]
        in_heading = [[b in found for b in bigrams] for found in sets]
        out[:, 2] = coverage(np.array(in_heading, dtype=bool).reshape(len(rows), len(bigrams)), idf)
        return out

    def _bigrams_of(self, heading: str) -> frozenset[str]:
        found = self._headings.get(heading)
        if found is None:
            if len(self._headings) >= _HEADING_CACHE:
                self._headings.clear()
            found = self._headings[heading] = frozenset(self.analyzer.analyze(heading).bigrams)
        return found

    def rescore(
        self,
        query: str,
        ranked: Sequence[tuple[int, float]],
        headings: Mapping[int, str],
        lexical: LexicalIndex,
    ) -> list[tuple[int, float]]:
        """``ranked`` (row, score) pairs, best first, with the head in the model's order.

        ``query`` is the analysed query text (:attr:`index.query.QueryInfo.expanded`); ``headings`` maps
        rows to their own heading (:meth:`index.store.Store.own_headings`); rows missing from it keep
        their place after the rescored ones.
        """
        head = [(row, score) for row, score in ranked[: self.depth] if row in headings]
        if len(head) < 2:
            return list(ranked)
        rows = np.fromiter((row for row, _ in head), dtype=np.int64, count=len(head))
        matrix = self.features(query, [headings[row] for row, _ in head], rows, lexical)
        scores = matrix @ np.asarray(self.model.weights, dtype=np.float64)
        kept = {row for row, _ in head}
        return reorder(head, scores.tolist()) + [pair for pair in ranked if pair[0] not in kept]


@lru_cache(maxsize=1)
def default_rescorer() -> Rescorer:
    """The rescorer with the bundled, fitted weights (``index/data/rescore.json``)."""
    text = resources.files("index").joinpath("data/rescore.json").read_text(encoding="utf-8")
    return Rescorer(RescoreModel.from_json(json.loads(text)))
