"""Metadata of the seed plans and of laws, and the gazetteer behind provinces and districts."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import pytest

from corpus.cleanup import cleanup
from corpus.geography import lookup, province_names
from corpus.metadata import Metadata, extract_metadata, format_issuer
from corpus.normalize import normalize_text

SEED_DIR = Path(__file__).resolve().parents[2] / "corpus" / "documents"
ALQAC_DIR = Path(__file__).resolve().parents[3] / "shared" / "external" / "alqac2023" / "corpus"


@cache
def meta_of(path: Path) -> Metadata:
    return extract_metadata(cleanup(normalize_text(path.read_text(encoding="utf-8"))))


def meta_text(text: str) -> Metadata:
    return extract_metadata(cleanup(normalize_text(text)))


EXPECTED = {
    "hau-giang-chi-thi-24-dich-vu-xa-hoi-do-thi.txt": {
        "doc_type": "Kế hoạch",
        "number": None,  # the plan cites Chỉ thị 24/CT-TTg but has no number of its own
        "date": None,
        "issuer": "Ủy ban nhân dân tỉnh Hậu Giang",
        "province": "Hậu Giang",
        "district": None,
        "signer": None,
    },
    "van-quan-xa-hoi-hoa-2024-2030.txt": {
        "doc_type": "Kế hoạch",
        "number": None,
        "date": None,
        "issuer": "Ủy ban nhân dân huyện Văn Quan",
        "province": "Lạng Sơn",
        "district": "Văn Quan",
        "signer": "Hứa Phong Lan",
    },
    "ninh-thuan-1221-kh-ubnd-chinh-sach-xa-hoi.txt": {
        "doc_type": "Kế hoạch",
        "number": "1221/KH-UBND",
        "date": "2024-03-20",
        "issuer": "Ủy ban nhân dân tỉnh Ninh Thuận",
        "province": "Ninh Thuận",
        "district": None,
        "signer": None,  # the web copy stops after "TM. ỦY BAN NHÂN DÂN"
    },
    "tuyen-quang-208-kh-ubnd-ket-cau-ha-tang.txt": {
        "doc_type": "Kế hoạch",
        "number": "208/KH-UBND",
        "date": "2024-11-20",
        "issuer": "Ủy ban nhân dân tỉnh Tuyên Quang",
        "province": "Tuyên Quang",
        "district": None,
        "signer": None,
    },
    "lang-son-46-kh-ubnd-phuc-hoi-kinh-te.txt": {
        "doc_type": "Kế hoạch",
        "number": "46/KH-UBND",
        "date": "2022-03-01",
        "issuer": "Ủy ban nhân dân tỉnh Lạng Sơn",
        "province": "Lạng Sơn",
        "district": None,
        "signer": "Hồ Tiến Thiệu",
    },
}


@pytest.mark.parametrize(("name", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_seed_metadata(name: str, expected: dict[str, str | None]) -> None:
    meta = meta_of(SEED_DIR / name)
    got = {key: getattr(meta, key) for key in expected}
    assert got == expected


@pytest.mark.parametrize(
    ("name", "title"),
    [
        (
            "lang-son-46-kh-ubnd-phuc-hoi-kinh-te.txt",
            "KẾ HOẠCH TRIỂN KHAI THỰC HIỆN CHƯƠNG TRÌNH PHỤC HỒI VÀ PHÁT TRIỂN KINH TẾ - XÃ HỘI TRÊN ĐỊA BÀN "
            "TỈNH LẠNG SƠN",
        ),
        (
            "van-quan-xa-hoi-hoa-2024-2030.txt",
            "KẾ HOẠCH Thực hiện Chỉ thị số 27-CT/TU, ngày 11/3/2024 của Ban Thường vụ Tỉnh ủy về tiếp tục đẩy "
            "mạnh xã hội hóa đối với các hoạt động trong lĩnh vực giáo dục - đào tạo, giáo dục nghề nghiệp, y tế, "
            "văn hóa, thể thao, môi trường, giám định tư pháp giai đoạn 2024 - 2030 trên địa bàn huyện Văn Quan",
        ),
    ],
)
def test_seed_titles(name: str, title: str) -> None:
    assert meta_of(SEED_DIR / name).title == title


def test_every_seed_title_starts_with_its_type() -> None:
    for path in SEED_DIR.glob("*.txt"):
        meta = meta_of(path)
        assert meta.title is not None and meta.title.startswith("KẾ HOẠCH "), path.name


def test_recipients_are_kept_as_metadata() -> None:
    meta = meta_of(SEED_DIR / "lang-son-46-kh-ubnd-phuc-hoi-kinh-te.txt")
    assert meta.recipients[0] == "Văn phòng Chính phủ (b/c)"
    assert meta.recipients[-1] == "Lưu: VT, THNC (ĐTK)"
    assert len(meta.recipients) == 12
    van_quan = meta_of(SEED_DIR / "van-quan-xa-hoi-hoa-2024-2030.txt")
    assert van_quan.recipients == [
        "TT HU; TT HĐND huyện",
        "CT, các PCT UBND huyện",
        "UBMTTQVN huyện",
        "Các tổ chức chính trị, Đoàn thể huyện",
        "CVP HĐND&UBND huyện",
        "Các phòng, ban, ngành huyện",
        "UBND các xã, thị trấn",
        "Lưu: VT",
    ]
    assert meta_of(SEED_DIR / "hau-giang-chi-thi-24-dich-vu-xa-hoi-do-thi.txt").recipients == []


def closing_spans(path: Path) -> list[tuple[str, str]]:
    text = cleanup(normalize_text(path.read_text(encoding="utf-8")))
    return [(kind, text[s:e]) for s, e, kind in extract_metadata(text).excluded]


def test_closing_block_spans() -> None:
    """Recipients (metadata only) and signature (a chunk of its own) are told apart, even interleaved."""
    van_quan = closing_spans(SEED_DIR / "van-quan-xa-hoi-hoa-2024-2030.txt")
    assert [kind for kind, _ in van_quan] == ["signature", "recipients", "signature"]
    assert van_quan[0][1] == "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    assert van_quan[1][1].startswith("Nơi nhận:") and van_quan[1][1].endswith("- Lưu: VT.")
    assert van_quan[2][1] == "Hứa Phong Lan"
    lang_son = closing_spans(SEED_DIR / "lang-son-46-kh-ubnd-phuc-hoi-kinh-te.txt")
    assert [kind for kind, _ in lang_son] == ["recipients", "signature"]
    assert lang_son[1][1] == "CHỦ TỊCH\nHồ Tiến Thiệu"
    tuyen_quang = closing_spans(SEED_DIR / "tuyen-quang-208-kh-ubnd-ket-cau-ha-tang.txt")
    assert [kind for kind, _ in tuyen_quang] == ["recipients"]
    assert closing_spans(SEED_DIR / "hau-giang-chi-thi-24-dich-vu-xa-hoi-do-thi.txt") == []


@pytest.mark.skipif(not ALQAC_DIR.is_dir(), reason="ALQAC corpus not available")
@pytest.mark.parametrize(
    ("name", "title", "doc_type", "signer"),
    [
        ("luat-thanh-nien.txt", "LUẬT THANH NIÊN", "Luật", "Nguyễn Thị Kim Ngân"),
        ("bo-luat-dan-su.txt", "BỘ LUẬT DÂN SỰ", "Bộ luật", "Nguyễn Sinh Hùng"),
        ("hien-phap.txt", "HIẾN PHÁP", "Hiến pháp", "Nguyễn Sinh Hùng"),
    ],
)
def test_law_metadata(name: str, title: str, doc_type: str, signer: str) -> None:
    meta = meta_of(ALQAC_DIR / name)
    assert (meta.title, meta.doc_type, meta.signer) == (title, doc_type, signer)
    assert (meta.number, meta.date, meta.province, meta.issuer) == (None, None, None, None)


def test_a_decision_with_numeric_date_and_district_place() -> None:
    meta = meta_text(
        "ỦY BAN NHÂN DÂN\nHUYỆN HỮU LŨNG\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Số: 12/QĐ-UBND\nHữu Lũng, ngày 05/3/2023\n\nQUYẾT ĐỊNH\nVề việc ban hành Quy chế làm việc\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.\nĐiều 2. Quyết định có hiệu lực.\n\n"
        "CHỦ TỊCH\n(Đã ký)\nNguyễn Văn An\n"
    )
    assert meta.doc_type == "Quyết định"
    assert meta.title == "QUYẾT ĐỊNH Về việc ban hành Quy chế làm việc"
    assert (meta.number, meta.date) == ("12/QĐ-UBND", "2023-03-05")
    assert (meta.province, meta.district) == ("Lạng Sơn", "Hữu Lũng")
    assert meta.issuer == "Ủy ban nhân dân huyện Hữu Lũng"
    assert meta.signer == "Nguyễn Văn An"


def test_nothing_is_guessed() -> None:
    meta = meta_text("Một đoạn văn bản không có tiêu đề.\n\nChâu Thành, ngày 31 tháng 2 năm 2024\n")
    assert meta.number is None
    assert meta.date is None  # 31/2 does not exist
    assert meta.province is None  # "Châu Thành" is a district in many provinces
    assert meta.issuer is None and meta.signer is None and meta.doc_type is None
    assert meta.title == "Một đoạn văn bản không có tiêu đề."


def test_a_dated_sentence_in_the_body_is_not_the_issue_date() -> None:
    meta = meta_text(
        "KẾ HOẠCH\nThử nghiệm\n\nI. NỘI DUNG\nTại Hội nghị, ngày 12 tháng 5 năm 2023 các đơn vị đã thống nhất.\n"
    )
    assert meta.date is None


def test_number_code_gives_the_type_when_no_title_line_does() -> None:
    meta = meta_text(
        "SỞ Y TẾ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 305/SYT-NVY\nV/v tăng cường phòng chống dịch\n"
    )
    assert meta.number == "305/SYT-NVY"
    assert meta.doc_type == "Công văn"
    assert meta.issuer == "Sở Y tế"


@pytest.mark.parametrize(
    ("caps", "issuer"),
    [
        ("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "Ủy ban nhân dân tỉnh Lạng Sơn"),
        ("UBND THÀNH PHỐ HÀ NỘI", "Ủy ban nhân dân thành phố Hà Nội"),
        ("BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "Bộ Kế hoạch và Đầu tư"),
        ("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Bộ Lao động - Thương binh và Xã hội"),
        ("ỦY BAN NHÂN DÂN TỈNH", None),  # which province? not written, not guessed
    ],
)
def test_format_issuer(caps: str, issuer: str | None) -> None:
    assert format_issuer(caps) == issuer


# -- gazetteer ---------------------------------------------------------------------------------------


def test_gazetteer_has_the_63_provinces() -> None:
    names = province_names()
    assert len(names) == len(set(names)) == 63
    for seed_province in ("Hậu Giang", "Lạng Sơn", "Ninh Thuận", "Tuyên Quang"):
        assert seed_province in names


def test_every_unit_resolves_to_its_own_province() -> None:
    raw = json.loads(resources.files("corpus").joinpath("data/provinces.json").read_text(encoding="utf-8"))
    ambiguous = set(raw["ambiguous_units"])
    for entry in raw["provinces"]:
        for unit in entry["units"]:
            place = lookup(unit["name"], level=unit["kind"])
            if unit["name"] in ambiguous:
                continue
            assert place is not None and place.province == entry["name"], unit


@pytest.mark.parametrize(
    ("name", "level", "province", "district"),
    [
        ("Văn Quan", None, "Lạng Sơn", "Văn Quan"),
        ("VĂN QUAN", "huyện", "Lạng Sơn", "Văn Quan"),
        ("Lạng Sơn", None, "Lạng Sơn", None),
        ("Lạng Sơn", "thành phố", "Lạng Sơn", None),
        ("TP. Hồ Chí Minh", None, "Hồ Chí Minh", None),
        ("Thừa Thiên - Huế", None, "Thừa Thiên Huế", None),
        ("Huế", None, "Thừa Thiên Huế", "Huế"),
        ("Phan Rang-Tháp Chàm", None, "Ninh Thuận", "Phan Rang - Tháp Chàm"),
        ("Vị Thanh", None, "Hậu Giang", "Vị Thanh"),
        ("Quảng Bình", None, "Quảng Bình", None),
        ("Quang Bình", None, "Hà Giang", "Quang Bình"),
        ("hau giang", None, "Hậu Giang", None),
    ],
)
def test_lookup(name: str, level: str | None, province: str, district: str | None) -> None:
    place = lookup(name, level=level)
    assert place is not None
    assert (place.province, place.district) == (province, district)


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("quang binh", None),
        ("Châu Thành", None),
        ("Văn Quan", "tỉnh"),
        ("Lạng Sơn", "quận"),
        ("Atlantis", None),
    ],
)
def test_lookup_refuses_to_guess(name: str, level: str | None) -> None:
    assert lookup(name, level=level) is None
