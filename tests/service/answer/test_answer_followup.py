"""Follow-up questions reuse the previous question with what changed."""

from __future__ import annotations

import pytest

from index.engine import SearchEngine
from service.answer.extractive import ExtractiveAnswerer
from service.answer.followup import is_followup, resolve_followup
from service.answer.models import Turn
from tests.service.answer.answer_helpers import LANG_SON, assert_citations_valid

HISTORY = [
    Turn(role="user", content="Sở nào chịu trách nhiệm về nhà ở xã hội ở Ninh Thuận?"),
    Turn(role="assistant", content="Sở Xây dựng [1]."),
]


@pytest.mark.parametrize(
    ("question", "resolved"),
    [
        ("còn ở Lạng Sơn thì sao?", "Sở nào chịu trách nhiệm về nhà ở xã hội ở Lạng Sơn?"),
        ("thế còn Hậu Giang?", "Sở nào chịu trách nhiệm về nhà ở xã hội ở Hậu Giang?"),
        ("con o lang son thi sao", "Sở nào chịu trách nhiệm về nhà ở xã hội ở lang son?"),
        ("Sở nào phụ trách y tế?", "Sở nào phụ trách y tế?"),  # a full question stands alone
    ],
)
def test_resolution(question: str, resolved: str) -> None:
    assert resolve_followup(question, HISTORY) == resolved


def test_english_follow_up() -> None:
    history = [Turn(role="user", content="Which department is responsible for social housing in Ninh Thuan?")]
    assert resolve_followup("What about Lang Son?", history) == (
        "Which department is responsible for social housing in Lang Son?"
    )


def test_without_history_nothing_changes() -> None:
    assert resolve_followup("còn ở Lạng Sơn thì sao?", []) == "còn ở Lạng Sơn thì sao?"
    assert is_followup("còn ở Lạng Sơn thì sao?") and not is_followup("Ai ký Kế hoạch 46/KH-UBND?")


def test_follow_up_answer(answerer: ExtractiveAnswerer, engine: SearchEngine) -> None:
    answer = answerer.answer("còn ở Lạng Sơn thì sao?", history=HISTORY)
    assert not answer.abstained
    assert answer.answer.startswith("Sở Xây dựng")
    assert {c.doc_id for c in answer.citations} == {LANG_SON}
    assert_citations_valid(answer, engine)
