"""The acceptance questions: Sở Xây dựng for social housing (three plans cited), and a question to refuse."""

from __future__ import annotations

import pytest

from evaluation.matching import contains
from index.engine import SearchEngine
from service.answer.extractive import ExtractiveAnswerer
from tests.service.answer.answer_helpers import HAU_GIANG, LANG_SON, NINH_THUAN, assert_citations_valid


@pytest.mark.parametrize(
    "question",
    [
        "Which department is responsible for social housing?",
        "Sở nào chịu trách nhiệm về nhà ở xã hội?",
        "so nao phu trach nha o xa hoi",
    ],
)
def test_social_housing_is_the_department_of_construction(
    question: str, answerer: ExtractiveAnswerer, engine: SearchEngine
) -> None:
    answer = answerer.answer(question)
    assert not answer.abstained
    assert answer.answer.startswith("Sở Xây dựng")
    assert "Sở Lao động" not in answer.answer.split("\n")[0]  # the headline names one department
    assert_citations_valid(answer, engine)
    cited_docs = {c.doc_id for c in answer.citations}
    assert cited_docs == {HAU_GIANG, NINH_THUAN, LANG_SON}
    for citation in answer.citations:
        assert contains(citation.quote, "nhà ở"), citation.quote
    if question.startswith("Which"):
        assert "Sở Xây dựng (Department of Construction)" in answer.answer
    assert answer.kind == "responsible" and answer.answerer == "extractive"


def test_passport_question_is_refused(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("Sở nào phụ trách cấp hộ chiếu?")
    assert answer.abstained
    assert answer.citations == []
    assert answer.answer.startswith("Không tìm thấy thông tin")
    assert answer.answer.endswith("trong các văn bản hiện có.")
    assert answer.passages, "the closest passages are still offered"
