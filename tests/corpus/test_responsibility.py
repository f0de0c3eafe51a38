"""Who does what in the five seed plans: expected (agency, role, task, deadline) facts, on the real pipeline."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from corpus.agencies import canonical_agency
from corpus.models import ParsedDocument, Responsibility
from corpus.normalize import fold, normalize_text
from corpus.pipeline import parse_file
from corpus.responsibility import annotate, extract, find_deadline

SEEDS = Path(__file__).resolve().parents[2] / "corpus" / "documents"
HAU_GIANG = "hau-giang-chi-thi-24-dich-vu-xa-hoi-do-thi.txt"
LANG_SON = "lang-son-46-kh-ubnd-phuc-hoi-kinh-te.txt"
NINH_THUAN = "ninh-thuan-1221-kh-ubnd-chinh-sach-xa-hoi.txt"
TUYEN_QUANG = "tuyen-quang-208-kh-ubnd-ket-cau-ha-tang.txt"
VAN_QUAN = "van-quan-xa-hoi-hoa-2024-2030.txt"


@cache
def annotated(name: str) -> ParsedDocument:
    return annotate(parse_file(SEEDS / name))


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text)).strip()


def _find(
    found: list[Responsibility], agency: str, role: str, task: str, deadline: str | None = None
) -> list[Responsibility]:
    base = canonical_agency(agency).base
    return [
        r
        for r in found
        if canonical_agency(r.agency).base == base
        and r.role == role
        and _key(task) in _key(r.task)
        and (deadline is None or (r.deadline is not None and _key(deadline) in _key(r.deadline)))
    ]


def responsibilities(name: str) -> list[Responsibility]:
    return [r for chunk in annotated(name).chunks for r in chunk.responsibilities]


EXPECTED = [
    # Hậu Giang: numbered agency headings with a colon, bullets under them, the closing report sentence.
    (HAU_GIANG, "Sở Xây dựng", "chu_tri", "nhà ở xã hội hiệu quả", None),
    (HAU_GIANG, "Sở Công Thương", "chu_tri", "kế hoạch di dời các cơ sở sản xuất công nghiệp", None),
    (HAU_GIANG, "Sở Y tế", "chu_tri", "các bệnh viện tư nhân", None),
    (HAU_GIANG, "UBND cấp huyện", "chu_tri", "Bố trí quỹ đất cho phát triển hạ tầng xã hội", None),
    (HAU_GIANG, "Sở LĐTBXH", "chu_tri", "chính sách hỗ trợ cho các đối tượng chính sách xã hội", None),
    (HAU_GIANG, "UBND cấp huyện", "phoi_hop", "chính sách hỗ trợ cho các đối tượng chính sách xã hội", None),
    (HAU_GIANG, "Sở Giáo dục và Đào tạo", "phoi_hop", "tham mưu cơ chế chính sách", None),
    (
        HAU_GIANG,
        "Sở Xây dựng",
        "chu_tri",
        "báo cáo tình hình, kết quả thực hiện",
        "trước ngày 01/12 hàng năm",
    ),
    (HAU_GIANG, "Bưu điện tỉnh Hậu Giang", "chu_tri", "hệ thống thông tin liên lạc", None),
    # Lạng Sơn: headings that hard wrapping split ("10.\nSở Giao thông vận tải"), deadlines by quarter.
    (LANG_SON, "Sở Kế hoạch và Đầu tư", "chu_tri", "các biện pháp hỗ trợ doanh nghiệp, hợp tác xã", None),
    (LANG_SON, "Ban Quản lý dự án đầu tư xây dựng tỉnh", "chu_tri", "Km18-Km80", "trong quý II/2022"),
    (LANG_SON, "Sở Giao thông vận tải", "chu_tri", "hoạt động kinh doanh vận tải", None),
    (LANG_SON, "Sở Giao thông vận tải", "phoi_hop", "Nâng cấp đoạn Km18-Km80", None),
    (LANG_SON, "Sở Y tế", "chu_tri", "Chương trình phòng, chống dịch COVID-19", None),
    (LANG_SON, "Sở Lao động - Thương binh và Xã hội", "chu_tri", "hỗ trợ tiền thuê nhà", None),
    (LANG_SON, "Chi nhánh Ngân hàng Chính sách xã hội tỉnh", "chu_tri", "tổng hợp nhu cầu vay vốn", None),
    (LANG_SON, "Sở Giáo dục và Đào tạo", "chu_tri", "mở cửa trường học an toàn", None),
    (LANG_SON, "Sở Y tế", "phoi_hop", "mở cửa trường học an toàn", None),
    (LANG_SON, "Sở Văn hóa, Thể thao và Du lịch", "chu_tri", "Kế hoạch phục hồi ngành du lịch", None),
    (LANG_SON, "Sở Tài nguyên và Môi trường", "chu_tri", "vướng mắc trong công tác bồi thường", None),
    (LANG_SON, "Cục Thuế", "phoi_hop", "hỗ trợ lãi suất cho vay", None),
    (LANG_SON, "Sở Kế hoạch và Đầu tư", "chu_tri", "theo dõi, đôn đốc", "trước ngày 25/8"),
    (LANG_SON, "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "phoi_hop", "tuyên truyền, phổ biến", None),
    # Ninh Thuận: "6.5. Sở X chủ trì, phối hợp với ..." headings, "Sở Văn hoá - Thể thao" spelling.
    (NINH_THUAN, "Sở Xây dựng", "chu_tri", "nhà ở xã hội của tỉnh", None),
    (NINH_THUAN, "UBND các huyện, thành phố", "phoi_hop", "nhà ở xã hội của tỉnh", None),
    (NINH_THUAN, "Bảo hiểm xã hội tỉnh", "chu_tri", "tầm quan trọng của chính sách bảo hiểm xã hội", None),
    (NINH_THUAN, "Sở NN&PTNT", "chu_tri", "nhu cầu sử dụng nước sạch", None),
    (NINH_THUAN, "Sở LĐTBXH", "chu_tri", "chính sách ưu đãi người có công với cách mạng", None),
    (NINH_THUAN, "Sở Văn hóa, Thể thao và Du lịch", "chu_tri", "Xây dựng nền văn hóa", None),
    (NINH_THUAN, "Sở Nội vụ", "chu_tri", "hướng dẫn khen thưởng", None),
    (NINH_THUAN, "Sở LĐTBXH", "chu_tri", "để tổng hợp chung", "trước ngày 01/12 hằng năm"),
    # Tuyên Quang: "b) Các Sở: ..." lists, "k) Sở X: ..." items.
    (TUYEN_QUANG, "Sở Nội vụ", "chu_tri", "đẩy mạnh cải cách hành chính", None),
    (TUYEN_QUANG, "Sở Xây dựng", "chu_tri", "đẩy mạnh cải cách hành chính", None),
    (TUYEN_QUANG, "Văn phòng Ủy ban nhân dân tỉnh", "chu_tri", "đẩy mạnh cải cách hành chính", None),
    (TUYEN_QUANG, "Cục Thống kê tỉnh", "chu_tri", "cơ sở dữ liệu về kinh tế - xã hội", None),
    (TUYEN_QUANG, "Công an tỉnh", "chu_tri", "cơ sở dữ liệu về kinh tế - xã hội", None),
    (TUYEN_QUANG, "Cục Thuế tỉnh", "chu_tri", "chống thất thu thuế", None),
    (TUYEN_QUANG, "Ban Quản lý các Khu công nghiệp tỉnh", "chu_tri", "Long Bình An", None),
    (TUYEN_QUANG, "Sở Kế hoạch và Đầu tư", "chu_tri", "theo dõi, đôn đốc việc triển khai thực hiện", None),
    (TUYEN_QUANG, "Sở Tài chính", "phoi_hop", "phân bổ hợp lý nguồn vốn", None),
    (TUYEN_QUANG, "Sở Tài nguyên và Môi trường", "chu_tri", "hồ sơ địa chính", None),
    (TUYEN_QUANG, "Sở Xây dựng", "chu_tri", "Bệnh viện đa khoa tỉnh", None),
    # Văn Quan: "Giao Phòng Tài chính - Kế hoạch huyện làm cơ quan đầu mối", reports "trước 20/12 hằng năm".
    (VAN_QUAN, "Phòng Tài chính - Kế hoạch", "chu_tri", "làm cơ quan đầu mối", None),
    (VAN_QUAN, "UBND các xã, thị trấn", "phoi_hop", "làm cơ quan đầu mối", None),
    (VAN_QUAN, "Trung tâm Văn hóa Thể thao và Truyền thông", "chu_tri", "thông tin, tuyên truyền", None),
    (VAN_QUAN, "Phòng Tài chính - Kế hoạch", "chu_tri", "tổng hợp chung", "trước 20/12 hằng năm"),
]


@pytest.mark.parametrize(("doc", "agency", "role", "task", "deadline"), EXPECTED)
def test_expected_responsibilities(doc: str, agency: str, role: str, task: str, deadline: str | None) -> None:
    found = _find(responsibilities(doc), agency, role, task, deadline)
    assert found, f"{agency} / {role} / {task!r} not extracted from {doc}"


@pytest.mark.parametrize(
    ("doc", "agency", "role", "task"),
    [
        # The cooperating agency of a sentence is not its lead, nor are agencies named after "phối hợp với".
        (LANG_SON, "Sở Y tế", "chu_tri", "mở cửa trường học an toàn"),
        (LANG_SON, "Cục Thuế", "chu_tri", "hỗ trợ lãi suất cho vay"),
        (LANG_SON, "Chi nhánh Ngân hàng Chính sách xã hội tỉnh", "chu_tri", "cho vay học sinh các cấp"),
        # The closing sentence belongs to those it names, not to the last numbered heading.
        (HAU_GIANG, "Bưu điện tỉnh Hậu Giang", "chu_tri", "trước ngày 01/12"),
        (NINH_THUAN, "UBND các huyện, thành phố", "chu_tri", "nhà ở xã hội của tỉnh"),
    ],
)
def test_no_misattribution(doc: str, agency: str, role: str, task: str) -> None:
    assert not _find(responsibilities(doc), agency, role, task)


@pytest.mark.parametrize("doc", [HAU_GIANG, LANG_SON, NINH_THUAN, TUYEN_QUANG, VAN_QUAN])
def test_spans_are_sentences_inside_their_chunk(doc: str) -> None:
    parsed = annotated(doc)
    province = fold(parsed.document.province or "")
    total = 0
    for chunk in parsed.chunks:
        for r in chunk.responsibilities:
            total += 1
            assert chunk.start <= r.start < r.end <= chunk.end
            quote = parsed.text[r.start : r.end]
            assert quote.strip() == quote and len(quote) >= 10
            assert r.agency_key.endswith(("@vn",)) or province in r.agency_key
    assert total >= 10


def test_hard_wrapped_raw_text() -> None:
    """The raw Lạng Sơn copy is cut at ~80 characters, headings included; extraction does not need cleanup."""
    raw = normalize_text((SEEDS / LANG_SON).read_text(encoding="utf-8"))
    found = extract(raw, province="Lạng Sơn")
    assert _find(found, "Sở Giao thông vận tải", "chu_tri", "hoạt động kinh doanh vận tải")  # "10.\nSở ..."
    assert _find(
        found, "Sở Lao động - Thương binh và Xã hội", "chu_tri", "hỗ trợ tiền thuê nhà"
    )  # "Sở Lao động\n- Thương"
    assert _find(
        found, "Ban Quản lý dự án đầu tư xây dựng tỉnh", "chu_tri", "Km18-Km80"
    )  # "Ban Quản\nlý dự án"
    assert _find(found, "Sở Nông nghiệp và Phát triển nông thôn", "chu_tri", "tái cơ cấu ngành nông nghiệp")
    assert not [r for r in found if "Số:" in r.task or "CỘNG HÒA" in r.task]  # the letterhead assigns nothing


def test_heading_path_is_used_when_the_text_gives_no_subject() -> None:
    text = "Các nhiệm vụ được thực hiện như sau.\nRà soát quy hoạch sử dụng đất của tỉnh trong năm 2025.\n"
    parsed = ParsedDocument.model_validate(
        {
            "document": {"doc_id": "x", "title": "T", "source": "x.txt", "province": "Lạng Sơn"},
            "text": text,
            "chunks": [
                {
                    "chunk_id": "x-0",
                    "doc_id": "x",
                    "title": "T",
                    "section": "II. NHIỆM VỤ › 3. Sở Tài nguyên và Môi trường",
                    "heading_path": ["II. NHIỆM VỤ", "3. Sở Tài nguyên và Môi trường"],
                    "text": text,
                    "start": 0,
                    "end": len(text),
                }
            ],
        }
    )
    found = annotate(parsed).chunks[0].responsibilities
    assert {(r.agency, r.role) for r in found} == {("Sở Tài nguyên và Môi trường", "chu_tri")}
    assert all(text[r.start : r.end].startswith(("Các nhiệm vụ", "Rà soát")) for r in found)


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("báo cáo về Sở Xây dựng trước ngày 01/12 hàng năm để tổng hợp", "trước ngày 01/12 hàng năm"),
        ("phê duyệt Báo cáo nghiên cứu khả thi dự án trong quý II/2022, khởi công", "trong quý II/2022"),
        ("gửi về Phòng Tài chính - Kế hoạch huyện trước 20/12 hằng năm", "trước 20/12 hằng năm"),
        ("hoàn thành chậm nhất ngày 15 tháng 6 năm 2025", "chậm nhất ngày 15 tháng 6 năm 2025"),
        ("nâng cao chất lượng dịch vụ y tế cơ sở", None),
    ],
)
def test_find_deadline(text: str, deadline: str | None) -> None:
    assert find_deadline(text) == deadline
