"""The section tree: numbering of administrative plans and of laws, labels and spans."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from corpus.cleanup import cleanup
from corpus.metadata import extract_metadata
from corpus.normalize import normalize_text
from corpus.structure import Section, heading_label, match_heading, parse_structure

SEED_DIR = Path(__file__).resolve().parents[2] / "corpus" / "documents"
SEEDS = sorted(p.name for p in SEED_DIR.glob("*.txt"))


@cache
def tree_of(name: str) -> tuple[str, Section]:
    text = cleanup(normalize_text((SEED_DIR / name).read_text(encoding="utf-8")))
    excluded = [(s, e) for s, e, _ in extract_metadata(text).excluded]
    return text, parse_structure(text, excluded=excluded)


def labels(section: Section) -> list[str]:
    return [child.label for child in section.children]


def find(root: Section, label: str) -> Section:
    return next(s for s in root.walk() if s.label == label)


def test_lang_son_outline() -> None:
    _, root = tree_of("lang-son-46-kh-ubnd-phuc-hoi-kinh-te.txt")
    assert labels(root) == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. MỤC TIÊU, NHIỆM VỤ CHỦ YẾU",
        "III. NHIỆM VỤ VÀ GIẢI PHÁP",
        "IV. TỔ CHỨC THỰC HIỆN",
    ]
    agencies = labels(root.children[2])
    assert len(agencies) == 21
    assert agencies[7] == "8. Sở Lao động - Thương binh và Xã hội"
    assert agencies[9] == "10. Sở Giao thông vận tải"
    assert agencies[5] == "6. Sở Công Thương"
    # A numbered paragraph ending in a colon is labelled by the text before it.
    assert agencies[0].endswith("theo chức năng, nhiệm vụ, thẩm quyền được giao")


def test_hau_giang_labels_drop_the_colon() -> None:
    _, root = tree_of("hau-giang-chi-thi-24-dich-vu-xa-hoi-do-thi.txt")
    assert labels(root)[3] == "IV. TỔ CHỨC THỰC HIỆN"
    assert labels(root.children[3])[:2] == ["1. Sở Xây dựng", "2. Sở Kế hoạch và Đầu tư"]
    assert labels(find(root, "1. Nhiệm vụ chung")) == [
        "a) Nhóm xây dựng kết cấu hạ tầng khung",
        "b) Nhóm chương trình xây dựng mạng lưới đô thị trên địa bàn tỉnh",
    ]


def test_ninh_thuan_nesting_and_run_on_labels() -> None:
    _, root = tree_of("ninh-thuan-1221-kh-ubnd-chinh-sach-xa-hoi.txt")
    goals = find(root, "II. MỤC TIÊU")
    assert labels(goals)[0] == "1. Mục tiêu tổng quát"  # "1. Mục tiêu tổng quát: Thực hiện ..."
    assert labels(goals)[2] == "3. Tầm nhìn đến năm 2045"
    second = find(root, "2. Nâng cao năng lực, hiệu lực quản lý nhà nước về chính sách xã hội")
    assert [c.number for c in second.children] == ["2.1", "2.2", "2.3", "2.4"]
    assert all(c.kind == "number" and c.rank == second.rank + 1 for c in second.children)


def test_van_quan_roman_with_dash() -> None:
    _, root = tree_of("van-quan-xa-hoi-hoa-2024-2030.txt")
    assert labels(root)[-1] == "IV- TỔ CHỨC THỰC HIỆN"
    assert labels(root.children[-1])[1].startswith("2. Giao Phòng Tài chính - Kế hoạch huyện")


@pytest.mark.parametrize("name", SEEDS)
def test_spans_start_at_headings_and_nest(name: str) -> None:
    text, root = tree_of(name)
    sections = root.walk()[1:]
    assert sections, name
    for section in sections:
        assert section.start < section.heading_end <= section.end <= len(text)
        assert text[section.start : section.heading_end].strip()
        assert match_heading(text[section.start : section.heading_end].strip()) is not None
        parent = section.parent
        assert parent is not None and parent.start <= section.start and section.end <= parent.end
        assert section.rank > parent.rank
    for section in root.walk():
        for before, after in zip(section.children, section.children[1:], strict=False):
            assert before.end <= after.start


@pytest.mark.parametrize("name", SEEDS)
def test_no_heading_inside_the_closing_block(name: str) -> None:
    text, root = tree_of(name)
    closing = [(s, e) for s, e, kind in extract_metadata(text).excluded if kind != "header"]
    for section in root.walk()[1:]:
        assert not any(s <= section.start < e for s, e in closing)


LAW = """LUẬT MẪU

Chương I
NHỮNG QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc thử nghiệm.

Điều 2. Giải thích từ ngữ
Trong Luật này, các từ ngữ dưới đây được hiểu như sau:
1. Thử nghiệm là việc làm thử.
2. Mục tiêu là điều cần đạt, gồm:
a) Mục tiêu chung;
b) Mục tiêu cụ thể.

Chương II
Mục 1. QUY ĐỊNH RIÊNG
Điều 3. Trách nhiệm
Cơ quan thực hiện theo quy định tại
Điều 169 của Luật này.
Mục tiêu của điều này là bảo đảm an toàn.
"""


def test_law_nesting() -> None:
    root = parse_structure(cleanup(LAW))
    assert labels(root) == ["Chương I. NHỮNG QUY ĐỊNH CHUNG", "Chương II"]
    chapter = root.children[0]
    assert labels(chapter) == ["Điều 1. Phạm vi điều chỉnh", "Điều 2. Giải thích từ ngữ"]
    article = chapter.children[1]
    assert [c.kind for c in article.children] == ["number", "number"]
    assert labels(article.children[1]) == ["a) Mục tiêu chung;", "b) Mục tiêu cụ thể."]
    second = root.children[1]
    assert labels(second) == ["Mục 1. QUY ĐỊNH RIÊNG"]
    assert labels(second.children[0]) == ["Điều 3. Trách nhiệm"]
    # "Điều 169 của Luật này." is a reference (and joined to its line), "Mục tiêu" is a word.
    assert second.children[0].children[0].children == []


@pytest.mark.parametrize(
    ("line", "kind", "number"),
    [
        ("I. MỤC ĐÍCH", "roman", "I"),
        ("IV- TỔ CHỨC THỰC HIỆN", "roman", "IV"),
        ("2.1. Sở Nội vụ", "number", "2.1"),
        ("2.1 Sở Nội vụ", "number", "2.1"),
        ("10.", "number", "10"),
        ("đ) Ngân hàng Nhà nước", "letter", "đ"),
        ("Điều 115", "dieu", "115"),
        ("Điều 5: Nguyên tắc", "dieu", "5"),
        ("Chương IV", "chuong", "IV"),
        ("CHƯƠNG II NHỮNG QUY ĐỊNH", "chuong", "II"),
        ("Phần thứ nhất", "phan", "thứ nhất"),
        ("Tiểu mục 2", "tieumuc", "2"),
        ("A. PHẦN CHUNG", "upper", "A"),
    ],
)
def test_headings(line: str, kind: str, number: str) -> None:
    match = match_heading(line)
    assert match is not None
    assert (match.kind, match.number) == (kind, number)


@pytest.mark.parametrize(
    "line",
    [
        "Điều 169 của Luật này.",
        "Mục tiêu tổng quát",
        "- Thực hiện có hiệu quả",
        "+ Nội dung",
        "(1) Lập quy hoạch",
        "3 năm 2022",
        "10.000 dân",
        "2022 và 2023; thực hiện",
        "X-quang",
        "C. Ronaldo",  # "C." only counts after "B."
        "V. các nội dung",
        "Chương trình phục hồi",
    ],
)
def test_not_headings(line: str) -> None:
    assert match_heading(line) is None


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("1. Sở Xây dựng:", "1. Sở Xây dựng"),
        ("1. Mục tiêu tổng quát: Thực hiện và cụ thể hóa. Xây dựng chiến lược.", "1. Mục tiêu tổng quát"),
        ("Điều 2. 1. Nhà nước Cộng hòa xã hội chủ nghĩa Việt Nam là nhà nước pháp quyền.", "Điều 2"),
        ("Điều 1. Nước Cộng hòa xã hội chủ nghĩa Việt Nam là một nước độc lập.", "Điều 1"),
        (
            "Điều 37. Rút đơn khởi kiện; sửa đổi đơn khởi kiện",
            "Điều 37. Rút đơn khởi kiện; sửa đổi đơn khởi kiện",
        ),
        ("Chương I", "Chương I"),
    ],
)
def test_heading_label(line: str, label: str) -> None:
    match = match_heading(line)
    assert match is not None
    assert heading_label(match, line) == label


def test_long_numbered_paragraph_label_is_cut_at_a_word() -> None:
    line = (
        "1. Trên cơ sở các nhiệm vụ, giải pháp chủ yếu trong Kế hoạch của Ủy ban nhân dân tỉnh, theo chức "
        "năng nhiệm vụ được phân công, các cơ quan chủ động triển khai thực hiện. Định kỳ báo cáo."
    )
    match = match_heading(line)
    assert match is not None
    label = heading_label(match, line)
    assert label.endswith("…") and len(label) <= 81
    assert line.startswith(label[:-1])


def test_text_without_headings_has_an_empty_tree() -> None:
    root = parse_structure("Một đoạn văn.\nHai đoạn văn.")
    assert root.children == [] and root.end == len("Một đoạn văn.\nHai đoạn văn.")
