"""Question understanding: kinds, the agency asked about, places, units, topics; any spelling or language."""

from __future__ import annotations

import pytest

from service.answer.facts import values
from service.answer.question import Kind, analyze_question
from service.answer.units import MONEY


@pytest.mark.parametrize(
    ("question", "kind", "field"),
    [
        ("Sở nào chịu trách nhiệm về nhà ở xã hội?", Kind.RESPONSIBLE, None),
        ("ai phu trach mo cua truong hoc an toan", Kind.RESPONSIBLE, None),
        ("Who leads the tourism recovery plan in Lang Son?", Kind.RESPONSIBLE, None),
        ("Sở LĐTBXH Hậu Giang có nhiệm vụ gì?", Kind.TASKS, None),
        ("Các xã, thị trấn ở Văn Quan phải làm gì?", Kind.TASKS, None),
        ("What must the Department of Health do in Lang Son?", Kind.TASKS, None),
        ("Những cơ quan nào phối hợp với Sở Xây dựng về nhà ở xã hội?", Kind.LIST, None),
        ("Sở Y tế phối hợp với ai?", Kind.LIST, None),
        ("ai phoi hop voi so xay dung ve nha o xa hoi", Kind.LIST, None),
        ("Ninh Thuận đặt mục tiêu xây dựng bao nhiêu căn hộ nhà ở xã hội?", Kind.NUMBER, None),
        ("How many social housing apartments will Ninh Thuan build?", Kind.NUMBER, None),
        ("Các đơn vị báo cáo trước ngày nào?", Kind.DEADLINE, None),
        ("Kế hoạch 1221/KH-UBND ban hành ngày nào?", Kind.METADATA, "date"),
        ("Ai ký Kế hoạch 46/KH-UBND?", Kind.METADATA, "signer"),
        ("Kế hoạch áp dụng cho giai đoạn nào?", Kind.METADATA, "period"),
        ("Cơ quan nào ban hành Kế hoạch 208/KH-UBND?", Kind.METADATA, "issuer"),
        ("Kế hoạch 208/KH-UBND về việc gì?", Kind.METADATA, "subject"),
        ("What is plan 46/KH-UBND about?", Kind.METADATA, "subject"),
        ("Nội dung chính của kế hoạch phục hồi kinh tế", Kind.OTHER, None),
        ("Mục tiêu của kế hoạch phục hồi kinh tế Lạng Sơn là gì?", Kind.SECTION, None),
        ("muc tieu cua ke hoach phuc hoi kinh te lang son", Kind.SECTION, None),
        ("What are the objectives of the Ninh Thuan plan?", Kind.SECTION, None),
        ("Mục tiêu tăng trưởng GRDP của Lạng Sơn là bao nhiêu?", Kind.NUMBER, None),
    ],
)
def test_kinds(question: str, kind: Kind, field: str | None) -> None:
    q = analyze_question(question)
    assert q.kind is kind
    assert q.meta_field == field


def test_agency_places_and_topic() -> None:
    q = analyze_question("UBND cấp huyện ở Hậu Giang phải làm gì về quỹ đất?")
    assert q.kind is Kind.TASKS
    assert q.agency is not None and q.agency.name == "Ủy ban nhân dân cấp huyện"
    assert q.provinces == ["Hậu Giang"]
    assert "quỹ đất" in q.topic and "Hậu Giang" not in q.topic and "làm gì" not in q.topic


@pytest.mark.parametrize(
    ("question", "agency", "topic"),
    [
        ("UBND tỉnh Hậu Giang giao Sở Lao động làm gì về nhà ở?", "Sở Lao động", "nhà ở"),
        ("ubnd tinh yeu cau so xay dung lam gi", "Sở Xây dựng", ""),
        ("Chủ tịch UBND tỉnh chỉ đạo Sở Y tế những việc gì?", "Sở Y tế", ""),
        # Not an assignment: the first agency is the subject and the second one stays in the topic.
        ("Sở Xây dựng phối hợp với Sở Tài chính làm gì?", "Sở Xây dựng", "phối hợp với Sở Tài chính"),
        ("UBND tỉnh yêu cầu các sở làm gì?", "Ủy ban nhân dân tỉnh", "yêu cầu các sở"),
    ],
)
def test_the_agency_given_the_work_is_the_subject(question: str, agency: str, topic: str) -> None:
    q = analyze_question(question)
    assert q.kind is Kind.TASKS and q.agency is not None
    assert q.agency.name == agency
    assert q.topic == topic


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Lạng Sơn có những văn bản nào?", Kind.DOCUMENTS),
        ("co bao nhieu ke hoach trong he thong", Kind.DOCUMENTS),
        ("Danh sách các kế hoạch của Ninh Thuận", Kind.DOCUMENTS),
        ("Which plans are from Tuyen Quang?", Kind.DOCUMENTS),
        ("Những kế hoạch nào nói về nước sạch?", Kind.DOCUMENTS),  # with a topic: answered from content
        ("Kế hoạch nào nói về nước sạch nông thôn?", Kind.OTHER),
        ("Kế hoạch 46 ban hành ngày nào?", Kind.METADATA),
    ],
)
def test_questions_about_the_documents_themselves(question: str, kind: Kind) -> None:
    q = analyze_question(question)
    assert q.kind is kind
    if kind is Kind.DOCUMENTS and "nước sạch" not in question:
        assert q.topic == "", q.topic


def test_asked_agency_type() -> None:
    assert analyze_question("Sở nào phụ trách nước sạch?").asked_type == "so"
    assert analyze_question("Which department is responsible for social housing?").asked_type == "so"
    assert analyze_question("Ai phụ trách nước sạch?").asked_type is None


def test_units_of_number_questions() -> None:
    assert analyze_question("Ngân sách là bao nhiêu tỷ đồng?").unit == "ty dong"
    assert analyze_question("Ngân sách là bao nhiêu tỉ đồng?").unit == "ty dong"
    assert analyze_question("Tỉ lệ thất nghiệp phải dưới bao nhiêu?").unit == "%"
    assert analyze_question("Xây dựng bao nhiêu căn hộ?").unit == "can ho"
    assert analyze_question("Tuổi thọ trung bình là bao nhiêu?").unit is None
    for money in (
        "Tỉnh đầu tư bao nhiêu tiền?",
        "kinh phi thuc hien ke hoach la bao nhieu",
        "How much money is spent?",
        "Giá nhà ở xã hội ở Ninh Thuận là bao nhiêu?",
        "gia nha o xa hoi o ninh thuan la bao nhieu",
        "Chi phí xây dựng trường học là bao nhiêu?",
        "What is the price of social housing, how much?",
    ):
        assert analyze_question(money).unit == MONEY, money


def test_a_folded_gia_is_a_price_only_where_it_cannot_be_another_word() -> None:
    # "tham gia" (take part), "gia đình" (family): counting questions, not prices.
    assert analyze_question("so nguoi tham gia bao hiem la bao nhieu").unit == "nguoi"
    assert analyze_question("Ninh Thuận có bao nhiêu gia đình văn hóa?").unit != MONEY


def test_the_noun_counted_first_is_the_unit() -> None:
    assert analyze_question("Số giường bệnh trên vạn dân là bao nhiêu?").unit == "giuong"
    assert analyze_question("so bac si tren van dan la bao nhieu").unit == "bac si"
    assert analyze_question("Tổng số căn hộ được xây là bao nhiêu?").unit == "can ho"
    # A question opening with a department: "so lao dong" is "Sở Lao động", not a head count.
    assert analyze_question("so lao dong ninh thuan dao tao bao nhieu").unit is None


def test_a_counted_noun_that_is_no_known_unit_is_the_unit() -> None:
    assert analyze_question("Tuyên Quang xây dựng bao nhiêu khu công nghiệp?").unit == "khu cong"
    assert analyze_question("co bao nhieu duoc si tren van dan").unit == "duoc si"
    assert analyze_question("Lạng Sơn phấn đấu giảm lãi suất bao nhiêu?").unit is None
    assert analyze_question("Tăng trưởng bao nhiêu trong năm 2025?").unit is None


def test_amounts_of_money_in_any_currency() -> None:
    text = "Tổng kinh phí 1.250 tỷ đồng, vay 2 triệu USD, làm 30 km đường và 12 căn hộ trong 5 năm."
    assert [v.text for v in values(text, unit=MONEY)] == ["1.250 tỷ đồng", "2 triệu USD"]
    assert [v.text for v in values(text, unit="km")] == ["30 km"]


def test_english_and_unaccented() -> None:
    english = analyze_question("Which department is responsible for social housing?")
    assert english.english and "nhà ở xã hội" in english.topic
    bare = analyze_question("so nao phu trach nha o xa hoi")
    assert not bare.accented and bare.kind is Kind.RESPONSIBLE and "nha o xa hoi" in bare.topic


def test_district_names_its_province() -> None:
    q = analyze_question("Huyện Văn Quan giao cơ quan nào làm đầu mối theo dõi kế hoạch xã hội hóa?")
    assert q.districts == ["Văn Quan"] and "Lạng Sơn" in q.provinces


@pytest.mark.parametrize(
    ("question", "section", "topic"),
    [
        ("Mục tiêu của kế hoạch phục hồi kinh tế Lạng Sơn là gì?", "muc tieu", "kế hoạch phục hồi kinh tế"),
        ("kế hoạch của Ninh Thuận nhằm mục đích gì", "muc dich", "kế hoạch"),
        ("Yêu cầu của kế hoạch xã hội hóa Văn Quan là gì?", "yeu cau", "kế hoạch xã hội hóa"),
        ("Mục đích của Kế hoạch 1221/KH-UBND là gì?", "muc dich", ""),
    ],
)
def test_asked_section_and_what_remains_of_the_topic(question: str, section: str, topic: str) -> None:
    q = analyze_question(question)
    assert q.kind is Kind.SECTION and q.section == section
    remaining = " ".join(w for w in q.topic.replace("|", " ").split() if w != "của")
    assert remaining == topic


def test_may_asks_how_many_only_where_it_cannot_be_may_machine() -> None:
    assert "mấy" not in analyze_question("Thành phố Vị Thanh đạt đô thị loại mấy?").topic
    assert "may" not in analyze_question("tp tuyen quang hoan thanh tieu chi do thi loai may").topic.split()
    assert "may" in analyze_question("nha may xu ly rac o dau").topic.split()


def test_the_number_of_a_list_item_is_no_value() -> None:
    text = "Nhóm chương trình: (1) Lập quy hoạch; (2) Các chương trình nâng loại 3 đô thị; 4) xây 12 căn hộ (tăng 2)."
    assert [v.text for v in values(text)] == ["3", "12 căn hộ", "tăng 2"]


def test_yeu_cau_as_a_verb_asks_for_no_section() -> None:
    assert analyze_question("Lạng Sơn yêu cầu xử lý thế nào với nhà thầu vi phạm tiến độ?").section is None
    assert analyze_question("UBND tỉnh yêu cầu các sở làm gì?").section is None
    assert analyze_question("Yêu cầu của kế hoạch xã hội hóa ở Văn Quan là gì?").section == "yeu cau"
    assert analyze_question("Yêu cầu đối với các sở là gì?").section == "yeu cau"


def test_a_range_is_one_value() -> None:
    text = "Thanh niên từ đủ 16 tuổi đến 30 tuổi; trẻ em từ 3 đến 5 tuổi; nam từ đủ 20 tuổi trở lên; đạt 95% đến năm 2030."
    assert [v.text for v in values(text)] == [
        "từ đủ 16 tuổi đến 30 tuổi",
        "từ 3 đến 5 tuổi",
        "từ đủ 20 tuổi trở lên",
        "đạt 95%",  # "đến năm 2030" is a horizon, not the end of a range
    ]
