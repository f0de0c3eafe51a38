"""Chunks of the seed plans and of laws: paths, sizes, exclusions, offsets and pages."""

from __future__ import annotations

import re
import statistics
from functools import cache
from pathlib import Path

import pytest

from corpus.chunking import PREAMBLE_LABEL, SectionChunker, available_chunkers, make_chunker
from corpus.metadata import extract_metadata
from corpus.models import SECTION_SEPARATOR, ParsedDocument
from corpus.pipeline import SIGNATURE_LABEL, parse_file, parse_text
from tests.fixtures.make_files import make_pdf

SEED_DIR = Path(__file__).resolve().parents[2] / "corpus" / "documents"
SEEDS = sorted(p.name for p in SEED_DIR.glob("*.txt"))
HAU_GIANG = "hau-giang-chi-thi-24-dich-vu-xa-hoi-do-thi.txt"
LANG_SON = "lang-son-46-kh-ubnd-phuc-hoi-kinh-te.txt"
NINH_THUAN = "ninh-thuan-1221-kh-ubnd-chinh-sach-xa-hoi.txt"


@cache
def parsed(name: str) -> ParsedDocument:
    return parse_file(SEED_DIR / name)


def chunk_with(doc: ParsedDocument, needle: str) -> list[str]:
    matches = [c for c in doc.chunks if needle in c.text]
    assert len(matches) == 1, needle
    return matches[0].heading_path


def test_social_housing_is_under_the_construction_department() -> None:
    doc = parsed(HAU_GIANG)
    chunk = next(c for c in doc.chunks if "nhà ở xã hội hiệu quả" in c.text)
    assert chunk.heading_path == ["IV. TỔ CHỨC THỰC HIỆN", "1. Sở Xây dựng"]
    assert chunk.section == "IV. TỔ CHỨC THỰC HIỆN › 1. Sở Xây dựng"


def test_lang_son_agency_headings_are_whole() -> None:
    doc = parsed(LANG_SON)
    path = chunk_with(doc, "hỗ trợ tiền thuê nhà đối với người lao động")
    assert path == ["III. NHIỆM VỤ VÀ GIẢI PHÁP", "8. Sở Lao động - Thương binh và Xã hội"]
    path = chunk_with(doc, "tạo điều kiện, tháo gỡ khó khăn, vướng mắc cho hoạt động kinh doanh vận tải")
    assert path == ["III. NHIỆM VỤ VÀ GIẢI PHÁP", "10. Sở Giao thông vận tải"]
    sections = {c.section for c in doc.chunks}
    assert "III. NHIỆM VỤ VÀ GIẢI PHÁP › 6. Sở Công Thương" in sections
    assert not any(s.endswith("› - Thương binh và Xã hội") for s in sections)


def test_preamble_is_a_chunk() -> None:
    doc = parsed(LANG_SON)
    first = doc.chunks[0]
    assert first.heading_path == [PREAMBLE_LABEL]
    assert first.text.startswith("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "KẾ HOẠCH\nTRIỂN KHAI THỰC HIỆN CHƯƠNG TRÌNH PHỤC HỒI" in first.text
    assert "UBND tỉnh ban hành Kế hoạch triển khai" in first.text


@pytest.mark.parametrize("name", SEEDS)
def test_no_chunk_holds_boilerplate_or_recipients(name: str) -> None:
    doc = parsed(name)
    for chunk in doc.chunks:
        for banned in ("Ý kiến bạn đọc", "Nhấp vào nút", "Nơi nhận", "Lưu: VT", "(b/c)"):
            assert banned not in chunk.text, (name, banned)


@pytest.mark.parametrize("name", SEEDS)
def test_the_signature_is_a_chunk_of_its_own(name: str) -> None:
    doc = parsed(name)
    signature = [c for c in doc.chunks if c.heading_path == [SIGNATURE_LABEL]]
    for chunk in doc.chunks:
        if chunk not in signature:
            assert "TM. ỦY BAN" not in chunk.text and "KT. CHỦ TỊCH" not in chunk.text
            assert not doc.document.signer or doc.document.signer not in chunk.text
    if doc.document.signer:
        assert any(doc.document.signer in c.text for c in signature)


def test_signature_chunks_of_the_seeds() -> None:
    assert [c.text for c in parsed(LANG_SON).chunks if c.section == SIGNATURE_LABEL] == [
        "CHỦ TỊCH\nHồ Tiến Thiệu"
    ]
    assert [c.text for c in parsed(NINH_THUAN).chunks if c.section == SIGNATURE_LABEL] == [
        "TM. ỦY BAN NHÂN DÂN"
    ]
    van_quan = [
        c.text for c in parsed("van-quan-xa-hoi-hoa-2024-2030.txt").chunks if c.section == SIGNATURE_LABEL
    ]
    assert van_quan == ["TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Hứa Phong Lan"]
    assert not [c for c in parsed(HAU_GIANG).chunks if c.section == SIGNATURE_LABEL]


def test_number_and_date_are_in_the_preamble() -> None:
    preamble = parsed(NINH_THUAN).chunks[0]
    assert preamble.heading_path == [PREAMBLE_LABEL]
    assert "Số: 1221/KH-UBND" in preamble.text
    assert "Ninh Thuận, ngày 20 tháng 3 năm 2024" in preamble.text


@pytest.mark.parametrize("name", SEEDS)
def test_offsets_ids_and_coverage(name: str) -> None:
    doc = parsed(name)
    text = doc.text
    covered = [False] * len(text)
    for ordinal, chunk in enumerate(doc.chunks):
        assert chunk.chunk_id == f"{doc.document.doc_id}:{ordinal}" and chunk.ordinal == ordinal
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip() and chunk.text
        assert chunk.section == SECTION_SEPARATOR.join(chunk.heading_path)
        assert chunk.title == doc.document.title
        assert chunk.page_start is None and chunk.page_end is None  # .txt has no pages
        for i in range(chunk.start, chunk.end):
            assert not covered[i], "chunks overlap"
            covered[i] = True
    assert [c.start for c in doc.chunks] == sorted(c.start for c in doc.chunks)
    # What no chunk covers is whitespace or the recipients list, kept as metadata.
    missing = "".join(ch for ch, cov in zip(text, covered, strict=True) if not cov and not ch.isspace())
    recipients = [text[s:e] for s, e, kind in extract_metadata(text).excluded if kind == "recipients"]
    assert missing == re.sub(r"\s", "", "".join(recipients))


def test_chunk_sizes_on_the_seeds() -> None:
    chunks = [c for name in SEEDS for c in parsed(name).chunks]
    chars = [len(c.text) for c in chunks]
    words = [len(c.text.split()) for c in chunks]
    assert statistics.median(chars) < 1000
    assert 100 <= statistics.median(words) <= 300
    assert max(words) <= 400


def test_tiny_siblings_merge_under_their_parent() -> None:
    text = (
        "KẾ HOẠCH\nThử nghiệm\n\nI. NHIỆM VỤ\n1. Sở A:\n- Làm việc một.\n2. Sở B:\n- Làm việc hai.\n"
        "3. Sở C:\n" + "- Làm việc ba rất dài. " * 30 + "\n"
    )
    doc = parse_text(text, source="thu.txt")
    # The tiny preamble opens the first unit; "1." and "2." are tiny and merge; "3." keeps its own path.
    assert [c.section for c in doc.chunks] == ["I. NHIỆM VỤ", "I. NHIỆM VỤ › 3. Sở C"]
    assert doc.chunks[0].text.startswith("KẾ HOẠCH\nThử nghiệm\n\nI. NHIỆM VỤ\n1. Sở A:")
    assert doc.chunks[0].text.endswith("2. Sở B:\n- Làm việc hai.")


def test_articles_are_units_and_long_ones_keep_their_number() -> None:
    clause = "Cơ quan, tổ chức có trách nhiệm thực hiện đúng quy định của pháp luật về việc này. "
    text = "LUẬT MẪU\n\nĐiều 1. Ngắn\nMột câu.\n\nĐiều 2. Cũng ngắn\nHai câu.\n\nĐiều 3. Rất dài\n" + "".join(
        f"{i}. {clause * 8}\n" for i in range(1, 8)
    )
    doc = parse_text(text, source="luat-mau.txt")
    assert doc.chunks[0].heading_path == ["Điều 1. Ngắn"]
    assert doc.chunks[0].text.startswith("LUẬT MẪU\n\nĐiều 1. Ngắn")  # the title opens the first article
    assert doc.chunks[1].heading_path == ["Điều 2. Cũng ngắn"]
    long_parts = doc.chunks[2:]
    assert len(long_parts) >= 2
    assert all(c.heading_path[0] == "Điều 3. Rất dài" for c in long_parts)
    assert all(len(c.text.split()) <= 400 for c in long_parts)


def test_a_single_huge_paragraph_is_split_at_sentences() -> None:
    sentence = "Các sở, ngành phối hợp triển khai thực hiện nhiệm vụ được giao một cách hiệu quả. "
    doc = parse_text("KẾ HOẠCH\nThử\n\nI. NỘI DUNG\n" + sentence * 120, source="x.txt")
    parts = [c for c in doc.chunks if c.heading_path == ["I. NỘI DUNG"]]
    assert len(parts) >= 4
    assert all(len(c.text.split()) <= 400 for c in parts)
    assert all(c.text.endswith(".") for c in parts)


def test_pdf_chunks_know_their_pages(tmp_path: Path) -> None:
    raw = (SEED_DIR / LANG_SON).read_text(encoding="utf-8")
    pdf = tmp_path / "lang-son.pdf"
    pages = make_pdf(raw, pdf, markers=["Chiến dịch tiêm chủng mùa Xuân năm 2022", "Sở Nội vụ"])
    doc = parse_file(pdf)
    assert doc.document.pages == len(doc.page_starts) > 5
    assert doc.document.number == "46/KH-UBND" and doc.document.signer == "Hồ Tiến Thiệu"
    for chunk in doc.chunks:
        assert chunk.page_start is not None and chunk.page_end is not None
        assert 1 <= chunk.page_start <= chunk.page_end <= doc.document.pages
        assert doc.text[chunk.start : chunk.end] == chunk.text
    vaccine = next(c for c in doc.chunks if "Chiến dịch tiêm chủng mùa" in c.text)
    assert vaccine.page_start is not None and vaccine.page_end is not None
    assert vaccine.page_start <= pages["Chiến dịch tiêm chủng mùa Xuân năm 2022"] <= vaccine.page_end
    assert vaccine.heading_path == ["III. NHIỆM VỤ VÀ GIẢI PHÁP", "7. Sở Y tế"]


def test_chunker_factory() -> None:
    assert available_chunkers() == ("section",)
    chunker = make_chunker("section", max_words=300)
    assert isinstance(chunker, SectionChunker) and chunker.max_words == 300
    with pytest.raises(ValueError, match="unknown chunker 'fixed'"):
        make_chunker("fixed")
    with pytest.raises(ValueError, match="min_words"):
        SectionChunker(min_words=500, target_words=100, max_words=400)
