"""Bad input gets a 4xx problem document that names the field and the fix; odd but valid input gets answers.

Never a 500 for anything a caller sends.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.service.live import LiveServer

pytestmark = pytest.mark.server


def assert_problem(response: httpx.Response, status: int, *mentions: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"] and problem["code"] and problem["detail"]
    assert problem["request_id"] == response.headers["X-Request-ID"]
    for mention in mentions:
        assert mention in problem["detail"], (mention, problem["detail"])
    return problem


def search_cases(live: LiveServer) -> list[tuple[str, Any, str]]:
    """(case, JSON body, text the detail must mention)."""
    limits = live.settings
    return [
        ("empty query", {"query": ""}, "query"),
        ("blank query", {"query": " \t\n "}, "not only spaces"),
        ("no query", {"top_k": 3}, "query: is required"),
        (
            "query too long",
            {"query": "a" * (limits.max_query_chars + 1)},
            f"at most {limits.max_query_chars}",
        ),
        ("query not a string", {"query": 42}, "query"),
        ("top_k zero", {"query": "nhà ở", "top_k": 0}, "top_k: must be at least 1"),
        ("top_k negative", {"query": "nhà ở", "top_k": -3}, "top_k"),
        ("top_k too big", {"query": "nhà ở", "top_k": limits.max_top_k + 1}, f"at most {limits.max_top_k}"),
        ("top_k as text", {"query": "nhà ở", "top_k": "5"}, "top_k"),
        ("top_k fractional", {"query": "nhà ở", "top_k": 2.5}, "top_k"),
        ("top_k boolean", {"query": "nhà ở", "top_k": True}, "top_k"),
        ("misspelt field", {"query": "nhà ở", "topk": 5}, "topk: is not a known field"),
        ("filters not an object", {"query": "nhà ở", "filters": "Lạng Sơn"}, "filters"),
        ("unknown filter", {"query": "nhà ở", "filters": {"tinh": "Lạng Sơn"}}, "filters.tinh"),
        ("body is a list", ["nhà ở"], "JSON object"),
        ("body is a string", "nhà ở", "JSON object"),
    ]


def test_bad_search_requests(api: httpx.Client, live_server: LiveServer) -> None:
    for case, body, mention in search_cases(live_server):
        response = api.post("/search", json=body)
        problem = assert_problem(response, 422, mention)
        assert problem["errors"], case


ASK_CASES: list[tuple[str, Any, str]] = [
    ("blank question", {"question": "   "}, "question"),
    ("bad role", {"question": "ai?", "history": [{"role": "system", "content": "x"}]}, "history.0.role"),
    ("turn without content", {"question": "ai?", "history": [{"role": "user"}]}, "history.0.content"),
    ("turn too long", {"question": "ai?", "history": [{"role": "user", "content": "x" * 4001}]}, "history.0"),
    ("history too long", {"question": "ai?", "history": [{"role": "user", "content": "x"}] * 21}, "history"),
    ("stream as text", {"question": "ai?", "stream": "yes"}, "stream"),
    ("stream as number", {"question": "ai?", "stream": 1}, "stream"),
    ("top_k too big", {"question": "ai?", "top_k": 10_000}, "top_k"),
]


@pytest.mark.parametrize(("case", "body", "mention"), ASK_CASES, ids=[c[0] for c in ASK_CASES])
def test_bad_ask_requests(api: httpx.Client, case: str, body: Any, mention: str) -> None:
    assert_problem(api.post("/ask", json=body), 422, mention)


def test_malformed_bodies(api: httpx.Client) -> None:
    headers = {"Content-Type": "application/json"}
    assert_problem(api.post("/search", content=b'{"query": "nh', headers=headers), 422, "not valid JSON")
    assert_problem(api.post("/search", content=b'{"query": "\xff\xfe"}', headers=headers), 400, "UTF-8")
    response = api.post("/search", content=b'{"query": "nha o"}', headers={"Content-Type": "text/plain"})
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert_problem(api.post("/search", content=b"", headers=headers), 422, "body")


def test_oversized_json_body_is_refused_early(api: httpx.Client) -> None:
    body = b'{"query": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    assert_problem(
        api.post("/search", content=body, headers={"Content-Type": "application/json"}), 413, "limit"
    )


def test_oversized_body_without_length_is_refused_while_streaming(api: httpx.Client) -> None:
    def chunks() -> Any:
        yield b'{"query": "'
        for _ in range(40):
            yield b"a" * 65536
        yield b'"}'

    response = api.post("/search", content=chunks(), headers={"Content-Type": "application/json"})
    assert_problem(response, 413, "limit")


def test_unknown_path_and_wrong_method(api: httpx.Client) -> None:
    assert_problem(api.get("/khong-co"), 404, "/khong-co")
    problem = assert_problem(api.put("/search", json={"query": "x"}), 405, "PUT")
    assert problem["code"] == "method_not_allowed"
    response = api.patch("/documents")
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_path_parameters_are_validated(api: httpx.Client) -> None:
    assert_problem(api.get("/documents/" + "x" * 301), 422, "doc_id")
    assert_problem(api.get("/jobs/" + "j" * 101), 422, "job_id")


ODD_BUT_VALID = [
    "a",
    "ở",
    "NHÀ Ở XÃ HỘI",
    "nha\u0300 o\u031b\u0309 xa\u0303 ho\u0323i",  # decomposed (NFD) marks
    "Sở\x00Xây dựng",
    "🏠 nhà ở 🏠",
    "مرحبا nhà ở",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%s %d {0} ${x}",
    "\\u0000 \\n",
    "x" * 2000,
    " ".join(["nhà"] * 500),
    "Sở\u200bXây\u200bdựng",
]


@pytest.mark.parametrize("query", ODD_BUT_VALID)
def test_odd_queries_are_answered_not_crashed(api: httpx.Client, query: str) -> None:
    response = api.post("/search", json={"query": query, "top_k": 3})
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["results"], list)
    response = api.post("/ask", json={"question": query})
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["answer"], str)
