"""``POST /ask`` with ``"stream": true``, read by a real streaming client: the last event is the full answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.service.checks import DocumentTexts, check_answer
from tests.service.live import LiveServer

pytestmark = pytest.mark.server

QUESTIONS = [
    "Sở nào chịu trách nhiệm về nhà ở xã hội?",
    "ai phu trach mo cua truong hoc an toan",
    "Sở nào phụ trách cấp hộ chiếu?",
]


@dataclass
class Event:
    """One Server-Sent Event."""

    event: str
    data: Any


def read_events(response: httpx.Response) -> list[Event]:
    """Parse a ``text/event-stream`` body as it arrives (per the WHATWG event-stream rules we rely on)."""
    events: list[Event] = []
    name, data_lines = "message", list[str]()
    for line in response.iter_lines():
        if not line:
            if data_lines:
                events.append(Event(name, json.loads("\n".join(data_lines))))
            name, data_lines = "message", list[str]()
        elif line.startswith(":"):
            continue  # comment / keep-alive
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data_lines.append(value)
    if data_lines:
        events.append(Event(name, json.loads("\n".join(data_lines))))
    return events


def stream_answer(api: httpx.Client, body: dict[str, Any]) -> tuple[httpx.Response, list[Event]]:
    with api.stream("POST", "/ask", json={**body, "stream": True}) as response:
        assert response.status_code == 200, response.read()
        return response, read_events(response)


@pytest.fixture(scope="module")
def texts(api: httpx.Client) -> DocumentTexts:
    return DocumentTexts(api)


@pytest.mark.parametrize("question", QUESTIONS)
def test_final_event_is_the_non_streaming_answer(
    api: httpx.Client, texts: DocumentTexts, question: str
) -> None:
    response, events = stream_answer(api, {"question": question})
    assert response.headers["content-type"].startswith("text/event-stream")
    assert events, "empty stream"
    assert events[-1].event == "answer"
    assert all(e.event != "error" for e in events)
    assert [e.event for e in events].count("answer") == 1
    final = events[-1].data
    check_answer(final, texts)

    plain = api.post("/ask", json={"question": question})
    assert plain.status_code == 200
    assert final == plain.json()

    deltas = [e.data["text"] for e in events if e.event == "delta"]
    if deltas:
        assert "".join(deltas) == final["answer"]
    assert all(e.event in {"passages", "delta"} for e in events[:-1]), [e.event for e in events]


def test_stream_keeps_every_citation_with_history(api: httpx.Client, texts: DocumentTexts) -> None:
    body = {
        "question": "Sở nào tổng hợp nhu cầu vay vốn để mua nhà ở xã hội ở Lạng Sơn?",
        "history": [{"role": "user", "content": "Kế hoạch 46/KH-UBND của Lạng Sơn nói gì?"}],
        "top_k": 6,
    }
    _, events = stream_answer(api, body)
    final = events[-1]
    assert final.event == "answer"
    check_answer(final.data, texts)
    plain = api.post("/ask", json=body).json()
    assert final.data["citations"] == plain["citations"]


def test_stream_response_headers(api: httpx.Client) -> None:
    with api.stream(
        "POST", "/ask", json={"question": "nhà ở xã hội", "stream": True}, headers={"X-Request-ID": "sse-1"}
    ) as response:
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["X-Request-ID"] == "sse-1"
        response.read()


def test_invalid_stream_request_is_a_problem_not_a_stream(api: httpx.Client) -> None:
    response = api.post("/ask", json={"question": "  ", "stream": True})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "question" in response.json()["detail"]


def test_client_leaving_mid_stream_does_not_hurt_the_server(
    api: httpx.Client, live_server: LiveServer
) -> None:
    with (
        live_server.client() as other,
        other.stream(
            "POST", "/ask", json={"question": "Sở nào chịu trách nhiệm về nhà ở xã hội?", "stream": True}
        ) as response,
    ):
        for _ in response.iter_lines():
            break  # hang up after the first line
    assert api.get("/healthz").status_code == 200
    assert api.post("/ask", json={"question": "nhà ở xã hội"}).status_code == 200
