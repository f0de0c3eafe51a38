"""Ranking maths of the reranking stage, as small pure functions."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["reorder"]


def reorder(ranked: Sequence[tuple[int, float]], scores: Sequence[float]) -> list[tuple[int, float]]:
    """Order ``ranked`` (row, first-stage score) pairs by ``scores``, keeping the first-stage score values.

    The rows take the reranker's order (ties keep their first-stage order) and the first-stage scores,
    sorted best first, are handed out again in that order. Scores thus keep their scale and sign (the
    answerer merges passages of several searches by score) and stay above every row that was not reranked.

    Raises:
        ValueError: ``scores`` and ``ranked`` differ in length.
    """
    if len(scores) != len(ranked):
        raise ValueError(f"{len(scores)} reranker scores for {len(ranked)} passages")
    order = sorted(range(len(ranked)), key=lambda i: (-scores[i], i))
    values = sorted((score for _, score in ranked), reverse=True)
    return [(ranked[i][0], value) for i, value in zip(order, values, strict=True)]
