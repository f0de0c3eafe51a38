"""Malicious files through ``POST /documents``: refused with a clear 4xx, and nothing else changes.

"Nothing else" is checked after every upload: the document list, a reference search, ``/readyz`` counts and
index version, every file (with its hash) under the corpus folder (no stray temporary file), the index
folder, and the places a path-traversing name would write to. Files that are odd but legitimate (Windows-1258
text; a PDF whose page count lies) are accepted, then deleted, and the state is compared again.
"""

from __future__ import annotations

import hashlib
import io
import struct
import time
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest

from tests.fixtures.make_files import make_encrypted_pdf, make_zip_bomb_docx, pdf_bytes, to_cp1258
from tests.service.checks import DocumentTexts, check_passage
from tests.service.live import MAX_UPLOAD_MB, REPO_ROOT, LiveServer

pytestmark = pytest.mark.server

REFERENCE_QUERY = "Sở nào chịu trách nhiệm về nhà ở xã hội?"
PLAN = (
    "ỦY BAN NHÂN DÂN HUYỆN MÈO VẠC\nSố: 91/KH-UBND\nKẾ HOẠCH\nPhát triển du lịch cộng đồng bản Sủng Là\n"
    "I. TỔ CHỨC THỰC HIỆN\n1. Phòng Văn hóa và Thông tin huyện chủ trì xây dựng điểm du lịch Sủng Là, "
    "hoàn thành trước ngày 30/6/2025.\n2. Phòng Tài chính - Kế hoạch phối hợp bố trí kinh phí.\n"
)
MB = 1024 * 1024
LIMIT = int(MAX_UPLOAD_MB * MB)
BOUNDARY = b"tracuu-hostile-boundary-7f3a"
#: A unique absolute path an "absolute file name" upload would write to.
ABSOLUTE_TARGET = Path("/tmp") / f"tracuu-evil-{uuid.uuid4().hex}.txt"


# Hostile PDFs, written object by object ----------------------------------------------------------


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF with a correct cross-reference table; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_TEXT = b"BT /F1 12 Tf 72 720 Td (Ke hoach 91 du lich cong dong ban Sung La) Tj ET"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _page(parent: int, contents: int = 4, font: int = 5, extra: bytes = b"") -> bytes:
    return (
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> >> %s>>" % (parent, contents, font, extra)
    )


def pdf_claiming_pages(count: int, real: int) -> bytes:
    """A page tree whose /Count says ``count`` pages, holding ``real`` page objects (sharing one content)."""
    kids = b" ".join(b"%d 0 R" % (6 + i) for i in range(real))
    objects = [_CATALOG, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count), b"null"]
    objects += [_stream(_TEXT), _FONT] + [_page(2) for _ in range(real)]
    return raw_pdf(objects)


def pdf_deep_page_tree(depth: int) -> bytes:
    """``depth`` nested /Pages nodes, each with one kid, around one page."""
    objects = [_CATALOG]
    for i in range(depth):
        number = 2 + i
        parent = b"/Parent %d 0 R " % (number - 1) if i else b""
        objects.append(b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>" % (parent, number + 1))
    page = 2 + depth
    objects += [_page(page - 1, contents=page + 1, font=page + 2), _stream(_TEXT), _FONT]
    return raw_pdf(objects)


def pdf_nested_arrays(depth: int) -> bytes:
    """A page whose dictionary holds an array nested ``depth`` deep."""
    nested = b"/Junk " + b"[" * depth + b"]" * depth + b" "
    return raw_pdf(
        [
            _CATALOG,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            _page(2, extra=nested),
            _stream(_TEXT),
            _FONT,
        ]
    )


def pdf_cyclic_page_tree() -> bytes:
    """A /Pages node that lists itself among its kids."""
    return raw_pdf(
        [_CATALOG, b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", _page(2), _stream(_TEXT), _FONT]
    )


def pdf_flate_bomb(inflated_mb: int) -> bytes:
    """A page whose content stream inflates to ``inflated_mb`` MB (about 1000:1)."""
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(_TEXT + b"\n")]
    block = b"\n" * MB
    parts += [compressor.compress(block) for _ in range(inflated_mb)]
    parts.append(compressor.flush())
    content = _stream(b"".join(parts), b"/Filter /FlateDecode ")
    return raw_pdf([_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _page(2), content, _FONT])


# Hostile DOCX --------------------------------------------------------------------------------------

_W_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def plain_docx(text: str = "Kế hoạch du lịch cộng đồng bản Sủng Là") -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """``data`` (a ZIP) with the part ``name`` replaced by ``content``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


def _document_xml(body: bytes, doctype: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0"?>'
        + doctype
        + b"<w:document "
        + _W_NS
        + b"><w:body>"
        + body
        + b"</w:body></w:document>"
    )


def docx_billion_laughs() -> bytes:
    entities = b'<!ENTITY l0 "ha">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"".join(b"&l%d;" % (i - 1) for _ in range(10))) for i in range(1, 10)
    )
    xml = _document_xml(
        b"<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>", b"<!DOCTYPE w:document [" + entities + b"]>"
    )
    return with_part(plain_docx(), "word/document.xml", xml)


def docx_external_entity() -> bytes:
    doctype = b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    paragraph = "<w:p><w:r><w:t>Kế hoạch du lịch bản Sủng Là &x;</w:t></w:r></w:p>".encode()
    xml = _document_xml(paragraph, doctype)
    return with_part(plain_docx(), "word/document.xml", xml)


def docx_deeply_nested(depth: int) -> bytes:
    body = b"<w:sdt><w:sdtContent>" * depth + b"<w:p><w:r><w:t>Ke hoach</w:t></w:r></w:p>"
    body += b"</w:sdtContent></w:sdt>" * depth
    return with_part(plain_docx(), "word/document.xml", _document_xml(body))


def docx_lying_sizes(inflated_mb: int) -> bytes:
    """document.xml inflates to ``inflated_mb`` MB while the ZIP directories declare its original size."""
    data = plain_docx()
    original = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    big = original.replace(b"<w:body>", b"<w:body>" + b" " * (inflated_mb * MB), 1)
    patched = bytearray(with_part(data, "word/document.xml", big))
    info = zipfile.ZipFile(io.BytesIO(bytes(patched))).getinfo("word/document.xml")
    struct.pack_into("<I", patched, info.header_offset + 22, len(original))  # local header size
    position = patched.find(b"PK\x01\x02")
    while position >= 0:  # central directory entries
        name_length = struct.unpack_from("<H", patched, position + 28)[0]
        if bytes(patched[position + 46 : position + 46 + name_length]) == b"word/document.xml":
            struct.pack_into("<I", patched, position + 24, len(original))
        position = patched.find(b"PK\x01\x02", position + 4)
    return bytes(patched)


def docx_many_entries(count: int) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(plain_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        for i in range(count):
            archive.writestr(f"x/{i}", b"")
    return out.getvalue()


# Requests and state ------------------------------------------------------------------------------


def multipart(filename: bytes, data: bytes, *, content_type: bytes = b"application/octet-stream") -> bytes:
    """A multipart body with one ``file`` part, its file name given byte for byte."""
    return (
        b"--"
        + BOUNDARY
        + b'\r\nContent-Disposition: form-data; name="file"; filename="'
        + filename
        + b'"\r\n'
        b"Content-Type: " + content_type + b"\r\n\r\n" + data + b"\r\n--" + BOUNDARY + b"--\r\n"
    )


def upload_raw(api: httpx.Client, live: LiveServer, body: bytes) -> httpx.Response:
    headers = {**live.admin_headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY.decode()}"}
    return api.post("/documents", content=body, headers=headers)


def upload(api: httpx.Client, live: LiveServer, name: str, data: bytes) -> httpx.Response:
    return upload_raw(api, live, multipart(name.encode("utf-8"), data))


def tree(root: Path, *, hashes: bool) -> dict[str, str]:
    """Every entry below ``root`` (hidden ones included): relative path -> content hash or kind."""
    entries: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            entries[relative] = "symlink"
        elif path.is_dir():
            entries[relative] = "dir"
        else:
            entries[relative] = hashlib.sha256(path.read_bytes()).hexdigest() if hashes else "file"
    return entries


def evil_paths(live: LiveServer) -> list[Path]:
    """Where a file name that escaped the corpus folder would land."""
    places = {live.corpus_dir.parent, live.corpus_dir.parent.parent, REPO_ROOT, Path.cwd(), Path("/tmp")}
    return [place / "evil.txt" for place in places] + [ABSOLUTE_TARGET]


@dataclass(frozen=True)
class State:
    """What a refused upload must leave exactly as it was."""

    documents: Any
    search: list[tuple[str, float, str]]
    ready: dict[str, Any]
    corpus: dict[str, str]
    index: dict[str, str]
    outside: list[str]

    def without_version(self) -> State:
        """The state to compare after an accepted upload was deleted again (the index was rebuilt)."""
        ready = {k: v for k, v in self.ready.items() if k != "index_version"}
        return State(self.documents, self.search, ready, self.corpus, {}, self.outside)


def state(api: httpx.Client, live: LiveServer) -> State:
    ready = api.get("/readyz")
    assert ready.status_code == 200, ready.text
    results = api.post("/search", json={"query": REFERENCE_QUERY, "top_k": 5}).json()["results"]
    outside = sorted(str(p) for p in evil_paths(live) if p.exists())
    outside += sorted(p.name for p in live.corpus_dir.parent.iterdir())
    return State(
        documents=api.get("/documents").json(),
        search=[(p["chunk_id"], p["score"], p["text"]) for p in results],
        ready={k: ready.json()[k] for k in ("documents", "chunks", "index_version")},
        corpus=tree(live.corpus_dir, hashes=True),
        index=tree(live.index_dir, hashes=False),
        outside=outside,
    )


@pytest.fixture
def before(api: httpx.Client, live_server: LiveServer) -> State:
    return state(api, live_server)


def assert_problem(response: httpx.Response, statuses: set[int], codes: set[str] | None) -> None:
    assert response.status_code in statuses, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == response.status_code
    assert problem["detail"].strip() and problem["title"]
    if codes is not None:
        assert problem["code"] in codes, problem


# Refused files ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    name: str
    filename: str
    make: Any  # () -> bytes
    statuses: set[int]
    codes: set[str] | None = None


def _encrypted_pdf(tmp: Path) -> bytes:
    path = tmp / "mat.pdf"
    make_encrypted_pdf(path)
    return path.read_bytes()


def _zip_bomb(tmp: Path) -> bytes:
    path = tmp / "bomb.docx"
    make_zip_bomb_docx(path, inflated_mb=64)
    return path.read_bytes()


VI = "Kế hoạch phát triển du lịch cộng đồng bản Sủng Là, Phòng Văn hóa chủ trì thực hiện.\n"
TOO_LARGE = {413}
UNREADABLE = {422}
FOUR_XX = {400, 413, 415, 422}

REFUSED = [
    Refused("encrypted PDF", "mat.pdf", _encrypted_pdf, UNREADABLE, {"encrypted"}),
    Refused(
        "PDF claiming 1,000,000 pages (2,001 real)",
        "nhieu-trang.pdf",
        lambda _: pdf_claiming_pages(1_000_000, 2001),
        TOO_LARGE,
        {"too_large"},
    ),
    Refused("PDF page tree 5,000 deep", "cay-sau.pdf", lambda _: pdf_deep_page_tree(5000), FOUR_XX),
    Refused("PDF arrays nested 100,000 deep", "mang-long.pdf", lambda _: pdf_nested_arrays(100_000), FOUR_XX),
    Refused("PDF cyclic page tree", "vong-lap.pdf", lambda _: pdf_cyclic_page_tree(), UNREADABLE),
    Refused(
        "PDF flate bomb (100 MB)", "bom-nen.pdf", lambda _: pdf_flate_bomb(100), TOO_LARGE, {"too_large"}
    ),
    Refused("DOCX zip bomb (64 MB of zeros)", "bom.docx", _zip_bomb, TOO_LARGE, {"too_large"}),
    Refused("DOCX lying ZIP sizes", "noi-doi.docx", lambda _: docx_lying_sizes(20), UNREADABLE),
    Refused("DOCX billion laughs", "cuoi.docx", lambda _: docx_billion_laughs(), UNREADABLE),
    Refused("DOCX nested 10,000 deep", "long-nhau.docx", lambda _: docx_deeply_nested(10_000), UNREADABLE),
    Refused("DOCX with 10,001 parts", "nhieu-phan.docx", lambda _: docx_many_entries(10_001), TOO_LARGE),
    Refused(
        "PDF bytes named .docx", "that-ra-pdf.docx", lambda _: pdf_bytes(VI)[0], {415}, {"unsupported_format"}
    ),
    Refused(
        "ZIP named .pdf", "that-ra-zip.pdf", lambda _: docx_many_entries(1), {415}, {"unsupported_format"}
    ),
    Refused("DOCX named .txt", "that-ra-docx.txt", lambda _: plain_docx(), {415}, {"unsupported_format"}),
    Refused("PNG named .txt", "anh.txt", lambda _: b"\x89PNG\r\n\x1a\n" + bytes(200), {415}),
    Refused("ELF program named .md", "chuong-trinh.md", lambda _: b"\x7fELF" + bytes(200), {415}),
    Refused(
        "HTML named .pdf", "trang.pdf", lambda _: f"<html><body><p>{VI}</p></body></html>".encode(), FOUR_XX
    ),
    Refused(
        "NUL bytes in .txt", "nul.txt", lambda _: (VI.encode() * 20).replace(b" ", b"\x00", 5), {415, 422}
    ),
    Refused(
        "mixed UTF-8 and Windows-1258",
        "tron-ma.txt",
        lambda _: VI.encode() * 5 + to_cp1258(VI) * 5,
        UNREADABLE,
        {"bad_encoding"},
    ),
    Refused(
        "Latin-1 text",
        "latin1.txt",
        lambda _: "Café crème brûlée à la française, garçon! Ça va?\n".encode("latin-1") * 5,
        UNREADABLE,
        {"bad_encoding"},
    ),
    Refused("UTF-32 text", "utf32.txt", lambda _: VI.encode("utf-32"), UNREADABLE, {"bad_encoding"}),
    Refused(
        "HTML with only script and style",
        "chi-co-script.html",
        lambda _: (
            b"<html><head><script>var x='Ke hoach';</script><style>p{}</style></head><body></body></html>"
        ),
        UNREADABLE,
    ),
    Refused(
        "HTML nested 20,000 deep, no text",
        "long-nhau.html",
        lambda _: b"<html><body>" + b"<div>" * 20_000 + b"</div>" * 20_000 + b"</body></html>",
        UNREADABLE,
    ),
    Refused("only a UTF-8 byte order mark", "bom.txt", lambda _: b"\xef\xbb\xbf", UNREADABLE),
    Refused("empty .docx", "rong.docx", lambda _: b"", UNREADABLE, {"empty"}),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_malicious_file_is_refused_and_changes_nothing(
    case: Refused, api: httpx.Client, live_server: LiveServer, before: State, tmp_path: Path
) -> None:
    data = case.make(tmp_path)
    assert len(data) <= LIMIT, "the case must be under the upload limit to reach the loaders"
    started = time.perf_counter()
    response = upload(api, live_server, case.filename, data)
    print(
        f"{case.name:45} {len(data):>9} B -> {response.status_code} in {time.perf_counter() - started:.2f} s"
    )
    if response.status_code == 201:  # leave the shared server as it was for the other tests
        api.delete(f"/documents/{response.json()['doc_id']}", headers=live_server.admin_headers)
    assert_problem(response, case.statuses, case.codes)
    assert api.get("/healthz").status_code == 200
    assert state(api, live_server) == before


# Refused file names ----------------------------------------------------------------------------------

BAD_NAMES: list[tuple[str, bytes]] = [
    ("parent folders", b"../../evil.txt"),
    ("parent folders, Windows", b"..\\..\\evil.txt"),
    ("absolute path", str(ABSOLUTE_TARGET).encode()),
    ("folder inside", b"sub/evil.txt"),
    ("dot folder", b"./evil.txt"),
    ("NUL inside the name", b"evil\x00.txt"),
    ("NUL before a second extension", b"evil.txt\x00.pdf"),
    ("name that is only an extension", b".txt"),
    ("hidden file", b".evil.txt"),
    ("right-to-left override", "\u202etxt.evil.txt".encode()),
    ("name of 10,000 characters", b"a" * 10_000 + b".txt"),
    ("no file name", b""),
    ("no extension", b"evil"),
    ("executable extension", b"evil.exe"),
    ("trailing dot", b"evil.txt."),
]


@pytest.mark.parametrize(("case", "filename"), BAD_NAMES, ids=[c for c, _ in BAD_NAMES])
def test_bad_file_name_is_refused_and_writes_nothing(
    case: str, filename: bytes, api: httpx.Client, live_server: LiveServer, before: State
) -> None:
    response = upload_raw(api, live_server, multipart(filename, PLAN.encode()))
    print(f"{case:35} {filename[:40]!r} -> {response.status_code}")
    assert_problem(response, {400, 415, 422}, None)
    assert state(api, live_server) == before


def test_rfc5987_file_name_cannot_traverse(api: httpx.Client, live_server: LiveServer, before: State) -> None:
    body = (
        b"--"
        + BOUNDARY
        + b"\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''..%2F..%2Fevil.txt"
        b"\r\nContent-Type: text/plain\r\n\r\n" + PLAN.encode() + b"\r\n--" + BOUNDARY + b"--\r\n"
    )
    response = upload_raw(api, live_server, body)
    assert_problem(response, {400, 415, 422}, None)
    assert state(api, live_server) == before


# Accepted, then deleted ----------------------------------------------------------------------------


def accept_then_delete(
    api: httpx.Client, live: LiveServer, response: httpx.Response, before: State, needle: str | None
) -> dict[str, Any]:
    """An accepted upload stays inside the corpus folder, is searchable, and deleting it restores everything."""
    assert response.status_code == 201, response.text[:500]
    document = response.json()
    doc_id = document["doc_id"]
    try:
        stored = (live.corpus_dir / document["source"]).resolve()
        assert stored.is_file() and stored.parent == live.corpus_dir.resolve(), stored
        text = DocumentTexts(api).text(doc_id)
        if needle is not None:
            assert needle in text
            results = api.post("/search", json={"query": needle, "top_k": 3}).json()["results"]
            assert results and results[0]["doc_id"] == doc_id
            texts = DocumentTexts(api)
            for passage in results:
                check_passage(passage, texts)
    finally:
        assert api.delete(f"/documents/{doc_id}", headers=live.admin_headers).status_code == 204
    assert state(api, live).without_version() == before.without_version()
    return {"doc_id": doc_id, "text": text}


def test_windows_1258_text_is_accepted(api: httpx.Client, live_server: LiveServer, before: State) -> None:
    data = to_cp1258(PLAN)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    response = upload(api, live_server, "ke-hoach-sung-la-cp1258.txt", data)
    accept_then_delete(api, live_server, response, before, "điểm du lịch Sủng Là")


def test_pdf_with_a_lying_page_count_is_read_by_its_real_pages(
    api: httpx.Client, live_server: LiveServer, before: State
) -> None:
    response = upload(api, live_server, "dem-trang-sai.pdf", pdf_claiming_pages(1_000_000, 1))
    if response.status_code != 201:  # refusing it is fine too
        assert_problem(response, FOUR_XX, None)
        assert state(api, live_server) == before
        return
    found = accept_then_delete(api, live_server, response, before, None)
    assert "Sung La" in found["text"]


def test_docx_external_entity_is_not_resolved(
    api: httpx.Client, live_server: LiveServer, before: State
) -> None:
    response = upload(api, live_server, "thuc-the-ngoai.docx", docx_external_entity())
    if response.status_code != 201:
        assert_problem(response, FOUR_XX, None)
        assert state(api, live_server) == before
        return
    found = accept_then_delete(api, live_server, response, before, None)
    assert "root:" not in found["text"] and "/bin/" not in found["text"]


ODD_BUT_SAFE_NAMES = [
    ("percent-encoded traversal", b"%2e%2e%2fevil.txt"),
    ("look-alike slashes", "x\u2215..\u2215..\u2215evil.txt".encode()),
    ("Windows drive path", b"C:\\Windows\\evil.txt"),
    ("UNC path", b"\\\\server\\share\\evil.txt"),
]


@pytest.mark.parametrize(("case", "filename"), ODD_BUT_SAFE_NAMES, ids=[c for c, _ in ODD_BUT_SAFE_NAMES])
def test_odd_file_name_stays_inside_the_corpus(
    case: str, filename: bytes, api: httpx.Client, live_server: LiveServer, before: State
) -> None:
    response = upload_raw(api, live_server, multipart(filename, PLAN.encode()))
    print(f"{case:30} {filename!r} -> {response.status_code} {response.text[:120]}")
    if response.status_code == 201:
        accept_then_delete(api, live_server, response, before, "điểm du lịch Sủng Là")
    else:
        assert_problem(response, {400, 415, 422}, None)
        assert state(api, live_server) == before


@pytest.fixture(scope="module", autouse=True)
def _no_evil_file_left(live_server: LiveServer) -> Iterator[None]:
    existing = {path for path in evil_paths(live_server) if path.exists()}
    yield
    assert {path for path in evil_paths(live_server) if path.exists()} == existing
