"""Query understanding: places named in the question, abbreviations, English, document numbers."""

from __future__ import annotations

import pytest

from index.query import analyze_query


@pytest.mark.parametrize(
    ("question", "province"),
    [
        ("Sở nào phụ trách nước sạch nông thôn ở Ninh Thuận?", "Ninh Thuận"),
        ("tinh Ninh Thuan muc tieu giam ngheo", "Ninh Thuận"),
        ("so nao tham muu chuong trinh phong chong dich covid o lang son", "Lạng Sơn"),
        ("LẠNG SƠN giao ai triển khai dự án?", "Lạng Sơn"),
        ("Who leads the tourism recovery plan in Lang Son?", "Lạng Sơn"),
        ("UBND cấp huyện ở Hậu Giang phải làm gì?", "Hậu Giang"),
        ("Kế hoạch ở TP. Hồ Chí Minh", "Hồ Chí Minh"),
    ],
)
def test_province_named_with_or_without_diacritics(question: str, province: str) -> None:
    assert analyze_query(question).provinces == [province]


@pytest.mark.parametrize(
    "question", ["Huyện Văn Quan giao cơ quan nào làm đầu mối?", "huyen van quan lam gi"]
)
def test_district_names_its_province(question: str) -> None:
    info = analyze_query(question)
    assert info.districts == ["Văn Quan"]
    assert info.provinces == ["Lạng Sơn"]


@pytest.mark.parametrize(
    "question", ["Sở nào chịu trách nhiệm về nhà ở xã hội?", "vì hòa bình và phát triển", ""]
)
def test_no_place_named(question: str) -> None:
    info = analyze_query(question)
    assert info.provinces == [] and info.districts == []


def test_province_that_is_also_a_word_needs_a_capital_or_a_level() -> None:
    assert analyze_query("tỉnh Hòa Bình").provinces == ["Hòa Bình"]
    assert analyze_query("Kế hoạch của Hòa Bình").provinces == ["Hòa Bình"]


def test_abbreviations_are_spelled_out_inline() -> None:
    expanded = analyze_query("Sở LĐTBXH Hậu Giang có nhiệm vụ gì?").expanded
    assert expanded.startswith("Sở LĐTBXH (Lao động - Thương binh và Xã hội) Hậu Giang")
    assert "Ủy ban nhân dân" in analyze_query("ubnd cap huyen").expanded


def test_document_numbers_in_codes_are_not_expanded() -> None:
    info = analyze_query("Ai ký Kế hoạch 46/KH-UBND của tỉnh Lạng Sơn?")
    assert info.expanded == "Ai ký Kế hoạch 46/KH-UBND của tỉnh Lạng Sơn?"
    assert info.document_numbers == ["46/KH-UBND"]
    assert analyze_query("Chỉ thị 24/CT-TTg và Kế hoạch 274-KH/TU").document_numbers == [
        "24/CT-TTg",
        "274-KH/TU",
    ]


def test_english_question_is_translated() -> None:
    info = analyze_query("Which department is responsible for social housing?")
    assert info.english
    assert "nhà ở xã hội" in info.expanded
    assert info.original == "Which department is responsible for social housing?"


def test_vietnamese_question_is_not_translated() -> None:
    info = analyze_query("so nao phu trach nha o xa hoi")
    assert not info.english
    assert info.expanded == "so nao phu trach nha o xa hoi"
    assert not info.accented
    assert analyze_query("Sở nào phụ trách nhà ở xã hội?").accented


def test_very_long_query_is_bounded() -> None:
    info = analyze_query("nhà " * 10_000)
    assert len(info.expanded) <= 4_000


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Sở nào chịu trách nhiệm về nhà ở xã hội?", True),
        ("so nao phu trach nha o xa hoi", True),
        ("Cơ quan nào theo dõi, đôn đốc việc triển khai?", True),
        ("Ai chủ trì xây dựng kế hoạch di dời?", True),
        ("Which department is responsible for social housing?", True),
        ("Ủy ban nào tổng hợp báo cáo?", True),  # every kind index.leads knows makes a who-question
        ("Who leads the tourism recovery plan in Lang Son?", True),
        ("Ai ký Kế hoạch 46/KH-UBND?", False),
        ("Who signed the plan?", False),
        ("Tỷ lệ thất nghiệp khu vực thành thị là bao nhiêu?", False),
        ("Người lao động được hỗ trợ gì?", False),
    ],
)
def test_who_questions_are_recognised(question: str, expected: bool) -> None:
    assert analyze_query(question).asks_who is expected
