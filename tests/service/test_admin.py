"""Admin endpoints on a real server: keys, uploads (PDF, DOCX, text) that become searchable, deletes, and
bad uploads that are refused with the right 4xx while leaving documents, index and corpus exactly as they were.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.make_files import make_docx, make_encrypted_pdf, make_pdf, make_scanned_pdf
from tests.service.checks import DOCUMENT_KEYS, DocumentTexts, check_answer, check_passage
from tests.service.live import MAX_UPLOAD_MB, LiveServer

pytestmark = pytest.mark.server

PLAN_PARAGRAPHS = [
    "ỦY BAN NHÂN DÂN HUYỆN MÈO VẠC",
    "Số: 77/KH-UBND",
    "KẾ HOẠCH",
    "Phát triển du lịch cộng đồng huyện Mèo Vạc giai đoạn 2024-2026",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Phát huy giá trị văn hóa của đồng bào dân tộc Mông và Lô Lô gắn với phát triển du lịch bền vững.",
    "II. TỔ CHỨC THỰC HIỆN",
    "1. Phòng Văn hóa và Thông tin huyện chủ trì xây dựng làng du lịch cộng đồng Pả Vi, "
    "hoàn thành trước ngày 30/6/2025.",
    "2. Phòng Tài chính - Kế hoạch phối hợp bố trí kinh phí thực hiện kế hoạch.",
]
PLAN_TEXT = "\n".join(PLAN_PARAGRAPHS)
UNIQUE_QUERY = "làng du lịch cộng đồng Pả Vi"
REFERENCE_QUERY = "Sở nào chịu trách nhiệm về nhà ở xã hội?"


@dataclass(frozen=True)
class Snapshot:
    """What a refused upload must not change."""

    documents: list[dict[str, Any]]
    index_version: str
    search: list[tuple[str, float]]
    corpus_files: list[str]


def snapshot(api: httpx.Client, live: LiveServer) -> Snapshot:
    results = api.post("/search", json={"query": REFERENCE_QUERY, "top_k": 5}).json()["results"]
    return Snapshot(
        documents=api.get("/documents").json()["documents"],
        index_version=api.get("/readyz").json()["index_version"],
        search=[(p["chunk_id"], p["score"]) for p in results],
        corpus_files=sorted(p.name for p in live.corpus_dir.iterdir() if not p.name.startswith(".")),
    )


def upload(api: httpx.Client, live: LiveServer, name: str, data: bytes, content_type: str) -> httpx.Response:
    return api.post("/documents", files={"file": (name, data, content_type)}, headers=live.admin_headers)


@pytest.fixture
def unchanged(api: httpx.Client, live_server: LiveServer) -> Iterator[None]:
    """Asserts that the test leaves documents, index version, a search and the corpus folder as they were."""
    before = snapshot(api, live_server)
    yield
    assert snapshot(api, live_server) == before


# Keys -------------------------------------------------------------------------------------------------

ADMIN_CALLS = [
    ("POST", "/documents", {"files": {"file": ("a.txt", b"noi dung", "text/plain")}}),
    ("DELETE", "/documents/lang-son-46-kh-ubnd-phuc-hoi-kinh-te", {}),
    ("POST", "/index/rebuild", {}),
]


@pytest.mark.parametrize(("method", "path", "extra"), ADMIN_CALLS)
def test_admin_calls_need_a_bearer_key(
    api: httpx.Client, method: str, path: str, extra: dict[str, Any], unchanged: None
) -> None:
    response = api.request(method, path, **extra)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize(("method", "path", "extra"), ADMIN_CALLS)
@pytest.mark.parametrize("authorization", ["Bearer wrong-key", "Bearer test-admin-key-", "Bearer Ở-đây"])
def test_admin_calls_refuse_a_wrong_key(
    api: httpx.Client, method: str, path: str, extra: dict[str, Any], authorization: str, unchanged: None
) -> None:
    response = api.request(method, path, headers={b"Authorization": authorization.encode()}, **extra)
    assert response.status_code == 403
    assert response.json()["code"] == "invalid_credentials"


def test_other_auth_schemes_are_missing_credentials(api: httpx.Client, live_server: LiveServer) -> None:
    response = api.post("/index/rebuild", headers={"Authorization": f"Basic {live_server.admin_key}"})
    assert response.status_code == 401


def test_delete_unknown_document_is_404(api: httpx.Client, live_server: LiveServer, unchanged: None) -> None:
    response = api.delete("/documents/khong-co-van-ban-nay", headers=live_server.admin_headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_job_is_404(api: httpx.Client) -> None:
    response = api.get("/jobs/khong-co")
    assert response.status_code == 404


# Uploads ----------------------------------------------------------------------------------------------


def assert_searchable_then_delete(api: httpx.Client, live: LiveServer, created: httpx.Response) -> None:
    """The uploaded plan is listed, readable, found, answered from; then deleted and gone everywhere."""
    assert created.status_code == 201, created.text
    document = created.json()
    assert document.keys() >= DOCUMENT_KEYS
    doc_id = document["doc_id"]
    assert created.headers["location"] == f"/documents/{doc_id}"
    texts = DocumentTexts(api)
    try:
        assert doc_id in {d["doc_id"] for d in api.get("/documents").json()["documents"]}
        assert "Pả Vi" in texts.text(doc_id)
        results = api.post("/search", json={"query": UNIQUE_QUERY, "top_k": 3}).json()["results"]
        assert results[0]["doc_id"] == doc_id
        for passage in results:
            check_passage(passage, texts)
        answer = api.post("/ask", json={"question": f"Cơ quan nào chủ trì xây dựng {UNIQUE_QUERY}?"}).json()
        check_answer(answer, texts)
        assert doc_id in {p["doc_id"] for p in answer["passages"]}
    finally:
        deleted = api.delete(f"/documents/{doc_id}", headers=live.admin_headers)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert api.get(f"/documents/{doc_id}").status_code == 404
    assert doc_id not in {d["doc_id"] for d in api.get("/documents").json()["documents"]}
    results = api.post("/search", json={"query": UNIQUE_QUERY, "top_k": 10}).json()["results"]
    assert doc_id not in {p["doc_id"] for p in results}
    assert not (live.corpus_dir / document["source"]).exists()


def test_upload_pdf_is_searchable_then_deleted(
    api: httpx.Client, live_server: LiveServer, tmp_path: Path
) -> None:
    count = len(api.get("/documents").json()["documents"])
    path = tmp_path / "meo-vac-du-lich-cong-dong.pdf"
    make_pdf(PLAN_TEXT, path)
    created = upload(api, live_server, path.name, path.read_bytes(), "application/pdf")
    assert_searchable_then_delete(api, live_server, created)
    assert len(api.get("/documents").json()["documents"]) == count


def test_upload_docx_is_searchable_then_deleted(
    api: httpx.Client, live_server: LiveServer, tmp_path: Path
) -> None:
    path = tmp_path / "kế-hoạch-du-lịch-mèo-vạc.docx"
    make_docx(PLAN_PARAGRAPHS, path)
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    created = upload(api, live_server, path.name, path.read_bytes(), docx_type)
    assert_searchable_then_delete(api, live_server, created)


def test_upload_with_the_same_name_replaces_the_document(api: httpx.Client, live_server: LiveServer) -> None:
    count = len(api.get("/documents").json()["documents"])
    first = upload(
        api, live_server, "meo-vac-ban-cu.txt", b"KE HOACH\nI. NHIEM VU\n1. Noi dung cu.\n", "text/plain"
    )
    assert first.status_code == 201, first.text
    second = upload(api, live_server, "meo-vac-ban-cu.txt", PLAN_TEXT.encode(), "text/plain")
    assert second.status_code == 201, second.text
    assert second.json()["doc_id"] == first.json()["doc_id"]
    assert len(api.get("/documents").json()["documents"]) == count + 1
    assert_searchable_then_delete(api, live_server, second)


# Refused uploads --------------------------------------------------------------------------------------

_MB = 1024 * 1024


def _bad_uploads(tmp: Path) -> list[tuple[str, str, bytes, int, str | None]]:
    """(case, file name, content, expected status, expected code)."""
    scanned = tmp / "scan.pdf"
    make_scanned_pdf(scanned, pages=1)
    encrypted = tmp / "mat.pdf"
    make_encrypted_pdf(encrypted)
    return [
        ("wrong extension", "chuong-trinh.exe", b"MZ\x90\x00" + os.urandom(64), 415, "unsupported_format"),
        ("no extension", "ke-hoach", PLAN_TEXT.encode(), 415, "unsupported_format"),
        ("corrupt pdf", "hong.pdf", b"%PDF-1.7\n" + os.urandom(2048), 422, None),
        ("scanned pdf", "scan.pdf", scanned.read_bytes(), 422, None),
        ("encrypted pdf", "mat.pdf", encrypted.read_bytes(), 422, None),
        ("corrupt docx", "hong.docx", b"PK\x03\x04" + os.urandom(512), 422, None),
        ("empty", "trong.txt", b"", 422, "empty"),
        ("only spaces", "khoang-trang.txt", b" \n\t \n", 422, None),
        ("just over the limit", "lon.txt", b"a" * (int(MAX_UPLOAD_MB * _MB) + 1), 413, "too_large"),
        ("far over the limit", "rat-lon.txt", b"a" * (int(MAX_UPLOAD_MB * _MB) + 3 * _MB), 413, "too_large"),
        ("path traversal", "../../evil.txt", PLAN_TEXT.encode(), 422, "invalid_filename"),
        ("windows path traversal", "..\\..\\evil.txt", PLAN_TEXT.encode(), 422, "invalid_filename"),
        ("absolute path", "/tmp/evil.txt", PLAN_TEXT.encode(), 422, "invalid_filename"),
        ("hidden file", ".evil.txt", PLAN_TEXT.encode(), 422, "invalid_filename"),
    ]


def test_bad_uploads_are_refused_and_change_nothing(
    api: httpx.Client, live_server: LiveServer, tmp_path: Path, unchanged: None
) -> None:
    for case, name, data, status, code in _bad_uploads(tmp_path):
        response = upload(api, live_server, name, data, "application/octet-stream")
        assert response.status_code == status, (case, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), case
        problem = response.json()
        assert problem["status"] == status and problem["detail"], case
        if code is not None:
            assert problem["code"] == code, (case, problem)
    root = live_server.corpus_dir.parent
    assert not (root / "evil.txt").exists()
    assert not (root.parent / "evil.txt").exists()
    assert not Path("/tmp/evil.txt").exists() or Path("/tmp/evil.txt").read_bytes() != PLAN_TEXT.encode()


def test_upload_without_a_file_field(api: httpx.Client, live_server: LiveServer, unchanged: None) -> None:
    response = api.post("/documents", data={"other": "x"}, headers=live_server.admin_headers)
    assert response.status_code == 422
    assert "file" in response.json()["detail"]


def test_streamed_upload_over_the_limit_is_cut_off(
    api: httpx.Client, live_server: LiveServer, unchanged: None
) -> None:
    """No Content-Length (chunked): the limit is enforced while the body arrives."""
    boundary = "tracuu-test-boundary"

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="lon.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        for _ in range(int(MAX_UPLOAD_MB * 16) + 32):  # 64 KiB pieces, 2 MB past the limit
            yield b"a" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {**live_server.admin_headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    response = api.post("/documents", content=body(), headers=headers)
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "too_large"
