"""Agency recognition and canonical keys: spelling variants, abbreviations, lists, provinces, negatives."""

from __future__ import annotations

import pytest

from corpus.agencies import agency_list_at, canonical_agency, find_agencies, names_agency, scan_agencies


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sở Văn hoá - Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở LĐ-TB&XH", "Sở Lao động, Thương binh và Xã hội"),
        ("so lao dong thuong binh va xa hoi", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("Sở NN&PTNT", "Sở Nông nghiệp và phát triển nông thôn"),
        ("NHCSXH", "Chi nhánh Ngân hàng Chính sách xã hội tỉnh"),
        ("nhcsxh", "Ngân hàng Chính sách xã hội"),  # typed in lower case
        ("Mặt trận Tổ quốc tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
        ("MTTQ tỉnh", "UBMTTQ tỉnh"),
        ("Chi nhánh Ngân hàng CSXH tỉnh", "Ngân hàng Chính sách xã hội"),
        ("Ngân hàng Nhà nước Việt Nam Chi nhánh tỉnh", "Ngân hàng Nhà nước chi nhánh tỉnh Tuyên Quang"),
        ("UBND cấp huyện", "Ủy ban nhân dân các huyện, thành phố"),
        ("UBND huyện, thị xã và thành phố", "Uỷ ban nhân dân huyện, thành phố"),
        ("UBND các xã, thị trấn", "Ủy ban nhân dân cấp xã"),
        ("Cục Thuế", "Cục Thuế tỉnh"),
        ("Phòng TC-KH", "Phòng Tài chính - Kế hoạch huyện"),
        ("Sở Y tế tỉnh Lạng Sơn", "Sở Y tế"),
        # A province name ending a name without "tỉnh" is where the agency is, not part of its name.
        ("Chi nhánh Ngân hàng Chính sách xã hội Lạng Sơn", "Chi nhánh Ngân hàng Chính sách xã hội tỉnh"),
        ("Cục Thuế Lạng Sơn", "Cục Thuế tỉnh"),
        (
            "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
            "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng",
        ),
        ("Trung tâm Văn hóa Thể thao và Truyền thông Văn Quan", "Trung tâm Văn hóa Thể thao và Truyền thông"),
    ],
)
def test_variants_share_one_key(a: str, b: str) -> None:
    assert canonical_agency(a, "Lạng Sơn").key == canonical_agency(b, "Lạng Sơn").key


def test_canonical_name_and_province_qualification() -> None:
    ninh = canonical_agency("Sở Văn hoá - Thể thao và Du lịch", "Ninh Thuận")
    assert ninh.name == "Sở Văn hóa, Thể thao và Du lịch"
    assert ninh.key == "so van hoa the thao du lich@ninh thuan"
    assert canonical_agency("Sở Y tế", "Lạng Sơn").key != canonical_agency("Sở Y tế", "Ninh Thuận").key
    district = canonical_agency("Phòng Tài chính - Kế hoạch huyện", "Lạng Sơn", district="Văn Quan")
    assert district.key.endswith("@lang son/van quan")
    assert canonical_agency("Bộ Xây dựng", "Hậu Giang").key.endswith("@vn")  # a ministry is national
    assert canonical_agency("các sở, ban, ngành", "Tuyên Quang").collective


def test_distinct_agencies_stay_distinct() -> None:
    keys = {
        canonical_agency(name, "Hậu Giang").key
        for name in [
            "Sở Xây dựng",
            "Bộ Xây dựng",
            "Sở Kế hoạch và Đầu tư",
            "UBND tỉnh",
            "UBND cấp huyện",
            "Cục Thuế",
        ]
    }
    assert len(keys) == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Giao Sở Tư pháp chủ trì thẩm định.", "Sở Tư pháp"),
        ("Kho bạc Nhà nước tỉnh kiểm soát chi.", "Kho bạc Nhà nước tỉnh"),
        ("Bộ Chỉ huy Quân sự tỉnh phối hợp.", "Bộ Chỉ huy Quân sự tỉnh"),
        ("Công an tỉnh bảo đảm an ninh.", "Công an tỉnh"),
        ("Phòng Giáo dục và Đào tạo huyện tổng hợp.", "Phòng Giáo dục và Đào tạo"),
        ("Trung tâm Y tế huyện tổ chức tiêm chủng.", "Trung tâm Y tế huyện"),
        ("Hội Liên hiệp Phụ nữ tỉnh vận động.", "Hội Liên hiệp Phụ nữ tỉnh"),
        ("Sở Ngoại vụ hướng dẫn thủ tục.", "Sở Ngoại vụ"),
        ("Ban Quản lý Khu kinh tế tỉnh chủ trì.", "Ban Quản lý Khu kinh tế tỉnh"),
        ("Đài Phát thanh và Truyền hình tỉnh đưa tin.", "Đài Phát thanh và Truyền hình tỉnh"),
        ("Bảo hiểm xã hội tỉnh chủ trì, phối hợp", "Bảo hiểm xã hội tỉnh"),
        ("Cục Thống kê tỉnh; Công an tỉnh", "Cục Thống kê tỉnh"),
        ("UBND huyện Hữu Lũng đẩy nhanh tiến độ", "Ủy ban nhân dân huyện Hữu Lũng"),
        ("phối hợp với Sở Kế\nhoạch và Đầu tư tổng hợp", "Sở Kế hoạch và Đầu tư"),
    ],
)
def test_general_patterns_find_agencies_beyond_the_seeds(text: str, expected: str) -> None:
    mentions = find_agencies(text)
    assert expected in [m.name for m in mentions], mentions
    for start, end, _ in mentions:
        assert text[start:end].strip() == text[start:end] and end > start


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở Y tế nâng cao năng lực của các cơ sở y tế tuyến huyện.", ["Sở Y tế"]),
        ("Sở Y tế thực hiện các biện pháp phòng, chống dịch bệnh.", ["Sở Y tế"]),
        ("Ủy ban nhân dân tỉnh ban hành Kế hoạch.", ["Ủy ban nhân dân tỉnh"]),  # "ban hành" is no "Ban"
        ("Sở Công Thương phát triển chợ, siêu thị, trung tâm thương mại.", ["Sở Công Thương"]),
        ("Sở Tài chính tuyên truyền chính sách bảo hiểm xã hội cho người lao động.", ["Sở Tài chính"]),
        ("KẾ HOẠCH THỰC HIỆN KẾT LUẬN CỦA BỘ CHÍNH TRỊ VỀ TIẾP TỤC Ở Sở Nội vụ", ["Sở Nội vụ"]),
        ("Bộ Chỉ huy Quân sự tỉnh và Sở Y tế", ["Bộ Chỉ huy Quân sự tỉnh", "Sở Y tế"]),
    ],
)
def test_ordinary_words_are_not_agencies(text: str, expected: list[str]) -> None:
    assert [m.name for m in find_agencies(text)] == expected


def test_lists_after_cac_so_are_expanded() -> None:
    text = (
        "b) Các Sở: Nội vụ, Kế hoạch và Đầu tư, Xây dựng, Tài nguyên và Môi trường, Văn phòng Ủy ban nhân dân tỉnh"
        " (Trung tâm phục vụ hành chính công tỉnh Tuyên Quang) và các cơ quan, đơn vị liên quan theo chức năng"
    )
    names = [m.name for m in find_agencies(text)]
    for expected in ["Sở Nội vụ", "Sở Kế hoạch và Đầu tư", "Sở Xây dựng", "Sở Tài nguyên và Môi trường"]:
        assert expected in names
    items, end = agency_list_at(text, 3, scan_agencies(text))
    assert [f.name for f in items][:5] == [
        "Sở Nội vụ",
        "Sở Kế hoạch và Đầu tư",
        "Sở Xây dựng",
        "Sở Tài nguyên và Môi trường",
        "Văn phòng Ủy ban nhân dân tỉnh",
    ]
    assert items[-1].kind == "collective"
    assert text[end:].lstrip().startswith("theo chức năng")


def test_list_with_titles_and_collectives() -> None:
    text = (
        "Thủ trưởng các sở, ban, ngành, cơ quan, đơn vị liên quan và Chủ tịch UBND các huyện, thành phố theo"
    )
    items, _ = agency_list_at(text, 0, scan_agencies(text))
    assert [f.kind for f in items] == ["collective", "ubnd"]
    assert items[1].name == "Ủy ban nhân dân cấp huyện"


def test_questions_without_diacritics_and_abbreviations() -> None:
    assert [m.name for m in find_agencies("so tai nguyen va moi truong tuyen quang lam gi")] == [
        "Sở Tài nguyên và Môi trường"
    ]
    assert [m.name for m in find_agencies("Sở LĐTBXH Hậu Giang có nhiệm vụ gì?")] == [
        "Sở Lao động - Thương binh và Xã hội"
    ]


@pytest.mark.parametrize(
    ("text", "name", "base"),
    [
        ("so nong nghiep lam gi", "Sở Nông nghiệp", "so nong nghiep"),
        ("Phòng Giáo dục huyện Văn Quan có nhiệm vụ gì?", "Phòng Giáo dục", "phong giao duc"),
        ("Sở Văn hóa tỉnh Lạng Sơn", "Sở Văn hóa", "so van hoa"),
        ("so giao duc va dao tao lam gi", "Sở Giáo dục và Đào tạo", "so giao duc dao tao"),
    ],
)
def test_short_names_of_standard_fields(text: str, name: str, base: str) -> None:
    # Officials drop the second part of a department's name; the short name is found, accented.
    found = find_agencies(text)
    assert [m.name for m in found] == [name]
    assert canonical_agency(found[0].name).base == base


def test_a_name_typed_without_marks_stops_before_the_question() -> None:
    # "lam" could continue a name (Lâm), but before "gì" it is the verb "làm".
    assert [canonical_agency(m.name).base for m in find_agencies("ngan hang chinh sach xa hoi lam gi")] == [
        "ngan hang chinh sach xa hoi"
    ]
    assert [m.name for m in find_agencies("Ngân hàng Lâm nghiệp")] == ["Ngân hàng Lâm nghiệp"]


def test_a_short_name_names_the_full_one_only() -> None:
    assert names_agency("so nong nghiep", "so nong nghiep phat trien nong thon")
    assert names_agency("so nong nghiep", "so nong nghiep")
    assert not names_agency("so nong nghiep phat trien nong thon", "so nong nghiep")
    assert not names_agency("so tai chin", "so tai chinh")


def test_a_lower_case_ban_opens_a_name_only_before_a_standard_field() -> None:
    assert [f.name for f in scan_agencies("nhiem vu cua ban dan toc tinh lang son la gi")] == [
        "ban dan toc tinh"
    ]
    assert canonical_agency("ban dan toc tinh").base == canonical_agency("Ban Dân tộc tỉnh").base
    for text in ("ban hanh ke hoach nao", "cac so ban nganh lam gi", "ban chi dao lam gi"):
        assert scan_agencies(text) == [], text
