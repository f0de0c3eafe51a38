"""The HTTP contract (CONTRACT.md) against a real server: every endpoint, every shape, every offset."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.service.checks import DOCUMENT_KEYS, DocumentTexts, check_answer, check_passage
from tests.service.live import LiveServer

pytestmark = pytest.mark.server

DEV_QA = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"

QUERIES = [
    "Sở nào chịu trách nhiệm về nhà ở xã hội?",
    "so nao tham muu chuong trinh phong chong dich covid o lang son",
    "Sở LĐTBXH Hậu Giang có nhiệm vụ gì?",
    "Kế hoạch 1221/KH-UBND của Ninh Thuận ban hành ngày nào?",
]


def dev_questions() -> list[str]:
    """Questions of the shared dev set (or a few fixed ones where it is not available)."""
    if not DEV_QA.exists():
        return QUERIES
    return [
        json.loads(line)["question"]
        for line in DEV_QA.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


@pytest.fixture(scope="module")
def texts(api: httpx.Client) -> DocumentTexts:
    return DocumentTexts(api)


# Operations -------------------------------------------------------------------------------------------


def test_healthz(api: httpx.Client) -> None:
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def corpus_size(live: LiveServer) -> int:
    return sum(1 for p in live.corpus_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def test_readyz_describes_the_live_index(api: httpx.Client, live_server: LiveServer) -> None:
    response = api.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["documents"] == corpus_size(live_server)
    assert body["chunks"] > body["documents"]
    # No model is configured in the test server: the index is lexical-only, and says so.
    assert body["encoder"] == body["encoder_kind"] == "none" and body["retrieval"] == "lexical"
    assert {"index_version", "configured_model", "fallback_reason"} <= body.keys()


def test_metrics_count_requests_by_route_template(api: httpx.Client) -> None:
    documents = api.get("/documents").json()["documents"]
    api.get(f"/documents/{documents[0]['doc_id']}")
    api.post("/search", json={"query": "nhà ở xã hội"})
    response = api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'route="/documents/{doc_id}"' in text
    assert documents[0]["doc_id"] not in text  # raw paths would explode the label space
    assert "tracuu_http_requests_total" in text
    assert "tracuu_http_request_duration_seconds_bucket" in text
    assert f"tracuu_index_documents {float(len(documents))}" in text


def test_request_id_is_echoed_or_made(api: httpx.Client) -> None:
    assert api.get("/healthz", headers={"X-Request-ID": "portal-42"}).headers["X-Request-ID"] == "portal-42"
    made = api.get("/healthz").headers["X-Request-ID"]
    assert made and made != "portal-42"
    # Ids that could inject into logs are replaced.
    assert api.get("/healthz", headers={"X-Request-ID": "a b\tc"}).headers["X-Request-ID"] != "a b\tc"


# Documents --------------------------------------------------------------------------------------------


def test_documents_list_has_the_contract_shape(api: httpx.Client, live_server: LiveServer) -> None:
    response = api.get("/documents")
    assert response.status_code == 200
    documents = response.json()["documents"]
    assert len(documents) == corpus_size(live_server)
    for document in documents:
        assert document.keys() >= DOCUMENT_KEYS
        assert document["date"] is None or len(document["date"]) == 10
    assert len({d["doc_id"] for d in documents}) == len(documents)


def test_document_text_is_what_chunks_point_into(api: httpx.Client, live_server: LiveServer) -> None:
    documents = api.get("/documents").json()["documents"]
    for document in documents:
        response = api.get(f"/documents/{document['doc_id']}")
        assert response.status_code == 200
        body = response.json()
        assert {k: body[k] for k in DOCUMENT_KEYS} == {k: document[k] for k in DOCUMENT_KEYS}
        assert isinstance(body["text"], str) and len(body["text"]) > 500
        assert (live_server.corpus_dir / document["source"]).exists()


def test_unknown_document_is_a_404_problem(api: httpx.Client) -> None:
    response = api.get("/documents/khong-co-van-ban-nay")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 404 and problem["code"] == "not_found"
    assert "khong-co-van-ban-nay" in problem["detail"]


def test_json_is_utf8_not_escaped(api: httpx.Client) -> None:
    raw = api.post("/search", json={"query": "nhà ở xã hội", "top_k": 3}).content
    assert "Sở".encode() in raw or "ở".encode() in raw
    assert b"\\u" not in raw


# Search -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES)
def test_search_passages_have_exact_offsets(api: httpx.Client, texts: DocumentTexts, query: str) -> None:
    response = api.post("/search", json={"query": query, "top_k": 5})
    assert response.status_code == 200
    results = response.json()["results"]
    assert 1 <= len(results) <= 5
    for passage in results:
        check_passage(passage, texts)
    scores = [p["score"] for p in results]
    assert scores == sorted(scores, reverse=True)


def test_search_default_top_k_is_ten(api: httpx.Client) -> None:
    results = api.post("/search", json={"query": "ủy ban nhân dân"}).json()["results"]
    assert len(results) == 10


def test_search_filters_are_hard(api: httpx.Client) -> None:
    documents = api.get("/documents").json()["documents"]
    target = documents[-1]
    by_doc = api.post(
        "/search", json={"query": "nhà ở xã hội", "top_k": 8, "filters": {"doc_id": target["doc_id"]}}
    ).json()["results"]
    assert by_doc and {p["doc_id"] for p in by_doc} == {target["doc_id"]}
    province = next(d["province"] for d in documents if d["province"])
    in_province = {d["doc_id"] for d in documents if d["province"] == province}
    by_province = api.post(
        "/search", json={"query": "nhà ở xã hội", "top_k": 8, "filters": {"province": province}}
    ).json()["results"]
    assert by_province and {p["doc_id"] for p in by_province} <= in_province


def test_search_with_an_unknown_filter_value_finds_nothing(api: httpx.Client) -> None:
    response = api.post("/search", json={"query": "nhà ở", "filters": {"doc_id": "khong-co"}})
    assert response.status_code == 200
    assert response.json() == {"results": []}


# Answers ----------------------------------------------------------------------------------------------


def test_ask_answers_with_verbatim_citations(api: httpx.Client, texts: DocumentTexts) -> None:
    response = api.post("/ask", json={"question": "Sở nào chịu trách nhiệm về nhà ở xã hội?"})
    assert response.status_code == 200
    answer = response.json()
    check_answer(answer, texts)
    assert not answer["abstained"]
    assert answer["citations"]


@pytest.mark.slow
def test_every_dev_question_gets_well_formed_citations(api: httpx.Client, texts: DocumentTexts) -> None:
    for question in dev_questions():
        response = api.post("/ask", json={"question": question})
        assert response.status_code == 200, (question, response.text)
        check_answer(response.json(), texts)


def test_ask_with_history_and_filters(api: httpx.Client, texts: DocumentTexts) -> None:
    documents = api.get("/documents").json()["documents"]
    body = {
        "question": "Còn cơ quan nào phối hợp?",
        "history": [
            {"role": "user", "content": "Sở nào chịu trách nhiệm về nhà ở xã hội?"},
            {"role": "assistant", "content": "Sở Xây dựng [1]"},
        ],
        "top_k": 5,
        "filters": {"doc_id": documents[0]["doc_id"]},
    }
    response = api.post("/ask", json=body)
    assert response.status_code == 200
    answer = response.json()
    check_answer(answer, texts)
    assert {p["doc_id"] for p in answer["passages"]} <= {documents[0]["doc_id"]}


def test_ask_out_of_corpus_question_is_well_formed(api: httpx.Client, texts: DocumentTexts) -> None:
    response = api.post("/ask", json={"question": "Sở nào phụ trách cấp hộ chiếu?"})
    assert response.status_code == 200
    check_answer(response.json(), texts)  # abstained -> no citations; else verbatim ones


# OpenAPI ----------------------------------------------------------------------------------------------


def test_openapi_documents_every_contract_endpoint(api: httpx.Client, live_server: LiveServer) -> None:
    spec = api.get("/openapi.json").json()
    paths = spec["paths"]
    expected = {
        "/healthz": {"get"},
        "/readyz": {"get"},
        "/search": {"post"},
        "/ask": {"post"},
        "/documents": {"get", "post"},
        "/documents/{doc_id}": {"get", "delete"},
        "/index/rebuild": {"post"},
        "/jobs/{job_id}": {"get"},
        "/metrics": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    search_body = spec["components"]["schemas"]["SearchRequest"]["properties"]
    assert search_body["top_k"]["maximum"] == live_server.settings.max_top_k
    assert search_body["query"]["maxLength"] == live_server.settings.max_query_chars
    assert spec["components"]["schemas"]["SearchRequest"].get("examples")


def test_document_chunks_give_the_outline_with_exact_offsets(api: httpx.Client, texts: DocumentTexts) -> None:
    doc_id = api.get("/documents").json()["documents"][0]["doc_id"]
    chunks = api.get(f"/documents/{doc_id}/chunks").json()["chunks"]
    assert chunks and [c["ordinal"] for c in chunks] == sorted(c["ordinal"] for c in chunks)
    text = texts.text(doc_id)
    for chunk in chunks:
        assert chunk["doc_id"] == doc_id and text[chunk["start"] : chunk["end"]] == chunk["text"]
        assert chunk["section"] == " › ".join(chunk["heading_path"])
    missing = api.get("/documents/khong-co/chunks")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )
