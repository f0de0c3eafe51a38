"""Questions beyond the dev set, written against the seed plans: right agency / number / deadline, or a
refusal. They guard the general behaviour (paraphrases, English, no diacritics, absent topics)."""

from __future__ import annotations

import pytest

from evaluation.matching import contains
from index.engine import SearchEngine
from service.answer.extractive import ExtractiveAnswerer
from tests.service.answer.answer_helpers import assert_citations_valid

ANSWERED = [
    ("Ai chủ trì công tác cải cách hành chính ở Lạng Sơn?", "Sở Nội vụ"),
    ("Ai phụ trách tiêm vắc-xin COVID-19 ở Lạng Sơn?", "Sở Y tế"),
    ("Sở nào hỗ trợ giá điện cho doanh nghiệp ở Lạng Sơn?", "Sở Công Thương"),
    ("ai phu trach ho so dia chinh o tuyen quang", "Sở Tài nguyên và Môi trường"),
    ("Who is in charge of rural clean water in Ninh Thuan?", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("which agency handles tax collection in Tuyen Quang", "Cục Thuế tỉnh"),
    ("Which department builds the provincial general hospital in Tuyen Quang?", "Department of Construction"),
    ("Cơ quan nào xây dựng Khu liên hợp thể thao ở Tuyên Quang?", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở nào phụ trách du lịch ở Tuyên Quang?", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Ai chịu trách nhiệm về an toàn thực phẩm ở Ninh Thuận?", "Sở Y tế"),
    ("Sở Y tế Lạng Sơn có nhiệm vụ gì?", "Chương trình phòng, chống dịch COVID-19"),
    ("Nhiệm vụ của Ban Dân tộc tỉnh Lạng Sơn là gì?", "cho vay chương trình mục tiêu quốc gia"),
    ("Những cơ quan nào phối hợp với Sở Xây dựng về nhà ở xã hội ở Lạng Sơn?", "Ủy ban nhân dân cấp huyện"),
    ("so y te lang son phoi hop voi nhung co quan nao", "Sở Kế hoạch và Đầu tư"),
    ("Tỷ lệ lao động qua đào tạo có bằng cấp của Ninh Thuận đến 2030 là bao nhiêu?", "trên 40%"),
    ("Mục tiêu tăng trưởng GRDP của Lạng Sơn giai đoạn 2021-2025 là bao nhiêu?", "từ 7% trở lên"),
    ("Tỷ lệ hộ gia đình nông thôn dùng nước sạch ở Ninh Thuận đạt bao nhiêu?", "95%"),
    ("Khi nào phải hoàn thành phê duyệt báo cáo nghiên cứu khả thi dự án Quốc lộ 4B?", "quý II/2022"),
    ("Kế hoạch 208/KH-UBND ban hành ngày nào?", "20/11/2024"),
    ("Ai ký kế hoạch xã hội hóa của Văn Quan?", "Hứa Phong Lan"),
    ("Who signed plan 46/KH-UBND?", "Hồ Tiến Thiệu"),
    ("ke hoach 1221 noi ve gi", "NGHỊ QUYẾT SỐ 42-NQ/TW"),
    ("How many social housing units will Ninh Thuan build by 2030?", "6.084"),
    # Names typed without marks, and short names of departments ("Sở Nông nghiệp" for "... và PTNT").
    ("ngan hang chinh sach xa hoi lam gi", "cho vay"),
    ("so nong nghiep ninh thuan lam gi", "nước sạch"),
    ("Phòng Tài chính Văn Quan có nhiệm vụ gì?", "đầu mối"),
    ("cac xa thi tran o van quan phai lam gi", "xây dựng triển khai kế hoạch cụ thể"),
    # A plan's goals, purpose or requirements: what its section of that name says.
    ("muc tieu cua ke hoach phuc hoi kinh te lang son", "Phục hồi, phát triển nhanh hoạt động sản xuất"),
    ("Kế hoạch của Ninh Thuận nhằm mục đích gì?", "Quán triệt"),
    ("What is the goal of the Lang Son economic recovery plan?", "7% trở lên"),
    ("Yêu cầu của kế hoạch xã hội hóa ở Văn Quan là gì?", "bám sát các mục tiêu"),
    # "A giao B làm gì": the question is about B.
    ("UBND tỉnh Hậu Giang giao Sở Lao động làm gì?", "chính sách hỗ trợ cho các đối tượng chính sách xã hội"),
    ("ubnd tinh giao cho so xay dung nhiem vu gi o hau giang", "chương trình phát triển đô thị"),
    ("Chủ tịch UBND tỉnh chỉ đạo Sở Y tế Lạng Sơn những việc gì?", "vắc-xin"),
    ("What are the tasks of the Department of Health in Lang Son?", "COVID-19"),
    ("Chi nhánh Ngân hàng Chính sách xã hội Lạng Sơn được giao gì?", "vay vốn tín dụng chính sách"),
    ("Trung tâm Văn hóa Thể thao và Truyền thông Văn Quan làm gì?", "tuyên truyền"),
    ("Số giường bệnh trên vạn dân của Ninh Thuận đến 2030 là bao nhiêu?", "35 giường"),
    ("Kế hoạch 1221 được ban hành để thực hiện văn bản nào?", "274-KH/TU"),
    ("What is the target for trained workers in Ninh Thuan by 2030?", "trên 40%"),
    ("NHCSXH Lạng Sơn cho vay những chương trình nào?", "vay vốn tín dụng chính sách"),
    ("Sở LĐTBXH Ninh Thuận phụ trách gì về người có công?", "người có công"),
    ("Mục tiêu đến năm 2030 về nhà ở xã hội của Ninh Thuận là gì?", "6.084 căn hộ"),
    ("Mặt trận Tổ quốc tỉnh Ninh Thuận làm gì?", "phản biện xã hội"),
    ("Hạn chót báo cáo kết quả thực hiện kế hoạch xã hội hóa ở Văn Quan là khi nào?", "20/12"),
    # A heading names the field ("8. Đẩy mạnh hợp tác và tranh thủ nguồn lực quốc tế …"), its sub-sections
    # the lead agencies ("8.1. Sở Kế hoạch và Đầu tư chủ trì …").
    ("Ai chủ trì hợp tác quốc tế về chính sách xã hội ở Ninh Thuận?", "Sở Kế hoạch và Đầu tư"),
    (
        "Who is in charge of international cooperation on social policy in Ninh Thuan?",
        "Department of Planning",
    ),
    # A weak first draft (cooperating agencies of unrelated work) gives the next strategy its turn.
    ("Who coordinates international cooperation on social policy in Ninh Thuan?", "Department of Planning"),
    # "mấy" (how many) asks; it is no topic word. Bare, "may" goes only at the end or after "loại".
    ("tinh hau giang phan dau thanh pho vi thanh dat do thi loai may", "đô thị loại II"),
    (
        "Who is responsible for commendation and rewards in Ninh Thuan plan 1221?",
        "Department of Home Affairs",
    ),
    # "yêu cầu" as a verb is no question about the plan's "Yêu cầu" section.
    ("Lạng Sơn yêu cầu xử lý thế nào với nhà thầu vi phạm tiến độ?", "nhà thầu vi phạm tiến độ"),
    (
        "Which agency in Lang Son is responsible for supporting enterprises to access credit?",
        "Social Policy Bank",
    ),
    ("Who is in charge of the airport in Tuyen Quang?", "Department of Transport"),
    # Which documents there are, each cited by its title.
    ("Lạng Sơn có những văn bản nào?", "Có 2 văn bản của Lạng Sơn"),
    ("Which documents are from Lang Son?", "46/KH-UBND"),
    ("huyen van quan co nhung van ban nao", "Chỉ thị số 27-CT/TU"),
    ("Có bao nhiêu văn bản trong hệ thống?", "Có 5 văn bản"),
]
REFUSED = [
    "Sở nào phụ trách phòng cháy chữa cháy?",
    "so nao phu trach cap ho chieu",
    "Ai cấp giấy phép lái xe?",
    "Sở nào quản lý đăng ký kết hôn?",
    "Cơ quan nào chịu trách nhiệm phòng chống ma túy ở Ninh Thuận?",
    "Lãi suất cho vay nhà ở xã hội ở Ninh Thuận là bao nhiêu?",
    "Sở nào phụ trách xuất khẩu gạo?",
    "Ai chịu trách nhiệm đào tạo phi công?",
    "Bao nhiêu km đường cao tốc được xây dựng ở Hậu Giang?",
    "Phòng Giáo dục Văn Quan có nhiệm vụ gì?",  # the Văn Quan plan gives it no task
    "Mục tiêu của kế hoạch phòng cháy chữa cháy là gì?",
    # No plan gives an amount of money: no other number may stand in for one.
    "Tuyên Quang đầu tư bao nhiêu tiền cho hạ tầng giao thông?",
    "How much money will Lang Son spend on economic recovery?",
    "Hà Nội có những kế hoạch nào?",
    # The plan gives 95% of the population for health insurance, 60% of the labour force for social insurance.
    "Ninh Thuận đặt mục tiêu bao nhiêu phần trăm dân số tham gia bảo hiểm xã hội?",
    # The plan names the hospital but no date for it; "tầm nhìn đến năm 2045" is the network's horizon.
    "Bao giờ Tuyên Quang hoàn thành bệnh viện đa khoa tỉnh?",
    # No plan counts industrial parks: a stray number ("1") may not answer it.
    "Tuyên Quang xây dựng bao nhiêu khu công nghiệp?",
    # A price: the 6.084 social housing units are a count, not what a unit costs.
    "Giá nhà ở xã hội ở Ninh Thuận là bao nhiêu?",
    # English words the glossary cannot translate ("submarine cables") count as unmatched, so the
    # question is not answered from what is left of it ("cơ quan").
    "Which agency manages submarine cables in Tuyen Quang?",
    # No plan names the Department of Foreign Affairs: the agencies leading other work are no answer.
    "Ai phối hợp với Sở Ngoại vụ Ninh Thuận?",
    "ai phoi hop voi so ngoai vu ninh thuan",
]


@pytest.mark.parametrize(("question", "expected"), ANSWERED)
def test_answered(question: str, expected: str, answerer: ExtractiveAnswerer, engine: SearchEngine) -> None:
    answer = answerer.answer(question)
    assert not answer.abstained, answer.answer
    assert contains(answer.answer, expected), answer.answer
    assert_citations_valid(answer, engine)


@pytest.mark.parametrize("question", REFUSED)
def test_refused(question: str, answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer(question)
    assert answer.abstained, answer.answer
    assert answer.citations == [] and answer.passages


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Ai ký kế hoạch 1221?", "“người ký của kế hoạch 1221”"),  # the Ninh Thuận plan names no signer
        ("Ai ký kế hoạch 208/KH-UBND?", "“người ký của kế hoạch 208/KH-UBND”"),
    ],
)
def test_a_refusal_names_the_document_asked_about(
    question: str, named: str, answerer: ExtractiveAnswerer
) -> None:
    answer = answerer.answer(question)
    assert answer.abstained and named in answer.answer


def test_a_refusal_names_no_leftover_stopword(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("Kế hoạch 208 có bao nhiêu nhiệm vụ?")
    assert answer.abstained and answer.answer == "Không tìm thấy thông tin trong các văn bản hiện có."


@pytest.mark.parametrize(
    ("question", "named"),
    [
        (
            "Phòng Văn hóa và Thông tin huyện Văn Quan làm gì?",
            "nhiệm vụ của Phòng Văn hóa và Thông tin ở Văn Quan",
        ),
        ("ai phoi hop voi so ngoai vu ninh thuan", "cơ quan phối hợp với Sở Ngoại vụ ở Ninh Thuận"),
    ],
)
def test_a_refused_agency_question_names_the_agency(
    question: str, named: str, answerer: ExtractiveAnswerer
) -> None:
    # Before, the agency's name was taken out of the topic and the refusal named only the place.
    answer = answerer.answer(question)
    assert answer.abstained and f"“{named}”" in answer.answer, answer.answer


def test_a_refused_document_fact_names_what_was_asked(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("Kế hoạch Hậu Giang do ai ký?")  # the Hậu Giang plan names no signer
    assert answer.abstained
    assert (
        answer.answer
        == "Không tìm thấy thông tin về “người ký của văn bản ở Hậu Giang” trong các văn bản hiện có."
    )


def test_a_section_answer_quotes_sentences_not_subheadings(answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer("Mục tiêu đến năm 2030 về nhà ở xã hội của Ninh Thuận là gì?")
    assert not answer.abstained and "6.084" in answer.answer
    # A heading inside the section labels the quotes; it is never quoted as one of them.
    assert "“Các chỉ tiêu chủ yếu" not in answer.answer and "“2. Các chỉ tiêu" not in answer.answer


def test_a_section_answer_quotes_the_subsection_its_topic_names(answerer: ExtractiveAnswerer) -> None:
    # "2. Mục tiêu cụ thể" has five sub-sections, one per field; the question names the environment.
    answer = answerer.answer("Mục tiêu xã hội hóa lĩnh vực môi trường của Văn Quan là gì?")
    assert not answer.abstained and "2.4. Về lĩnh vực môi trường" in answer.answer, answer.answer
    assert "rác thải" in answer.answer and "cơ sở giáo dục" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Hậu Giang ưu tiên đầu tư những dự án trọng tâm nào?", "nâng loại đô thị"),
        ("nguon von thuc hien chi thi phat trien do thi hau giang lay tu dau", "bố trí vốn"),
    ],
)
def test_a_matching_heading_is_answered_by_what_it_heads(
    question: str, expected: str, answerer: ExtractiveAnswerer, engine: SearchEngine
) -> None:
    # "2. Về các dự án trọng tâm ưu tiên đầu tư" names the topic; the answer is the section below it.
    answer = answerer.answer(question)
    assert not answer.abstained and contains(answer.answer, expected), answer.answer
    assert all(not c.quote.startswith("Về ") for c in answer.citations), answer.answer
    assert_citations_valid(answer, engine)


def test_the_number_of_a_list_item_answers_no_number_question(answerer: ExtractiveAnswerer) -> None:
    # "(2) Các chương trình xây dựng phục vụ nâng loại đô thị" once answered "2"; the plan gives a class.
    answer = answerer.answer("What is the target for urban classification of Vi Thanh city?")
    assert answer.abstained or "loại II" in answer.answer, answer.answer
    assert not answer.answer.startswith("2 "), answer.answer
