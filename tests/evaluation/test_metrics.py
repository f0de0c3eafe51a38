from __future__ import annotations

import math

import pytest

from evaluation.metrics import (
    abstention_scores,
    answer_correct,
    citation_valid,
    first_relevant_rank,
    hit_at_k,
    mean,
    median,
    ndcg_at_k,
    percentile,
    reciprocal_rank,
)

E = frozenset({"evidence"})
NO: frozenset[str] = frozenset()


def test_ranks_hits_and_reciprocal_rank() -> None:
    ranking = [NO, E, NO, E]
    assert first_relevant_rank(ranking) == 2
    assert first_relevant_rank(ranking, 1) is None
    assert hit_at_k(ranking, 1) == 0.0
    assert hit_at_k(ranking, 5) == 1.0
    assert reciprocal_rank(ranking) == 0.5
    assert reciprocal_rank([NO] * 10 + [E], 10) == 0.0
    assert reciprocal_rank([], 10) == 0.0


def test_ndcg_single_target_is_credited_once() -> None:
    # Relevant at ranks 2 and 4, one target: DCG = 1/log2(3); IDCG = 1.
    assert ndcg_at_k([NO, E, NO, E], 1) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k([E, E, E], 1) == pytest.approx(1.0)
    assert ndcg_at_k([NO, NO], 1) == 0.0
    assert ndcg_at_k([E], 0) == 0.0


def test_ndcg_two_targets_by_hand() -> None:
    a, b = frozenset({"a"}), frozenset({"b"})
    # Gains at ranks 1 (a) and 4 (b); the second chunk of a (rank 3) adds nothing.
    dcg = 1 / math.log2(2) + 1 / math.log2(5)
    idcg = 1 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k([a, NO, a, b], 2) == pytest.approx(dcg / idcg)
    assert ndcg_at_k([a, NO, a, b], 2) == pytest.approx(0.87722, abs=1e-5)
    # Outside the cut-off nothing counts.
    assert ndcg_at_k([NO, NO, a], 2, k=2) == 0.0


def test_answer_accuracy_needs_an_alias_and_all_required_parts() -> None:
    assert answer_correct("Sở Xây dựng chủ trì [1].", ["Sở Xây dựng", "Department of Construction"])
    assert answer_correct("department of construction", ["Sở Xây dựng", "Department of Construction"])
    assert not answer_correct("Sở Y tế chủ trì", ["Sở Xây dựng"])
    assert answer_correct("Báo cáo về Sở Xây dựng trước 01/12", ["01/12"], ["Sở Xây dựng", "01/12"])
    assert not answer_correct("Báo cáo trước 01/12", ["01/12"], ["Sở Xây dựng", "01/12"])
    assert not answer_correct("anything", [], [])


def test_abstention_precision_and_recall_by_hand() -> None:
    scores = abstention_scores([True, True, False, False], [True, False, True, False])
    assert (scores.precision, scores.recall) == (0.5, 0.5)
    assert (scores.correct_abstentions, scores.false_abstentions, scores.missed_abstentions) == (1, 1, 1)
    none = abstention_scores([False, False], [False, False])
    assert none.precision is None and none.recall is None
    with pytest.raises(ValueError):
        abstention_scores([True], [])


def test_citation_validity() -> None:
    text = "Giao Sở Xây dựng chủ trì. Sở Tài chính phối hợp."
    start = text.index("Sở Xây dựng")
    end = start + len("Sở Xây dựng chủ trì.")
    assert citation_valid("Sở Xây dựng chủ trì.", start, end, text)
    assert citation_valid("Sở Xây dựng chủ trì.", start, end, text, (0, 25))
    assert not citation_valid("Sở Xây dựng chủ trì.", start, end, text, (start + 1, 40))  # outside the chunk
    assert not citation_valid("Sở Xây dựng chủ trì.", start + 1, end + 1, text)  # shifted span
    assert not citation_valid("Sở Xây Dựng chủ trì.", start, end, text)  # not verbatim
    assert not citation_valid("", 0, 0, text)
    assert not citation_valid("Giao", 0, 4, None)
    assert not citation_valid("x", -1, 0, text)


def test_mean_median_percentile() -> None:
    assert mean([]) is None
    assert mean([1.0, 2.0]) == 1.5
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 95) == pytest.approx(3.85)
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1.0], 101)
