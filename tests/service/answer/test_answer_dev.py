"""The dev set end to end through the extractive answerer: accuracy, abstention, citation validity/support."""

from __future__ import annotations

from typing import Any

import pytest

from evaluation.matching import contains, contains_all, contains_any
from index.engine import SearchEngine
from service.answer.extractive import ExtractiveAnswerer
from tests.service.answer.answer_helpers import assert_citations_valid

pytestmark = pytest.mark.slow


def test_dev_set_quality(
    dev_items: list[dict[str, Any]], answerer: ExtractiveAnswerer, engine: SearchEngine
) -> None:
    correct = supported = answered = 0
    wrong: list[str] = []
    answerable = [d for d in dev_items if not d["abstain"]]
    for item in dev_items:
        answer = answerer.answer(item["question"])
        assert_citations_valid(answer, engine)
        if item["abstain"]:
            if not answer.abstained:
                wrong.append(f"{item['id']} answered: {answer.answer[:80]}")
            continue
        if answer.abstained:
            wrong.append(f"{item['id']} abstained")
            continue
        ok = contains_any(answer.answer, item["answers"]) and contains_all(
            answer.answer, item.get("answers_all", [])
        )
        correct += ok
        if not ok:
            wrong.append(f"{item['id']} wrong: {answer.answer[:80]}")
        answered += 1
        cited = {c.chunk_id for c in answer.citations}
        passages = [p for p in answer.passages if p.chunk_id in cited]
        supported += any(contains(p.text, e) for p in passages for e in item["evidence"])
    abstention_errors = [w for w in wrong if "abstained" in w or "answered" in w]
    assert not abstention_errors, abstention_errors
    assert correct / len(answerable) >= 0.9, wrong
    assert supported / answered >= 0.95
