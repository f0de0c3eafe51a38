"""Hostile queries to /search, /ask and /ask with ``stream``: each gets a well-formed answer, never a 5xx.

Every case must come back as 200 with a valid body (passages whose offsets point into their document,
answers whose citations are verbatim) or as a clear 4xx problem document; the server stays healthy and its
index unchanged. Elapsed time per case is printed (``-s``) and recorded as a junit property, not asserted.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import pytest

from tests.service.checks import DocumentTexts, check_answer, check_passage
from tests.service.live import LiveServer

pytestmark = pytest.mark.server

Expect = Literal["ok", "4xx", "any"]
Endpoint = Literal["search", "ask", "stream"]
FIELD = {"search": "query", "ask": "question", "stream": "question"}
PATH = {"search": "/search", "ask": "/ask", "stream": "/ask"}
REFERENCE_QUERY = "Sở nào chịu trách nhiệm về nhà ở xã hội?"
MB = 1024 * 1024
MAX_CHARS = 2000  # the live server's max_query_chars (checked in test_limits_are_the_expected_ones)


@dataclass(frozen=True)
class Case:
    """One hostile request.

    ``text`` goes into the query/question field; ``body`` (a dict) is merged over it, with the value
    :data:`DROP` removing the field; ``raw`` is sent as bytes with ``{F}`` replaced by the field name.
    """

    name: str
    expect: Expect
    text: Any = "nhà ở xã hội"
    body: dict[str, Any] | None = None
    raw: bytes | None = None
    content_type: str | None = "application/json"
    endpoints: tuple[Endpoint, ...] = ("search", "ask", "stream")
    no_results: bool = False  # a filter no document matches: nothing may be returned


DROP = object()

TEXT_CASES = [
    Case("empty", "4xx", text=""),
    Case("whitespace only", "4xx", text=" \t\n\r\u00a0\u3000\u2003 "),
    Case("1 MB query", "4xx", text="a" * MB),
    Case("10,000 repeated words", "4xx", text=" ".join(["nhà"] * 10_000)),
    Case("one character over the limit", "4xx", text="ở" * (MAX_CHARS + 1)),
    Case("NUL only", "any", text="\x00"),
    Case("NUL inside words", "ok", text="Sở\x00Xây\x00dựng\x00 nhà ở"),
    Case("every control character", "any", text="".join(map(chr, range(32))) + "\x7f\x85 nhà ở"),
    Case("only punctuation", "ok", text="?!.,;:…–—\"'()[]{}<>/\\|@#$%^&*_+=~`"),
    Case("SQL injection", "ok", text="' OR 1=1 --"),
    Case("SQL drop table", "ok", text="nhà ở'); DROP TABLE chunks; --"),
    Case("SQL union", "ok", text='" UNION SELECT text FROM chunks WHERE ""="'),
    Case("FTS query syntax", "ok", text='nhà NEAR/2 ở OR "x" AND NOT * ^ col:x'),
    Case("regex catastrophic", "ok", text="(.*)+$ (a+)+b ((a|a)*)*$"),
    Case("regex brackets", "ok", text="[[[ ]]] {{{ ((("),
    Case("lone backslash", "ok", text="\\"),
    Case("backslash escapes", "ok", text="\\u0000 \\x00 \\n \\\\ \\"),
    Case("format strings", "ok", text="%s%s%n %(x)s {0} {__class__} ${jndi:ldap://x} {{7*7}}"),
    Case("markup", "ok", text="<script>alert(1)</script><img src=x onerror=alert(1)>"),
    Case("path traversal text", "ok", text="../../../../etc/passwd"),
    Case("max length one-letter words", "ok", text=("ở " * MAX_CHARS)[: MAX_CHARS - 1]),
    Case("max length single token", "ok", text="x" * MAX_CHARS),
    Case("max length digits", "ok", text="1" * MAX_CHARS),
    Case("2,000 combining marks", "ok", text="a" + "\u0301" * (MAX_CHARS - 1)),
    Case(
        "mixed scripts and emoji",
        "ok",
        text="nhà ở 🏠👨‍👩‍👧‍👦 中文 العربية русский ไทย 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 Ⅻ ﬁ ĐĂNG KÝ",
    ),
    Case("bidi controls", "ok", text="\u202enhà ở\u202c \u2066Sở Xây dựng\u2069"),
    Case("zero-width only", "any", text="\u200b\u200c\u200d\ufeff"),
    Case("private use and non-characters", "any", text="\ue000\uffff\U0010fffe nhà ở"),
    Case("decomposed marks (NFD)", "ok", text="nha\u0300 o\u031b\u0309 xa\u0303 ho\u0323i"),
]

TYPE_CASES = [
    Case("field missing", "4xx", body={"query": DROP, "question": DROP}),
    Case("field null", "4xx", text=None),
    Case("field number", "4xx", text=42),
    Case("field float", "4xx", text=1.5),
    Case("field boolean", "4xx", text=True),
    Case("field list", "4xx", text=["nhà ở"]),
    Case("field object", "4xx", text={"text": "nhà ở"}),
    Case("top_k 0", "4xx", body={"top_k": 0}),
    Case("top_k -1", "4xx", body={"top_k": -1}),
    Case("top_k 10^9", "4xx", body={"top_k": 10**9}),
    Case("top_k 10^100", "4xx", body={"top_k": 10**100}),
    Case("top_k 'abc'", "4xx", body={"top_k": "abc"}),
    Case("top_k '5'", "4xx", body={"top_k": "5"}),
    Case("top_k 2.5", "4xx", body={"top_k": 2.5}),
    Case("top_k true", "4xx", body={"top_k": True}),
    Case("top_k list", "4xx", body={"top_k": [5]}),
    Case("top_k 1 (minimum)", "ok", body={"top_k": 1}),
    Case("unknown top-level field", "4xx", body={"admin": True}),
    Case("unknown filter key", "4xx", body={"filters": {"tinh": "Lạng Sơn"}}),
    Case("unknown filter key beside known", "4xx", body={"filters": {"province": "Lạng Sơn", "x": 1}}),
    Case("filters a string", "4xx", body={"filters": "Lạng Sơn"}),
    Case("filters a list", "4xx", body={"filters": ["Lạng Sơn"]}),
    Case("filter value a number", "4xx", body={"filters": {"province": 5}}),
    Case("filter value 10k chars", "4xx", body={"filters": {"province": "x" * 10_000}}),
    Case("SQL in doc_id filter", "ok", body={"filters": {"doc_id": "x' OR '1'='1"}}, no_results=True),
    Case("SQL in province filter", "ok", body={"filters": {"province": "' OR 1=1 --"}}, no_results=True),
    Case("LIKE wildcard province", "ok", body={"filters": {"province": "%"}}, no_results=True),
    Case("LIKE wildcard doc_id", "ok", body={"filters": {"doc_id": "_%"}}, no_results=True),
    Case("traversal doc_id filter", "ok", body={"filters": {"doc_id": "../../etc/passwd"}}, no_results=True),
    Case("empty filters", "ok", body={"filters": {}}),
]

_TURN = {"role": "user", "content": "Kế hoạch 46/KH-UBND giao Sở Xây dựng việc gì?"}
ASK_ONLY: tuple[Endpoint, ...] = ("ask", "stream")
HISTORY_CASES = [
    Case("history of 1,000 turns", "4xx", body={"history": [_TURN] * 1000}, endpoints=ASK_ONLY),
    Case(
        "history turn of 1 MB", "4xx", body={"history": [{**_TURN, "content": "x" * MB}]}, endpoints=ASK_ONLY
    ),
    Case(
        "history turn of 100k chars",
        "4xx",
        body={"history": [{**_TURN, "content": "nhà " * 25_000}]},
        endpoints=ASK_ONLY,
    ),
    Case(
        "20 turns of 4,000 chars",
        "ok",
        body={"history": [{**_TURN, "content": ("nhà ở xã hội " * 400)[:4000]}] * 20},
        endpoints=ASK_ONLY,
    ),
    Case("history role system", "4xx", body={"history": [{**_TURN, "role": "system"}]}, endpoints=ASK_ONLY),
    Case("history not a list", "4xx", body={"history": "xin chào"}, endpoints=ASK_ONLY),
    Case("history of nulls", "4xx", body={"history": [None, None]}, endpoints=ASK_ONLY),
    Case(
        "history with control characters",
        "ok",
        body={"history": [{**_TURN, "content": "\x00\x01 Sở\u202e Xây dựng ' OR 1=1 -- (.*)+$"}]},
        endpoints=ASK_ONLY,
    ),
    Case("stream a string", "4xx", body={"stream": "yes"}, endpoints=("ask",)),
]

RAW: tuple[Endpoint, ...] = ("search", "ask")
RAW_CASES = [
    Case("invalid UTF-8 bytes", "4xx", raw=b'{"{F}": "nh\xff\xfe \xc3\x28"}', endpoints=RAW),
    Case("truncated UTF-8 sequence", "4xx", raw=b'{"{F}": "nh\xc3"}', endpoints=RAW),
    Case("overlong UTF-8", "4xx", raw=b'{"{F}": "\xc0\xaf\xc0\xae"}', endpoints=RAW),
    Case("UTF-8 encoded surrogate", "4xx", raw=b'{"{F}": "\xed\xa0\x80 nha"}', endpoints=RAW),
    Case("escaped lone surrogate", "4xx", raw=b'{"{F}": "\\ud800 nha o"}', endpoints=RAW),
    Case("escaped NUL", "any", raw=b'{"{F}": "\\u0000"}', endpoints=RAW),
    Case("Latin-1 body", "4xx", raw='{"{F}": "café"}'.encode("latin-1"), endpoints=RAW),
    Case("UTF-8 BOM", "any", raw=b'\xef\xbb\xbf{"{F}": "nha o xa hoi"}', endpoints=RAW),
    Case("UTF-16 body", "any", raw='{"{F}": "nhà ở"}'.encode("utf-16"), endpoints=RAW),
    Case("truncated JSON", "4xx", raw=b'{"{F}": "nh', endpoints=RAW),
    Case("trailing garbage", "4xx", raw=b'{"{F}": "nha o"} xyz', endpoints=RAW),
    Case("empty body", "4xx", raw=b"", endpoints=RAW),
    Case(
        "form-encoded body",
        "4xx",
        raw=b"{F}=nha+o",
        content_type="application/x-www-form-urlencoded",
        endpoints=RAW,
    ),
    Case("JSON sent as text/plain", "4xx", raw=b'{"{F}": "nha o"}', content_type="text/plain", endpoints=RAW),
    Case("no content type", "4xx", raw=b'{"{F}": "nha o"}', content_type=None, endpoints=RAW),
    Case("duplicate keys, last empty", "4xx", raw=b'{"{F}": "nha o", "{F}": ""}', endpoints=RAW),
    Case("JSON nested 200,000 deep", "4xx", raw=b"[" * 200_000 + b"]" * 200_000, endpoints=RAW),
    Case("top_k NaN", "4xx", raw=b'{"{F}": "nha o", "top_k": NaN}', endpoints=RAW),
    Case("top_k Infinity", "4xx", raw=b'{"{F}": "nha o", "top_k": 1e400}', endpoints=RAW),
    Case(
        "top_k of 5,000 digits", "4xx", raw=b'{"{F}": "nha o", "top_k": ' + b"9" * 5000 + b"}", endpoints=RAW
    ),
    Case(
        "60,000 unknown keys",
        "4xx",
        raw=b'{"{F}": "nha o", ' + b", ".join(b'"k%d": 0' % k for k in range(60_000)) + b"}",
        endpoints=RAW,
    ),
    Case("body is a JSON string", "4xx", raw=b'"nha o"', endpoints=RAW),
    Case("body is null", "4xx", raw=b"null", endpoints=RAW),
]

ALL_CASES = TEXT_CASES + TYPE_CASES + HISTORY_CASES + RAW_CASES
PARAMS = [
    pytest.param(case, endpoint, id=f"{endpoint}-{case.name}")
    for case in ALL_CASES
    for endpoint in case.endpoints
]


def request_body(case: Case, endpoint: Endpoint) -> tuple[bytes, dict[str, str]]:
    """The bytes and headers of ``case`` sent to ``endpoint``."""
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    field = FIELD[endpoint]
    if case.raw is not None:
        return case.raw.replace(b"{F}", field.encode()), headers
    body: dict[str, Any] = {field: case.text}
    for key, value in (case.body or {}).items():
        if key in FIELD.values() and key != field:
            continue  # the other endpoint's field
        body[key] = value
    if endpoint == "stream":
        body.setdefault("stream", True)
    body = {k: v for k, v in body.items() if v is not DROP}
    return json.dumps(body, ensure_ascii=False).encode("utf-8"), headers


def parse_sse(text: str) -> list[tuple[str, Any]]:
    """(event, JSON data) pairs of a ``text/event-stream`` body."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


def check_ok(response: httpx.Response, endpoint: Endpoint, texts: DocumentTexts, no_results: bool) -> None:
    """A 200 whose body is what the contract promises."""
    if endpoint == "search":
        assert response.headers["content-type"].startswith("application/json")
        results = response.json()["results"]
        assert isinstance(results, list)
        for passage in results:
            check_passage(passage, texts)
        if no_results:
            assert results == []
        return
    if endpoint == "stream":
        assert response.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(response.text)
        assert events, "empty event stream"
        assert "error" not in [name for name, _ in events], events[-1]
        name, answer = events[-1]
        assert name == "answer", events[-1]
    else:
        assert response.headers["content-type"].startswith("application/json")
        answer = response.json()
    check_answer(answer, texts)
    if no_results:
        assert answer["passages"] == [] and answer["citations"] == []
        assert answer["abstained"] is True


def check_problem(response: httpx.Response, request_size: int) -> None:
    """A clear 4xx problem document, no bigger than the request that caused it (no amplification)."""
    assert response.headers["content-type"].startswith("application/problem+json"), response.text[:300]
    problem = response.json()
    assert problem["status"] == response.status_code
    assert problem["code"] and problem["title"]
    assert isinstance(problem["detail"], str) and problem["detail"].strip()
    assert len(response.content) <= max(request_size, 4096), len(response.content)


@pytest.fixture(scope="module")
def texts(api: httpx.Client) -> DocumentTexts:
    return DocumentTexts(api)


@pytest.fixture(scope="module")
def baseline(api: httpx.Client) -> dict[str, Any]:
    """What the hostile requests must leave as it was."""
    return state(api)


def state(api: httpx.Client) -> dict[str, Any]:
    ready = api.get("/readyz")
    assert ready.status_code == 200, ready.text
    reference = api.post("/search", json={"query": REFERENCE_QUERY, "top_k": 5}).json()["results"]
    return {
        "ready": {k: ready.json()[k] for k in ("documents", "chunks", "index_version")},
        "reference": [(p["chunk_id"], p["score"]) for p in reference],
        "documents": api.get("/documents").json(),
    }


def test_limits_are_the_expected_ones(live_server: LiveServer) -> None:
    # The boundary cases above are written for this limit.
    assert live_server.settings.max_query_chars == MAX_CHARS


@pytest.mark.parametrize(("case", "endpoint"), PARAMS)
def test_hostile_request(
    case: Case,
    endpoint: Endpoint,
    api: httpx.Client,
    texts: DocumentTexts,
    baseline: dict[str, Any],
    record_property: Any,
) -> None:
    content, headers = request_body(case, endpoint)
    started = time.perf_counter()
    response = api.post(PATH[endpoint], content=content, headers=headers)
    elapsed_ms = (time.perf_counter() - started) * 1000
    record_property("elapsed_ms", round(elapsed_ms, 1))
    print(f"{endpoint:6} {case.name:36} -> {response.status_code} in {elapsed_ms:7.1f} ms")

    status = response.status_code
    assert status < 500, (status, response.text[:500])
    if case.expect == "ok":
        assert status == 200, response.text[:500]
    elif case.expect == "4xx":
        assert 400 <= status < 500, response.text[:500]
    else:
        assert status == 200 or 400 <= status < 500
    if status == 200:
        check_ok(response, endpoint, texts, case.no_results)
    else:
        check_problem(response, len(content))
    assert api.get("/healthz").status_code == 200


def test_stream_of_an_odd_question_ends_with_an_answer(api: httpx.Client, texts: DocumentTexts) -> None:
    # The stream is consumed incrementally, the way a browser reads it.
    with api.stream("POST", "/ask", json={"question": "' OR 1=1 -- (.*)+$ 🏠", "stream": True}) as response:
        assert response.status_code == 200
        body = "".join(response.iter_text())
    name, answer = parse_sse(body)[-1]
    assert name == "answer"
    check_answer(answer, texts)


def test_server_is_healthy_and_unchanged_afterwards(api: httpx.Client, baseline: dict[str, Any]) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    assert state(api) == baseline


@pytest.fixture(scope="module", autouse=True)
def _summary() -> Iterator[None]:
    started = time.perf_counter()
    yield
    print(f"\nhostile queries: {len(PARAMS)} requests in {time.perf_counter() - started:.1f} s")
