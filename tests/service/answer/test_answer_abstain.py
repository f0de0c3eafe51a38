"""Abstention: unanswerable questions get a plain "not found", no citations, the closest passages."""

from __future__ import annotations

import pytest

from service.answer.abstain import calibrate, not_found_text
from service.answer.extractive import ExtractiveAnswerer


@pytest.mark.parametrize(
    "question",
    [
        "Sở nào phụ trách cấp hộ chiếu?",
        "Ngân sách dành cho nhà ở xã hội của Hậu Giang là bao nhiêu tỷ đồng?",  # no amount in tỷ đồng anywhere
        "Sở nào chịu trách nhiệm về nhà ở xã hội ở Tuyên Quang?",  # the Tuyên Quang plan does not say
        "Ai chịu trách nhiệm xây dựng sân bay ở Hà Nội?",  # no document of that province
        "Ai chịu trách nhiệm quản lý thị trường vàng?",  # "vàng" only inside "vững vàng"
        "Kế hoạch của Hậu Giang ban hành ngày nào?",  # the plan states no date
    ],
)
def test_unanswerable(question: str, answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer(question)
    assert answer.abstained, answer.answer
    assert answer.citations == []
    assert (
        answer.answer.startswith("Không tìm thấy thông tin") and "trong các văn bản hiện có" in answer.answer
    )


def test_not_found_text_names_the_topic() -> None:
    assert (
        not_found_text("cấp hộ chiếu")
        == "Không tìm thấy thông tin về “cấp hộ chiếu” trong các văn bản hiện có."
    )
    assert not_found_text("") == "Không tìm thấy thông tin trong các văn bản hiện có."


def test_calibrate_picks_the_middle_of_the_gap() -> None:
    points = [(0.1, False), (0.2, False), (0.6, True), (0.8, True), (1.0, True)]
    result = calibrate(points)
    assert result.threshold == pytest.approx(0.4)
    assert result.precision == result.recall == 1.0
    assert result.abstain_precision == result.abstain_recall == 1.0
    overlapping = calibrate([(0.1, False), (0.5, True), (0.55, False), (0.9, True)])
    assert overlapping.recall < 1.0 or overlapping.abstain_recall < 1.0
