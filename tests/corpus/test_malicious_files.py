"""Bad, damaged and hostile files: each fails with its own IngestError subclass, nothing else escapes."""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from corpus.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncodingError,
    EncryptedDocumentError,
    IngestError,
    NoTextLayerError,
    TooLargeError,
    UnsupportedFormatError,
)
from corpus.loaders import SUPPORTED_EXTENSIONS, LoadedFile, load
from tests.fixtures.make_files import (
    make_docx,
    make_encrypted_pdf,
    make_html,
    make_scanned_pdf,
    make_zip_bomb_docx,
    pdf_bytes,
    to_cp1258,
)

VIETNAMESE = "Sở Xây dựng chủ trì, phối hợp với Sở Tài chính hướng dẫn thực hiện chính sách nhà ở xã hội."


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A hand-written PDF with a correct xref table, for structures no PDF library would write."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _one_page_pdf(content: bytes, page_extra: bytes = b"", stream_extra: bytes = b"") -> bytes:
    stream = b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(content), stream_extra, content)
    return _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> " + page_extra + b">>",
            stream,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


_TEXT_OP = b"BT /F1 12 Tf 72 700 Td (Ke hoach trien khai chuong trinh) Tj ET"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _fails(path: Path, error: type[IngestError]) -> IngestError:
    """Load ``path`` expecting exactly ``error``; check the message names the file and has a reason."""
    with pytest.raises(IngestError) as info:
        load(path)
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    assert str(info.value).startswith(f"{path.name}: ")
    assert len(info.value.reason) > 15
    return info.value


# --- PDF ---------------------------------------------------------------------------------------------


def test_hand_written_pdf_is_readable(tmp_path: Path) -> None:
    # Guards the helpers below: the hostile variants differ from this one in one structure only.
    loaded = load(_write(tmp_path, "ok.pdf", _one_page_pdf(_TEXT_OP)))
    assert loaded.pages == ["Ke hoach trien khai chuong trinh"]


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = tmp_path / "mat.pdf"
    make_encrypted_pdf(path, user_password="mat-khau")
    assert "password" in _fails(path, EncryptedDocumentError).reason


def test_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    path = tmp_path / "ban-scan.pdf"
    make_scanned_pdf(path, pages=2)
    error = _fails(path, NoTextLayerError)
    assert "OCR" in error.reason and "2 page" in error.reason


@pytest.mark.parametrize("cut", [0.2, 0.5, 0.9, 0.999])
def test_truncated_pdf(tmp_path: Path, seed_plan_pdf: Path, cut: float) -> None:
    data = seed_plan_pdf.read_bytes()
    _fails(_write(tmp_path, "cut.pdf", data[: int(len(data) * cut)]), CorruptDocumentError)


def test_pdf_with_its_middle_cut_out(tmp_path: Path) -> None:
    data, _ = pdf_bytes(VIETNAMESE * 20)
    _fails(_write(tmp_path, "thung.pdf", data[:2000] + data[-400:]), CorruptDocumentError)


def test_pdf_header_only(tmp_path: Path) -> None:
    _fails(
        _write(tmp_path, "dau.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF"), CorruptDocumentError
    )


def test_pdf_deeply_nested_content(tmp_path: Path) -> None:
    depth = 50_000
    content = b"BT /F1 12 Tf 72 700 Td " + b"[" * depth + b"(x)" + b"]" * depth + b" TJ ET"
    _fails(_write(tmp_path, "long.pdf", _one_page_pdf(content)), CorruptDocumentError)


def test_pdf_deeply_nested_objects(tmp_path: Path) -> None:
    depth = 50_000
    nested = b"/Deep " + b"[" * depth + b"]" * depth + b" "
    _fails(_write(tmp_path, "mang.pdf", _one_page_pdf(_TEXT_OP, page_extra=nested)), CorruptDocumentError)


def test_pdf_page_tree_cycle(tmp_path: Path) -> None:
    data = _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ]
    )
    _fails(_write(tmp_path, "vong.pdf", data), CorruptDocumentError)


def test_pdf_decompression_bomb(tmp_path: Path) -> None:
    # ~84 MB of drawing operators in a ~100 KB stream: beyond pypdf's 75 MB inflate limit.
    bomb = zlib.compress(b"0 0 m " * 14_000_000, 9)
    data = _one_page_pdf(bomb, stream_extra=b"/Filter /FlateDecode")
    assert len(data) < 200_000
    _fails(_write(tmp_path, "bom.pdf", data), TooLargeError)


def test_pdf_with_too_many_pages(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(2001):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    error = _fails(_write(tmp_path, "nhieu-trang.pdf", buffer.getvalue()), TooLargeError)
    assert "2001 pages" in error.reason


def test_pdf_without_pages(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    _fails(_write(tmp_path, "rong.pdf", buffer.getvalue()), EmptyDocumentError)


# --- DOCX --------------------------------------------------------------------------------------------


def test_zip_bomb_docx(tmp_path: Path) -> None:
    path = tmp_path / "bom.docx"
    make_zip_bomb_docx(path)
    assert path.stat().st_size < 1_000_000
    assert "zip bomb" in _fails(path, TooLargeError).reason


def test_docx_with_too_many_entries(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer, "a") as archive:
        for number in range(10_001):
            archive.writestr(f"extra/part{number}.xml", b"")
    _fails(_write(tmp_path, "nhieu.docx", buffer.getvalue()), TooLargeError)


def test_truncated_docx(tmp_path: Path, seed_plan_docx: Path) -> None:
    data = seed_plan_docx.read_bytes()
    _fails(_write(tmp_path, "cut.docx", data[: len(data) // 2]), CorruptDocumentError)


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "không phải Word")
    _fails(_write(tmp_path, "nen.docx", buffer.getvalue()), UnsupportedFormatError)


def test_excel_workbook_named_docx(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "Excel" in _fails(_write(tmp_path, "bang.docx", buffer.getvalue()), UnsupportedFormatError).reason


def test_docx_with_broken_xml(tmp_path: Path, seed_plan_docx: Path) -> None:
    source = zipfile.ZipFile(seed_plan_docx)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            archive.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    _fails(_write(tmp_path, "hong.docx", buffer.getvalue()), CorruptDocumentError)


def test_docx_entity_expansion_is_not_performed(tmp_path: Path) -> None:
    """A "billion laughs" document.xml must neither expand nor hang."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        "<w:p><w:r><w:t>Sở Y tế &lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = body.encode() if item.filename == "word/document.xml" else source.read(item.filename)
            archive.writestr(item, data)
    path = _write(tmp_path, "cuoi.docx", out.getvalue())
    try:
        loaded = load(path)
    except IngestError:
        return
    assert len(loaded.pages[0]) < 1000


def test_empty_docx(tmp_path: Path) -> None:
    path = tmp_path / "trong.docx"
    make_docx([], path)
    _fails(path, EmptyDocumentError)


# --- text --------------------------------------------------------------------------------------------


def test_random_bytes_txt(tmp_path: Path) -> None:
    rng = random.Random(7)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(4000))
    assert "UTF-8" in _fails(_write(tmp_path, "rac.txt", data), EncodingError).reason


def test_nul_bytes_in_text(tmp_path: Path) -> None:
    data = VIETNAMESE.encode() + b"\x00\x00" + VIETNAMESE.encode()
    assert "NUL" in _fails(_write(tmp_path, "nul.txt", data), UnsupportedFormatError).reason


@pytest.mark.parametrize(
    "data",
    [
        ("Die Straße führt über die Brücke nach Köln. Größe zählt. " * 20).encode("latin-1"),
        ("Русский текст для проверки. " * 30).encode("cp1251"),
        ("中华人民共和国国务院关于印发" * 30).encode("gbk"),
        VIETNAMESE.encode("utf-32"),
        bytes(range(1, 32)) * 20,
    ],
    ids=["latin1-german", "cp1251", "gbk", "utf32", "controls"],
)
def test_other_encodings_are_refused(tmp_path: Path, data: bytes) -> None:
    _fails(_write(tmp_path, "ma-khac.txt", data), EncodingError)


def test_mixed_utf8_and_cp1258(tmp_path: Path, seed_plan_text: str) -> None:
    data = seed_plan_text[:3000].encode("utf-8") + to_cp1258(seed_plan_text[3000:6000])
    _fails(_write(tmp_path, "tron.txt", data), EncodingError)


def test_utf8_bom_with_invalid_body(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + to_cp1258(VIETNAMESE)), EncodingError)


# --- wrong content for the extension -----------------------------------------------------------------


def test_wrong_extension_for_content(tmp_path: Path, seed_plan_pdf: Path, seed_plan_docx: Path) -> None:
    pdf, word = seed_plan_pdf.read_bytes(), seed_plan_docx.read_bytes()
    assert "PDF" in _fails(_write(tmp_path, "la-pdf.docx", pdf), UnsupportedFormatError).reason
    assert "Word" in _fails(_write(tmp_path, "la-word.pdf", word), UnsupportedFormatError).reason
    _fails(_write(tmp_path, "la-pdf.txt", pdf), UnsupportedFormatError)
    _fails(_write(tmp_path, "la-word.html", word), UnsupportedFormatError)
    _fails(_write(tmp_path, "anh.txt", b"\x89PNG\r\n\x1a\n" + bytes(100)), UnsupportedFormatError)
    old_word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert ".doc" in _fails(_write(tmp_path, "cu.docx", old_word), UnsupportedFormatError).reason
    _fails(_write(tmp_path, "van-ban.pdf", VIETNAMESE.encode()), CorruptDocumentError)
    _fails(_write(tmp_path, "van-ban.docx", VIETNAMESE.encode()), UnsupportedFormatError)


def test_unknown_and_missing_extensions(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "bang.xls", b"x"), UnsupportedFormatError)
    _fails(_write(tmp_path, "khong-duoi", VIETNAMESE.encode()), UnsupportedFormatError)
    _fails(_write(tmp_path, "ke-hoach.doc", b"\xd0\xcf\x11\xe0"), UnsupportedFormatError)


# --- empty, too large, unreadable --------------------------------------------------------------------


@pytest.mark.parametrize("extension", SUPPORTED_EXTENSIONS)
def test_empty_file(tmp_path: Path, extension: str) -> None:
    assert "empty" in _fails(_write(tmp_path, f"rong{extension}", b""), EmptyDocumentError).reason


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("trang.txt", b" \n\t\r\n "),
        ("trang.md", b"\xef\xbb\xbf\n\n"),
        (
            "script.html",
            b"<html><head><title>T</title><script>var a = 1;</script></head><body> </body></html>",
        ),
    ],
)
def test_file_without_text(tmp_path: Path, name: str, data: bytes) -> None:
    _fails(_write(tmp_path, name, data), EmptyDocumentError)


def test_max_bytes(tmp_path: Path) -> None:
    path = _write(tmp_path, "lon.txt", VIETNAMESE.encode())
    with pytest.raises(TooLargeError, match="the limit is 10"):
        load(path, max_bytes=10)
    assert load(path, max_bytes=len(VIETNAMESE.encode())).pages == [VIETNAMESE]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    _fails(tmp_path / "khong-co.txt", IngestError)
    (tmp_path / "thu-muc.pdf").mkdir()
    _fails(tmp_path / "thu-muc.pdf", IngestError)


def test_deeply_nested_html(tmp_path: Path) -> None:
    data = ("<div>" * 20_000 + "Nội dung" + "</div>" * 20_000).encode()
    path = _write(tmp_path, "sau.html", data)
    try:
        loaded = load(path)
    except IngestError:
        return
    assert "Nội dung" in loaded.pages[0]


# --- property: nothing but IngestError escapes -------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def real_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Small valid files of every format, to be damaged by the property tests."""
    folder = tmp_path_factory.mktemp("real")
    make_docx(["KẾ HOẠCH", ("1. Mục đích", "List Number")], folder / "a.docx", table_rows=[["1", "Sở Y tế"]])
    make_html([VIETNAMESE], folder / "a.html", table_rows=[["1", "Sở Y tế"]])
    return {
        ".pdf": pdf_bytes(["Trang một: " + VIETNAMESE, "Trang hai."])[0],
        ".docx": (folder / "a.docx").read_bytes(),
        ".html": (folder / "a.html").read_bytes(),
        ".htm": (folder / "a.html").read_bytes(),
        ".txt": VIETNAMESE.encode("utf-8"),
        ".md": to_cp1258(VIETNAMESE),
    }


def _load_only_ingest_errors(path: Path) -> None:
    try:
        loaded = load(path)
    except IngestError as error:
        assert str(error).startswith(f"{path.name}: ") and error.reason
    else:
        assert isinstance(loaded, LoadedFile) and loaded.pages


_PREFIXES = st.sampled_from(
    [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"<html><body>"]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extension=st.sampled_from(SUPPORTED_EXTENSIONS), prefix=_PREFIXES, body=st.binary(max_size=1500))
def test_arbitrary_bytes_raise_only_ingest_errors(
    fuzz_dir: Path, extension: str, prefix: bytes, body: bytes
) -> None:
    path = fuzz_dir / f"rac{extension}"
    path.write_bytes(prefix + body)
    _load_only_ingest_errors(path)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    extension=st.sampled_from(SUPPORTED_EXTENSIONS),
    edits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_damaged_real_files_raise_only_ingest_errors(
    fuzz_dir: Path,
    real_files: dict[str, bytes],
    extension: str,
    edits: list[tuple[float, bytes]],
    cut: float | None,
) -> None:
    data = bytearray(real_files[extension])
    for where, junk in edits:
        at = int(where * (len(data) - 1))
        data[at : at + len(junk)] = junk
    if cut is not None:
        data = data[: int(cut * len(data))]
    path = fuzz_dir / f"hong{extension}"
    path.write_bytes(bytes(data))
    _load_only_ingest_errors(path)


def test_html_with_a_hostile_number_of_tags_is_refused_quickly(tmp_path: Path) -> None:
    from corpus.loaders.html import MAX_TAGS

    page = tmp_path / "long.html"
    page.write_bytes(b"<html><body>" + b"<div>" * (MAX_TAGS + 1) + b"x</body></html>")
    with pytest.raises(TooLargeError, match="tags"):
        load(page)
