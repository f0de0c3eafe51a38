"""Properties of the whole pipeline on generated Vietnamese-like documents, and of the seeds end to end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.cleanup import cleanup
from corpus.errors import EmptyDocumentError
from corpus.metadata import extract_metadata
from corpus.models import ParsedDocument
from corpus.normalize import normalize_text
from corpus.pipeline import SIGNATURE_LABEL, doc_id_for, parse_file, parse_text

SEED_DIR = Path(__file__).resolve().parents[2] / "corpus" / "documents"

HEADINGS = [
    "I. MỤC ĐÍCH, YÊU CẦU",
    "II. NHIỆM VỤ",
    "IV- TỔ CHỨC THỰC HIỆN",
    "1. Sở Xây dựng:",
    "2.1. Sở Nội vụ chủ trì, phối hợp với các Sở, ban, ngành",
    "10.",
    "a) Nhóm xây dựng kết cấu hạ tầng khung:",
    "đ) Ngân hàng Nhà nước chi nhánh tỉnh",
    "Điều 5. Nguyên tắc bảo đảm",
    "Điều 7",
    "Chương II",
    "NHỮNG QUY ĐỊNH CHUNG",
    "Mục 1. QUY ĐỊNH RIÊNG",
    "KẾ HOẠCH",
    "8. Sở Lao động",
    "- Thương binh và Xã hội",
]
LINES = [
    "- Chủ trì, phối hợp với các sở, ngành liên quan triển khai thực hiện;",
    "+ Báo cáo kết quả trước ngày 01/12 hằng năm.",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:",
    "Số: 46/KH-UBND",
    "Lạng Sơn, ngày 01 tháng 3 năm 2022",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "Nơi nhận:",
    "- Như trên;",
    "Hồ Tiến Thiệu",
    "(1) Lập quy hoạch; (2) Đầu tư xây dựng.",
    "Trên đây là Kế hoạch thực hiện./.",
    "phát triển kinh tế",
    "- xã hội của tỉnh",
    "tỉnh Lạng",
    "Sơn.",
    "vắc-",
    "xin",
    "|",
    "-------",
    "Ý kiến bạn đọc",
]
WORDS = [
    "sở",
    "ngành",
    "huyện",
    "tỉnh",
    "xã",
    "hội",
    "kinh",
    "tế",
    "phát",
    "triển",
    "nhà",
    "ở",
    "y",
    "tế",
    "giáo",
    "dục",
    "đào",
    "tạo",
    "quản",
    "lý",
    "nhà",
    "nước",
    "Sở",
    "Xây",
    "dựng",
    "UBND",
    "HĐND",
    "Chính",
    "phủ",
    "Thủ",
    "tướng",
    "Trung",
    "ương",
    "của",
    "với",
    "và",
    "các",
    "cho",
    "tại",
    "theo",
    "trong",
    "về",
    "ở",
    "y",
    "Lạng",
    "Sơn",
    "Hậu",
    "Giang",
    "Văn",
    "Quan",
    "2024",
    "01/12",
    "46/KH-UBND",
    "100%",
    "Điều",
    "khoản",
    "điểm",
    "mục",
]
SEPARATORS = ["\n", "\n", "\n\n", " ", ", ", ". ", "; ", ": ", " - ", " | ", "\n- ", "\n1. ", "\r\n", "\t"]

word = st.sampled_from(WORDS)
sentence = st.lists(word, min_size=1, max_size=14).map(" ".join)
fragment = st.one_of(st.sampled_from(HEADINGS), st.sampled_from(LINES), sentence)
document = st.lists(st.tuples(fragment, st.sampled_from(SEPARATORS)), min_size=1, max_size=40).map(
    lambda parts: "".join(f + s for f, s in parts)
)
noise = st.text(
    alphabet=st.sampled_from(list("aăâđeêioôơuưyAĐÔƯ áàảãạếềểễệ0123456789.,;:-+()|/\n\n  ")),
    min_size=0,
    max_size=300,
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_document(doc: ParsedDocument) -> None:
    text = doc.text
    closing = extract_metadata(text).excluded
    excluded = [(s, e) for s, e, kind in closing if kind == "recipients"]
    signatures = {text[s:e].strip() for s, e, kind in closing if kind == "signature"}
    assert signatures == {c.text for c in doc.chunks if c.heading_path == [SIGNATURE_LABEL]}
    covered = [False] * len(text)
    previous_end = 0
    for ordinal, chunk in enumerate(doc.chunks):
        assert chunk.chunk_id == f"{doc.document.doc_id}:{ordinal}"
        assert text[chunk.start : chunk.end] == chunk.text != ""
        assert chunk.start >= previous_end, "chunks overlap or are out of order"
        previous_end = chunk.end
        assert not any(s < chunk.end and e > chunk.start for s, e in excluded), "excluded text in a chunk"
        for i in range(chunk.start, chunk.end):
            covered[i] = True
    for s, e in excluded:
        for i in range(s, e):
            covered[i] = True
    lost = [text[i] for i in range(len(text)) if not covered[i] and not text[i].isspace()]
    assert not lost, f"text in no chunk: {''.join(lost)[:80]!r}"


def _parse(raw: str) -> ParsedDocument | None:
    try:
        return parse_text(raw, source="sinh-tu-dong.txt")
    except EmptyDocumentError:
        assert not cleanup(normalize_text(raw)).strip()
        return None


@FAST
@given(document)
def test_generated_documents_round_trip(raw: str) -> None:
    doc = _parse(raw)
    if doc is not None:
        _check_document(doc)


@FAST
@given(noise)
def test_noise_never_crashes(raw: str) -> None:
    doc = _parse(raw)
    if doc is not None:
        _check_document(doc)


@FAST
@given(st.one_of(document, noise))
def test_cleanup_is_idempotent(raw: str) -> None:
    once = cleanup(normalize_text(raw))
    assert cleanup(once) == once


_RULE = re.compile(r"^[-_=*~]{3,}$")


@FAST
@given(document)
def test_cleanup_keeps_every_word(raw: str) -> None:
    """Without pipes, rule lines and web widgets, cleanup only moves whitespace."""
    raw = raw.replace("|", "/").replace("Ý kiến bạn đọc", "Ý kiến")
    normalized = normalize_text(raw)
    expected = "\n".join(line for line in normalized.split("\n") if not _RULE.match(line.strip()))
    assert re.sub(r"\s", "", cleanup(normalized)) == re.sub(r"\s", "", expected)


@FAST
@given(st.text(max_size=120))
def test_doc_ids_are_safe_slugs(name: str) -> None:
    doc_id = doc_id_for(Path(name.replace("/", "_") or "x") if name not in (".", "..") else "x")
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", doc_id)
    assert len(doc_id) <= 80


@pytest.mark.parametrize(
    ("name", "doc_id"),
    [
        ("lang-son-46-kh-ubnd-phuc-hoi-kinh-te.txt", "lang-son-46-kh-ubnd-phuc-hoi-kinh-te"),
        ("Kế hoạch 46_KH-UBND (Lạng Sơn).pdf", "ke-hoach-46-kh-ubnd-lang-son"),
        ("Đường đi ĐÔ THỊ.docx", "duong-di-do-thi"),
        ("x" * 200 + ".txt", "x" * 80),
    ],
)
def test_doc_id_for(name: str, doc_id: str) -> None:
    assert doc_id_for(Path(name)) == doc_id


def test_doc_id_of_an_unusable_name_is_a_hash() -> None:
    assert re.fullmatch(r"doc-[0-9a-f]{12}", doc_id_for(Path("……….txt")))
    assert doc_id_for("../../etc/pass wd") == "pass-wd"


@pytest.mark.parametrize("path", sorted(SEED_DIR.glob("*.txt")), ids=lambda p: p.name)
def test_seeds_end_to_end(path: Path) -> None:
    doc = parse_file(path)
    assert doc.document.doc_id == path.stem
    assert doc.document.source == path.name
    assert len(doc.document.content_hash) == 64
    assert doc.page_starts == [] and doc.document.pages is None
    assert 10 <= len(doc.chunks) <= 60
    _check_document(doc)
    # Parsing the same text in memory gives the same result.
    again = parse_text(path.read_text(encoding="utf-8"), source=path.name)
    assert again.text == doc.text
    assert [c.model_dump() for c in again.chunks] == [c.model_dump() for c in doc.chunks]


def test_text_that_is_only_boilerplate_is_empty() -> None:
    with pytest.raises(EmptyDocumentError, match="no text"):
        parse_text(" | \n-------\n", source="rong.txt")
