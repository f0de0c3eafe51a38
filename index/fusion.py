"""Ranking maths for hybrid retrieval, as small pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Ids = npt.NDArray[np.int64]
Candidates = tuple[npt.NDArray[np.float32], Ids]


@dataclass(frozen=True)
class FusionConfig:
    """How lexical and dense candidate lists are combined."""

    method: Literal["rrf", "score"] = "rrf"
    lexical_weight: float = 1.0
    dense_weight: float = 1.0
    rrf_k: float = 60.0


def rrf_scores(rankings: Sequence[Ids], weights: Sequence[float], k: float = 60.0) -> dict[int, float]:
    """Weighted reciprocal-rank fusion: ``sum_i w_i / (k + rank_i)`` with 1-based ranks; -1 ids ignored."""
    fused: dict[int, float] = {}
    for ids, weight in zip(rankings, weights, strict=True):
        rank = 0
        for raw in ids:
            row = int(raw)
            if row < 0:
                continue
            rank += 1
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return fused


def minmax(scores: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Scale scores to [0, 1] (all-equal scores become 1)."""
    if scores.size == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    if high - low < 1e-12:
        return np.ones_like(scores)
    return ((scores - low) / (high - low)).astype(np.float32)


def score_fusion(
    results: Sequence[tuple[npt.NDArray[np.float32], Ids]], weights: Sequence[float]
) -> dict[int, float]:
    """Weighted sum of min-max normalized scores; a row missing from a list contributes 0 there."""
    fused: dict[int, float] = {}
    for (scores, ids), weight in zip(results, weights, strict=True):
        keep = ids >= 0
        for row, value in zip(ids[keep].tolist(), minmax(scores[keep]).tolist(), strict=True):
            fused[row] = fused.get(row, 0.0) + weight * value
    return fused


def add_bonus(candidates: Candidates, bonus: npt.NDArray[np.float32], weight: float) -> Candidates:
    """``candidates`` with ``weight × bonus`` added to their scores, re-sorted best first (ties: lower id)."""
    scores, ids = candidates
    if ids.size == 0 or not bool(np.any(bonus)):
        return candidates
    boosted = (scores + np.float32(weight) * bonus).astype(np.float32)
    order = np.lexsort((ids, -boosted))
    return boosted[order], ids[order]


def apply_boost(scores: Mapping[int, float], boosted: set[int], factor: float) -> dict[int, float]:
    """Multiply the scores of ``boosted`` rows by ``factor`` (a soft filter)."""
    return {row: value * factor if row in boosted else value for row, value in scores.items()}


def top_rows(scores: Mapping[int, float], k: int) -> list[tuple[int, float]]:
    """The ``k`` best (row, score) pairs, ties broken by row for determinism."""
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]


def fuse(lexical: Candidates | None, dense: Candidates | None, config: FusionConfig) -> dict[int, float]:
    """Combine the candidate lists of the retrievers that ran (either may be None)."""
    lists = [
        (c, w) for c, w in ((lexical, config.lexical_weight), (dense, config.dense_weight)) if c is not None
    ]
    if config.method == "rrf":
        return rrf_scores([ids for (_, ids), _ in lists], [w for _, w in lists], k=config.rrf_k)
    return score_fusion([c for c, _ in lists], [w for _, w in lists])
