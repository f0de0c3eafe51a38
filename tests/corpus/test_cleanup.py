"""Cleanup of the seed plans: reflow of hard-wrapped lines, table pipes, web boilerplate; words kept."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from corpus.cleanup import cleanup, remove_web_boilerplate, should_join, split_table_cells
from corpus.normalize import normalize_text

SEED_DIR = Path(__file__).resolve().parents[2] / "corpus" / "documents"
SEEDS = sorted(p.name for p in SEED_DIR.glob("*.txt"))
LANG_SON = "lang-son-46-kh-ubnd-phuc-hoi-kinh-te.txt"
NINH_THUAN = "ninh-thuan-1221-kh-ubnd-chinh-sach-xa-hoi.txt"
VAN_QUAN = "van-quan-xa-hoi-hoa-2024-2030.txt"
_RULE = re.compile(r"^[-_=*~]{3,}$")


@cache
def cleaned(name: str) -> str:
    return cleanup(normalize_text((SEED_DIR / name).read_text(encoding="utf-8")))


def lines_of(name: str) -> list[str]:
    return cleaned(name).split("\n")


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_five_seeds_are_bundled() -> None:
    assert len(SEEDS) == 5


@pytest.mark.parametrize(
    "line",
    [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. MỤC TIÊU, NHIỆM VỤ CHỦ YẾU",
        "IV. TỔ CHỨC THỰC HIỆN",
        "2. Sở Kế hoạch và Đầu tư",
        "6. Sở Công Thương",
        "8. Sở Lao động - Thương binh và Xã hội",
        "9. Sở Tài nguyên và Môi trường",
        "10. Sở Giao thông vận tải",
        "19. Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
        "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 46/KH-UBND",
        "Lạng Sơn, ngày 01 tháng 3 năm 2022",
        "KẾ HOẠCH",
        "CHỦ TỊCH",
        "Hồ Tiến Thiệu",
    ],
)
def test_lang_son_broken_headings_become_one_line(line: str) -> None:
    assert line in lines_of(LANG_SON)


def test_lang_son_body_lines_are_reflowed() -> None:
    text = cleaned(LANG_SON)
    # A wrapped "kinh tế\n- xã hội" is a hyphenated compound, not a bullet.
    assert "góp phần phục hồi và phát triển kinh tế - xã hội của tỉnh;" in text
    assert "\n- xã hội" not in text
    # Capitalised continuations inside sentences: institutions, acronyms, a split place name.
    assert "của Thủ tướng Chính phủ về việc đôn đốc" in text
    assert "Chủ tịch UBND các huyện, thành phố theo chức năng" in text
    assert "phối hợp Cục Thuế, Cục Hải quan" in text
    assert "thành phố Lạng Sơn." in text
    # Every list item starts its own line and keeps its text on it.
    assert "- Tham mưu triển khai việc hỗ trợ tiền thuê nhà đối với người lao động" in text


def test_heading_followed_by_body_stays_two_lines() -> None:
    lines = lines_of(LANG_SON)
    index = lines.index("10. Sở Giao thông vận tải")
    assert lines[index + 1].startswith("Chủ trì, phối hợp với các cơ quan liên quan")
    index = lines.index("1. Mục đích")
    assert lines[index + 1].startswith("Quán triệt, triển khai đồng bộ")


def test_table_pipes_and_rules_are_gone() -> None:
    for name in SEEDS:
        text = cleaned(name)
        assert "|" not in text, name
        assert not any(_RULE.match(line) for line in text.split("\n")), name
    assert "Số: 1221/KH-UBND" in lines_of(NINH_THUAN)
    assert "Ninh Thuận, ngày 20 tháng 3 năm 2024" in lines_of(NINH_THUAN)
    assert "TM. ỦY BAN NHÂN DÂN" in lines_of(NINH_THUAN)


def test_reader_comment_block_is_removed() -> None:
    text = cleaned(NINH_THUAN)
    assert "Ý kiến bạn đọc" not in text
    assert "Nhấp vào nút" not in text
    assert "micro" not in text
    assert text.endswith("TM. ỦY BAN NHÂN DÂN")


def test_lines_broken_across_a_blank_line_are_joined() -> None:
    text = cleaned(VAN_QUAN)
    assert "trong việc huy động, sử dụng có hiệu quả nguồn lực xã hội" in text
    assert "có năng lực, đủ điều kiện ở tất cả các lĩnh vực" in text


@pytest.mark.parametrize("name", SEEDS)
def test_cleanup_is_idempotent(name: str) -> None:
    assert cleanup(cleaned(name)) == cleaned(name)


@pytest.mark.parametrize("name", SEEDS)
def test_words_are_never_changed(name: str) -> None:
    """Only whitespace, pipes, rule lines and the trailing web block may differ."""
    raw = normalize_text((SEED_DIR / name).read_text(encoding="utf-8"))
    kept = remove_web_boilerplate(raw.split("\n"))
    expected = "".join(line for line in kept if not _RULE.match(line.strip())).replace("|", "")
    assert no_space(cleaned(name)) == no_space(expected)


@pytest.mark.parametrize(
    ("previous", "line", "joiner"),
    [
        ("I. MỤC ĐÍCH,", "YÊU CẦU", " "),
        ("10.", "Sở Giao thông vận tải", " "),
        ("-", "Văn phòng Chính phủ (b/c);", " "),
        ("Số:", "46/KH-UBND", " "),
        ("phát triển kinh tế", "- xã hội của tỉnh;", " "),
        ("Nghị quyết số 49-", "NQ/TU ngày 28/9/2021", ""),
        ("bảo đảm vắc-", "xin tiêm chủng", ""),
        ("- Chủ trì, phối hợp với", "Sở Y tế, các cơ quan liên quan", " "),
        ("- Tiếp tục tham mưu", "UBND tỉnh thực hiện có hiệu quả", " "),
        ("6. Sở Công", "Thương", " "),
        ("thành phố Lạng", "Sơn.", " "),
        ("CỘNG HÒA XÃ HỘI", "CHỦ NGHĨA VIỆT NAM", " "),
        ("TM. ỦY BAN NHÂN", "DÂN", " "),
        # Separate lines.
        ("1. Mục đích", "Quán triệt, triển khai", None),
        ("10. Sở Giao thông vận tải", "Chủ trì, phối hợp với", None),
        ("ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None),
        ("KẾ HOẠCH", "TRIỂN KHAI THỰC HIỆN CHƯƠNG TRÌNH", None),
        ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", None),
        ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", None),
        ("CHỦ TỊCH", "Hồ Tiến Thiệu", None),
        ("TRÊN ĐỊA BÀN TỈNH LẠNG SƠN", "Thực hiện Nghị quyết", None),
        ("- Đôn đốc các đơn vị thực hiện;", "- Báo cáo kết quả.", None),
        (
            "3. Thực hiện tốt chính sách ưu đãi người có công",
            "Sở Lao động - Thương binh và Xã hội chủ trì",
            None,
        ),
        (
            "Điều 39. Trách nhiệm của các Bộ, cơ quan ngang Bộ",
            "Các Bộ, cơ quan ngang Bộ, trong phạm vi",
            None,
        ),
        ("Điều 8. Căn cứ xác lập quyền dân sự", "Quyền dân sự được xác lập từ các căn cứ sau đây:", None),
        ("Điều 363. Xử lý tiền tạm ứng chi phí giám định đã nộp", "1 Trường hợp người đã nộp tiền", None),
        ("2. Yêu cầu", "- Triển khai thực hiện kịp thời", None),
    ],
)
def test_should_join(previous: str, line: str, joiner: str | None) -> None:
    assert should_join(previous, line) == joiner


def test_agency_dash_needs_an_agency_and_a_punctuated_list() -> None:
    following = ["- Tham mưu triển khai", "việc hỗ trợ tiền thuê nhà;", "- Tổng kết, đánh giá."]
    assert should_join("8. Sở Lao động", "- Thương binh và Xã hội", following) == " "
    # Not an agency name: a list item.
    assert should_join("1. Thành phần", "- Đại diện Sở Y tế", ["- Đại diện Sở Tài chính;"]) is None
    # A verb opens a task, not a name.
    assert should_join("1. Sở Y tế", "- Phối hợp kiểm tra", ["- Báo cáo kết quả."]) is None
    # Short unpunctuated items: a list of names, not a broken heading.
    assert should_join("1. Sở Y tế", "- Bệnh viện tỉnh", ["- Trung tâm Y tế huyện"]) is None


def test_pipes_split_cells_only_when_spaced() -> None:
    assert split_table_cells(["Số: 1221/KH-UBND |"]) == ["Số: 1221/KH-UBND", ""]
    assert split_table_cells(["| a | b |"]) == ["", "a", "", "b", ""]
    assert split_table_cells(["x|y"]) == ["x|y"]


def test_web_words_early_in_the_text_are_kept() -> None:
    lines = [
        "Chia sẻ",
        "kinh nghiệm",
        "I. MỤC TIÊU",
        "- Nội dung;",
        "- Nội dung khác.",
        "Tin liên quan",
        "Bài A",
    ]
    assert remove_web_boilerplate(lines) == lines[:5]
    # A widget word followed by more document structure is not a trailing block.
    lines = ["I. MỤC TIÊU", "a", "b", "Chia sẻ", "II. NHIỆM VỤ", "c"]
    assert remove_web_boilerplate(lines) == lines


def test_cleanup_of_empty_and_blank_text() -> None:
    assert cleanup("") == ""
    assert cleanup(" \n\n \t") == ""
