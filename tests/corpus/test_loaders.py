"""Loaders on real files: the seed plans as .txt/.md/.pdf/.docx/.html, encodings, tables, page numbers."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from corpus.errors import IngestError, TooLargeError, UnsupportedFormatError
from corpus.loaders import (
    SUPPORTED_EXTENSIONS,
    DocxLoader,
    PdfLoader,
    get_loader,
    load,
    sniff,
)
from corpus.loaders.text import join_row_cells
from corpus.normalize import normalize_text
from tests.fixtures.make_files import (
    folded_whitespace,
    make_docx,
    make_encrypted_pdf,
    make_html,
    make_pdf,
    pdf_bytes,
    to_cp1258,
)

VIETNAMESE = (
    "Ủy ban nhân dân tỉnh giao Sở Xây dựng chủ trì, phối hợp với Sở Tài chính "
    "triển khai chính sách nhà ở xã hội; đẩy mạnh phục hồi kinh tế – xã hội, bảo đảm tiến độ."
)


def _sentences(text: str) -> list[str]:
    """Sentences of a seed document, long enough to be distinctive."""
    parts = re.split(r"(?<=[.;:])\s+", folded_whitespace(text))
    return [part for part in parts if len(part) > 40]


# --- registry ----------------------------------------------------------------------------------------


def test_supported_extensions_cover_the_contract() -> None:
    assert set(SUPPORTED_EXTENSIONS) == {".txt", ".md", ".pdf", ".docx", ".html", ".htm"}
    for extension in SUPPORTED_EXTENSIONS:
        assert get_loader(Path(f"x{extension.upper()}")).extensions  # case-insensitive


def test_unknown_extension_is_refused_with_the_supported_list(tmp_path: Path) -> None:
    path = tmp_path / "bang-tinh.xlsx"
    path.write_bytes(b"anything")
    with pytest.raises(UnsupportedFormatError) as info:
        load(path)
    assert str(info.value).startswith("bang-tinh.xlsx: ")
    assert ".docx" in info.value.reason and ".pdf" in info.value.reason


@pytest.mark.parametrize(
    "seed", sorted(Path(__file__).resolve().parents[2].joinpath("corpus/documents").glob("*.txt"))
)
def test_every_seed_loads_as_utf8_text(seed: Path) -> None:
    loaded = load(seed)
    data = seed.read_bytes()
    assert loaded.format == "txt" and loaded.source == seed.name and not loaded.paged
    assert loaded.pages == [data.decode("utf-8")]
    assert loaded.content_hash == hashlib.sha256(data).hexdigest()
    assert loaded.metadata["encoding"] == "utf-8"


def test_unicode_file_name_and_upper_case_extension(tmp_path: Path) -> None:
    path = tmp_path / "Kế hoạch số 46 – Lạng Sơn.TXT"
    path.write_text(VIETNAMESE, encoding="utf-8")
    loaded = load(path)
    assert loaded.source == "Kế hoạch số 46 – Lạng Sơn.TXT"
    assert loaded.pages == [VIETNAMESE]


def test_markdown_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.md"
    path.write_text("# KẾ HOẠCH\n\n## I. MỤC ĐÍCH\n\n- Sở Y tế chủ trì.\n", encoding="utf-8")
    loaded = load(path)
    assert loaded.format == "md"
    assert loaded.pages[0].startswith("# KẾ HOẠCH\n")


def test_sniff_recognizes_binary_formats(seed_plan_pdf: Path, seed_plan_docx: Path) -> None:
    assert sniff(seed_plan_pdf.read_bytes()) == "pdf"
    assert sniff(seed_plan_docx.read_bytes()) == "docx"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "png"
    assert sniff(VIETNAMESE.encode()) is None
    assert sniff(b"<!DOCTYPE html><html>") is None


# --- text encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (codecs.BOM_UTF8 + VIETNAMESE.encode("utf-8"), "utf-8-sig"),
        (VIETNAMESE.encode("utf-16"), "utf-16"),  # with BOM
        (VIETNAMESE.encode("utf-16-le"), "utf-16"),  # no BOM
        (VIETNAMESE.encode("utf-16-be"), "utf-16"),  # no BOM
        (codecs.BOM_UTF16_BE + VIETNAMESE.encode("utf-16-be"), "utf-16"),
    ],
    ids=["utf8-bom", "utf16-bom", "utf16le", "utf16be", "utf16be-bom"],
)
def test_unicode_encodings_decode_exactly(tmp_path: Path, encoded: bytes, encoding: str) -> None:
    path = tmp_path / "van-ban.txt"
    path.write_bytes(encoded)
    loaded = load(path)
    assert loaded.pages == [VIETNAMESE]
    assert loaded.metadata["encoding"] == encoding


def test_windows_1258_decodes_to_proper_vietnamese(tmp_path: Path, seed_plan_text: str) -> None:
    encoded = to_cp1258(seed_plan_text)
    assert b"\xd2" in encoded or b"\xf2" in encoded  # combining tone marks really are used
    path = tmp_path / "cp1258.txt"
    path.write_bytes(encoded)
    loaded = load(path)
    assert loaded.metadata["encoding"] == "cp1258"
    # Windows-1258 spells "ệ" as "ê" + combining dot below; normalize_text composes it back.
    assert normalize_text(loaded.pages[0]) == normalize_text(seed_plan_text)
    composed = unicodedata.normalize("NFC", loaded.pages[0])
    assert "ỦY BAN NHÂN" in composed and "phục hồi và phát triển kinh tế" in composed


def test_crlf_and_form_feed_are_left_for_normalization(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("Dòng một\r\nDòng hai\fTrang hai".encode())
    assert load(path).pages == ["Dòng một\r\nDòng hai\fTrang hai"]


# --- PDF ---------------------------------------------------------------------------------------------


def test_pdf_of_a_seed_plan_round_trips(seed_plan_pdf: Path, seed_plan_text: str) -> None:
    loaded = load(seed_plan_pdf)
    assert loaded.format == "pdf" and loaded.paged
    assert len(loaded.pages) > 5
    assert folded_whitespace("\n".join(loaded.pages)) == folded_whitespace(seed_plan_text)
    text = folded_whitespace(" ".join(loaded.pages))
    missing = [sentence for sentence in _sentences(seed_plan_text) if sentence not in text]
    assert not missing
    assert loaded.metadata["title"] == "Kế hoạch 46/KH-UBND"
    assert loaded.metadata["author"] == "UBND tỉnh Lạng Sơn"
    assert loaded.content_hash == hashlib.sha256(seed_plan_pdf.read_bytes()).hexdigest()


def test_pdf_keeps_line_structure(seed_plan_pdf: Path) -> None:
    first = load(seed_plan_pdf).pages[0].split("\n")
    assert "ỦY BAN NHÂN" in first[0]
    assert any(line.strip() == "I. MỤC ĐÍCH," for line in load(seed_plan_pdf).pages[0].split("\n"))


def test_pdf_page_numbers_are_kept(tmp_path: Path, seed_plan_text: str) -> None:
    path = tmp_path / "marker.pdf"
    body = seed_plan_text[:4000]
    pages = [body, body, f"MARKER-TRANG-BA\n{body}", "Trang cuối."]
    # Each given page overflows onto a second one, so work out where the marker really lands.
    found = make_pdf(pages, path, markers=["MARKER-TRANG-BA", "Trang cuối."])
    loaded = load(path)
    marker_page = found["MARKER-TRANG-BA"]
    assert marker_page > 2
    assert "MARKER-TRANG-BA" in loaded.pages[marker_page - 1]
    assert all("MARKER-TRANG-BA" not in page for i, page in enumerate(loaded.pages) if i != marker_page - 1)
    assert loaded.pages[found["Trang cuối."] - 1].strip() == "Trang cuối."
    assert len(loaded.pages) == found["Trang cuối."]


def test_pdf_marker_on_page_three(tmp_path: Path) -> None:
    path = tmp_path / "ba-trang.pdf"
    found = make_pdf(["Trang một.", "Trang hai.", "Trang ba: Sở Y tế chủ trì."], path, markers=["Sở Y tế"])
    assert found == {"Sở Y tế": 3}
    loaded = load(path)
    assert [page.strip() for page in loaded.pages] == [
        "Trang một.",
        "Trang hai.",
        "Trang ba: Sở Y tế chủ trì.",
    ]


def test_pdf_with_empty_user_password_is_readable(tmp_path: Path) -> None:
    path = tmp_path / "han-che.pdf"
    make_encrypted_pdf(path, user_password="", text=VIETNAMESE)
    assert folded_whitespace(load(path).pages[0]) == folded_whitespace(VIETNAMESE)


def test_pdf_page_with_blank_pages_between(tmp_path: Path) -> None:
    path = tmp_path / "trang-trang.pdf"
    make_pdf(["Trang một có chữ.", "", "Trang ba có chữ."], path)
    loaded = load(path)
    assert [page.strip() for page in loaded.pages] == ["Trang một có chữ.", "", "Trang ba có chữ."]
    assert loaded.metadata["pages_without_text"] == "1"


def test_pdf_loader_limits_are_configurable(tmp_path: Path) -> None:
    data, _ = pdf_bytes(["một", "hai", "ba"])
    with pytest.raises(TooLargeError, match="3 pages; the limit is 2"):
        PdfLoader(max_pages=2).load(tmp_path / "x.pdf", data)
    with pytest.raises(TooLargeError, match="characters"):
        PdfLoader(max_chars=5).load(tmp_path / "x.pdf", data)


# --- DOCX --------------------------------------------------------------------------------------------


def test_docx_of_a_seed_plan_round_trips(seed_plan_docx: Path, seed_plan_text: str) -> None:
    loaded = load(seed_plan_docx)
    assert loaded.format == "docx" and len(loaded.pages) == 1
    assert loaded.pages[0] == "\n".join(line for line in seed_plan_text.split("\n") if line.strip())
    assert loaded.metadata["title"] == "Kế hoạch 46/KH-UBND"


def test_docx_tables_are_read_in_body_order(tmp_path: Path) -> None:
    path = tmp_path / "bang.docx"
    make_docx(
        ["KẾ HOẠCH", ("I. MỤC ĐÍCH", "Heading 1"), "Đoạn sau bảng."],
        path,
        table_rows=[
            ["STT", "Nhiệm vụ", "Cơ quan chủ trì"],
            ["1", "Phát triển nhà ở xã hội", "Sở Xây dựng"],
            ["2", "Hạ tầng giao thông", "Sở Giao thông vận tải"],
        ],
        table_at=2,
    )
    lines = load(path).pages[0].split("\n")
    assert lines == [
        "KẾ HOẠCH",
        "I. MỤC ĐÍCH",
        "STT | Nhiệm vụ | Cơ quan chủ trì",
        "1 | Phát triển nhà ở xã hội | Sở Xây dựng",
        "2 | Hạ tầng giao thông | Sở Giao thông vận tải",
        "Đoạn sau bảng.",
    ]


def test_docx_heading_inside_a_table_cell_starts_a_line(tmp_path: Path) -> None:
    path = tmp_path / "bang-bo-cuc.docx"
    make_docx(
        ["Mở đầu."],
        path,
        table_rows=[["", "II. NHIỆM VỤ\n1. Sở Tài chính chủ trì thẩm định.\n2. Sở Y tế phối hợp."]],
    )
    lines = load(path).pages[0].split("\n")
    assert lines == ["Mở đầu.", "II. NHIỆM VỤ", "1. Sở Tài chính chủ trì thẩm định.", "2. Sở Y tế phối hợp."]


def test_docx_automatic_numbering_is_written_out(tmp_path: Path) -> None:
    path = tmp_path / "danh-so.docx"
    make_docx(
        [("Sở Xây dựng", "List Number"), ("Sở Tài chính", "List Number"), ("Ghi chú.", None)],
        path,
    )
    lines = load(path).pages[0].split("\n")
    assert lines[0].endswith("Sở Xây dựng") and lines[1].endswith("Sở Tài chính")
    assert re.match(r"^1\W", lines[0]) and re.match(r"^2\W", lines[1])
    assert lines[2] == "Ghi chú."


def test_docx_zip_limits_are_configurable(tmp_path: Path, seed_plan_docx: Path) -> None:
    with pytest.raises(TooLargeError, match="unpacks to"):
        DocxLoader(max_uncompressed=10_000).load(seed_plan_docx, seed_plan_docx.read_bytes())


# --- HTML --------------------------------------------------------------------------------------------


_CHROME_MARKERS = ("SCRIPT", "STYLE", "HEADER", "NAV", "ASIDE", "COMMENT", "FOOTER", "COMMENT-NODE")


@pytest.mark.parametrize("article", [True, False], ids=["article", "no-article"])
def test_html_main_text_only(tmp_path: Path, article: bool) -> None:
    path = tmp_path / "trang.html"
    paragraphs = [VIETNAMESE, "Sở Tài chính bố trí kinh phí thực hiện.", "Các sở, ngành báo cáo định kỳ."]
    make_html(
        paragraphs,
        path,
        title="Kế hoạch 46",
        heading="KẾ HOẠCH TRIỂN KHAI",
        table_rows=[["1", "Nhà ở xã hội", "Sở Xây dựng"]],
        article=article,
    )
    loaded = load(path)
    text = loaded.pages[0]
    for marker in _CHROME_MARKERS:
        assert f"{marker}-MARKER" not in text
    assert text.split("\n") == ["KẾ HOẠCH TRIỂN KHAI", *paragraphs, "1 | Nhà ở xã hội | Sở Xây dựng"]
    assert loaded.metadata["title"] == "Kế hoạch 46"
    assert loaded.format == "html"


def test_html_blocks_and_line_breaks_become_lines(tmp_path: Path) -> None:
    path = tmp_path / "khoi.htm"
    path.write_text(
        "<html><body><div><b>Điều 1.</b> Phạm vi<br>điều chỉnh</div><ul><li>Sở Y tế</li><li>Sở Tài chính</li></ul>"
        "<p>Đoạn   có\n  nhiều   khoảng trắng.</p><pre>  giữ\n  nguyên</pre></body></html>",
        encoding="utf-8",
    )
    assert load(path).pages[0].split("\n") == [
        "Điều 1. Phạm vi",
        "điều chỉnh",
        "Sở Y tế",
        "Sở Tài chính",
        "Đoạn có nhiều khoảng trắng.",
        "  giữ",
        "  nguyên",
    ]


def test_html_whole_page_inside_a_form_is_kept(tmp_path: Path) -> None:
    # ASP.NET portals wrap the whole page in one <form>.
    path = tmp_path / "aspnet.html"
    path.write_text(
        "<html><body><form id='form1'><input type='hidden' value='x'><div class='menu'>Trang chủ</div>"
        f"<div id='noidung'><p>{VIETNAMESE}</p><p>Điều 2. Hiệu lực thi hành.</p></div></form></body></html>",
        encoding="utf-8",
    )
    assert load(path).pages[0].split("\n") == [VIETNAMESE, "Điều 2. Hiệu lực thi hành."]


@pytest.mark.parametrize(
    ("charset", "encoding"),
    [("windows-1258", "cp1258"), (None, "cp1258"), (None, "utf-16"), ("utf-8", "utf-8-sig"), (None, "utf-8")],
    ids=["meta-cp1258", "sniffed-cp1258", "utf16-bom", "utf8-bom", "undeclared-utf8"],
)
def test_html_charsets(tmp_path: Path, charset: str | None, encoding: str) -> None:
    path = tmp_path / "ma.html"
    make_html([VIETNAMESE], path, chrome=False, charset=charset, encoding="utf-8")
    raw = path.read_bytes().decode("utf-8")
    path.write_bytes(to_cp1258(raw) if encoding == "cp1258" else raw.encode(encoding))
    assert normalize_text(load(path).pages[0]) == VIETNAMESE


# --- helpers -----------------------------------------------------------------------------------------


def test_join_row_cells() -> None:
    assert join_row_cells([["1"], ["Sở Y tế"], []]) == ["1 | Sở Y tế"]
    assert join_row_cells([["", " "], ["a", "b"]]) == ["a", "b"]
    assert join_row_cells([]) == []


def test_errors_are_ingest_errors_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tệp lạ.bin"
    path.write_bytes(b"x")
    with pytest.raises(IngestError) as info:
        load(path)
    assert info.value.path == str(path)
    assert str(info.value).startswith("tệp lạ.bin: ")


def _docx_with_body(path: Path, body_xml: str) -> None:
    """A real .docx whose body is replaced by ``body_xml`` (WordprocessingML without the namespace noise)."""
    make_docx(["tạm"], path)
    document = docx.Document(str(path))
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    new_body = parse_xml(f"<w:body {ns}>{body_xml}</w:body>")
    old_body = document.element.body
    document.element.replace(old_body, new_body)
    document.save(str(path))


def test_docx_revisions_content_controls_and_breaks(tmp_path: Path) -> None:
    path = tmp_path / "sua-doi.docx"
    _docx_with_body(
        path,
        "<w:p><w:r><w:t>Sở Y tế </w:t></w:r><w:ins><w:r><w:t>chủ trì</w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText>phối hợp</w:delText></w:r></w:del><w:r><w:t xml:space='preserve'>.</w:t></w:r></w:p>"
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>Trong ô nội dung</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t>Dòng một</w:t><w:br/><w:t>Dòng hai</w:t><w:tab/><w:t>cột</w:t></w:r></w:p>"
        "<w:p><w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r><w:r><w:t>7</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>",
    )
    assert load(path).pages[0].split("\n") == [
        "Sở Y tế chủ trì.",
        "Trong ô nội dung",
        "Dòng một",
        "Dòng hai\tcột",
        "7",
    ]


def test_macro_enabled_word_file_is_refused(tmp_path: Path, seed_plan_docx: Path) -> None:
    source = zipfile.ZipFile(seed_plan_docx)
    path = tmp_path / "macro.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
                )
            archive.writestr(item, data)
    with pytest.raises(UnsupportedFormatError, match="macroEnabled"):
        load(path)
