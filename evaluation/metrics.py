"""Quality metrics as small pure functions.

A *ranking* is the list, best first, of the gold targets each retrieved passage satisfies (an empty set
for an irrelevant passage; see :mod:`evaluation.relevance`). Binary gains; each target is credited once,
at the first passage that satisfies it, so several chunks of one gold article never count twice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evaluation.matching import contains_all, contains_any

__all__ = [
    "AbstentionScores",
    "Ranking",
    "abstention_scores",
    "answer_correct",
    "citation_valid",
    "first_relevant_rank",
    "hit_at_k",
    "mean",
    "median",
    "ndcg_at_k",
    "percentile",
    "reciprocal_rank",
]

Ranking = Sequence[frozenset[str]]


def first_relevant_rank(ranking: Ranking, k: int | None = None) -> int | None:
    """1-based rank of the first relevant passage within the top ``k`` (all when None), else None."""
    limit = len(ranking) if k is None else min(k, len(ranking))
    for rank in range(limit):
        if ranking[rank]:
            return rank + 1
    return None


def hit_at_k(ranking: Ranking, k: int) -> float:
    """1.0 when a relevant passage is in the top ``k``, else 0.0."""
    return 0.0 if first_relevant_rank(ranking, k) is None else 1.0


def reciprocal_rank(ranking: Ranking, k: int = 10) -> float:
    """1/rank of the first relevant passage in the top ``k`` (0.0 when none): averaged, MRR@k."""
    rank = first_relevant_rank(ranking, k)
    return 0.0 if rank is None else 1.0 / rank


def ndcg_at_k(ranking: Ranking, n_targets: int, k: int = 10) -> float:
    """Normalized DCG@k with binary gains, each gold target credited once.

    The ideal ranking puts one passage per target first: IDCG = sum_{i=1..min(n_targets, k)} 1/log2(i+1).
    """
    if n_targets <= 0:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for rank, targets in enumerate(ranking[:k], start=1):
        new = targets - seen
        if new:
            seen |= new
            dcg += len(new) / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(n_targets, k) + 1))
    return min(1.0, dcg / ideal)


def answer_correct(answer: str, answers: Sequence[str], answers_all: Sequence[str] = ()) -> bool:
    """True when ``answer`` contains an accepted alias (if any are given) and every ``answers_all`` item."""
    if not answers and not answers_all:
        return False
    if answers and not contains_any(answer, answers):
        return False
    return contains_all(answer, answers_all)


@dataclass(frozen=True)
class AbstentionScores:
    """How well abstention separates unanswerable from answerable questions."""

    precision: float | None  # of the abstentions, share on unanswerable questions (None: no abstention)
    recall: float | None  # of the unanswerable questions, share abstained on (None: none in the set)
    correct_abstentions: int
    false_abstentions: int  # abstained on an answerable question
    missed_abstentions: int  # answered an unanswerable question


def abstention_scores(abstained: Sequence[bool], should_abstain: Sequence[bool]) -> AbstentionScores:
    """Precision and recall of abstention over paired predictions and expectations."""
    if len(abstained) != len(should_abstain):
        raise ValueError("abstained and should_abstain must have the same length")
    tp = sum(1 for a, s in zip(abstained, should_abstain, strict=True) if a and s)
    fp = sum(1 for a, s in zip(abstained, should_abstain, strict=True) if a and not s)
    fn = sum(1 for a, s in zip(abstained, should_abstain, strict=True) if not a and s)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return AbstentionScores(precision, recall, tp, fp, fn)


def citation_valid(
    quote: str, start: int, end: int, document_text: str | None, chunk_span: tuple[int, int] | None = None
) -> bool:
    """True when ``document_text[start:end] == quote`` (non-empty) and, if given, the span lies in the chunk."""
    if document_text is None or not quote or not 0 <= start < end <= len(document_text):
        return False
    if document_text[start:end] != quote:
        return False
    return chunk_span is None or (chunk_span[0] <= start and end <= chunk_span[1])


def mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean, None for no values."""
    items = list(values)
    return sum(items) / len(items) if items else None


def percentile(values: Iterable[float], q: float) -> float | None:
    """The ``q``-th percentile (0..100) with linear interpolation between closest ranks; None when empty."""
    items = sorted(values)
    if not items:
        return None
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0..100")
    position = (len(items) - 1) * q / 100
    low = math.floor(position)
    high = math.ceil(position)
    return items[low] + (items[high] - items[low]) * (position - low)


def median(values: Iterable[float]) -> float | None:
    """The 50th percentile."""
    return percentile(values, 50)
