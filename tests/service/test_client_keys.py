"""A portal deployment: CORS allowlist, required client keys with a rate limit, admin closed, quiet logs.

A second real server over the same (read-only) index, configured the way a portal would run it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from tests.service.live import LiveServer, free_port, live_settings, run_server

pytestmark = pytest.mark.server

PORTAL = "https://dichvucong.example.gov.vn"
CLIENT_KEY = "portal-client-key-1"
PER_MINUTE = 3


@pytest.fixture(scope="module")
def portal_server(live_server: LiveServer) -> Iterator[LiveServer]:
    settings = live_settings(
        live_server.corpus_dir,
        live_server.index_dir,
        free_port(),
        admin_keys=[],
        client_keys=[CLIENT_KEY, "other-client-key"],
        require_client_key=True,
        rate_limit_per_minute=PER_MINUTE,
        cors_origins=[PORTAL],
        log_questions=True,
    )
    with run_server(settings) as server:
        yield server


@pytest.fixture
def portal(portal_server: LiveServer) -> Iterator[httpx.Client]:
    with portal_server.client() as client:
        yield client


def test_cors_allows_the_portal_only(portal: httpx.Client) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-api-key",
    }
    allowed = portal.options("/ask", headers={"Origin": PORTAL, **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == PORTAL
    assert "x-api-key" in allowed.headers["access-control-allow-headers"].lower()
    refused = portal.options("/ask", headers={"Origin": "https://evil.example.com", **preflight})
    assert refused.headers.get("access-control-allow-origin") != "https://evil.example.com"
    simple = portal.get("/healthz", headers={"Origin": PORTAL})
    assert simple.headers["access-control-allow-origin"] == PORTAL
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


def test_client_key_is_required(portal: httpx.Client) -> None:
    missing = portal.post("/search", json={"query": "nhà ở xã hội"})
    assert missing.status_code == 401
    assert missing.json()["code"] == "missing_api_key"
    unknown = portal.post("/search", json={"query": "nhà ở xã hội"}, headers={"X-API-Key": "doan-bua"})
    assert unknown.status_code == 401
    assert unknown.json()["code"] == "invalid_api_key"
    # Operations endpoints stay open for probes.
    assert portal.get("/healthz").status_code == 200
    assert portal.get("/readyz").status_code == 200


def test_rate_limit_per_key_with_retry_after(portal: httpx.Client) -> None:
    headers = {"X-API-Key": "other-client-key"}
    statuses = [
        portal.post("/search", json={"query": "nhà ở"}, headers=headers).status_code
        for _ in range(PER_MINUTE)
    ]
    assert statuses == [200] * PER_MINUTE
    limited = portal.post("/ask", json={"question": "nhà ở"}, headers=headers)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["code"] == "rate_limited"
    # Another key has its own budget.
    assert (
        portal.post("/search", json={"query": "nhà ở"}, headers={"X-API-Key": CLIENT_KEY}).status_code == 200
    )


def test_openapi_marks_the_client_key_required(portal: httpx.Client) -> None:
    spec = portal.get("/openapi.json").json()
    assert spec["paths"]["/search"]["post"]["security"] == [{"ClientKey": []}]


def test_admin_is_closed_without_configured_keys(portal: httpx.Client, live_server: LiveServer) -> None:
    assert portal.post("/index/rebuild").status_code == 401
    response = portal.post("/index/rebuild", headers=live_server.admin_headers)
    assert response.status_code == 403
    assert response.json()["code"] == "admin_disabled"
    assert "TRACUU_ADMIN_KEYS" in response.json()["detail"]


def test_keys_and_questions_stay_out_of_the_logs(
    caplog: pytest.LogCaptureFixture, api: httpx.Client, live_server: LiveServer
) -> None:
    marker = "Riêng-Tư-QXZ"  # not hex: request ids (uuid hex) must not match it by chance
    question = f"Câu hỏi {marker} về nhà ở xã hội?"
    with caplog.at_level(logging.DEBUG):
        api.post("/ask", json={"question": question}, headers={"X-API-Key": "not-a-configured-key"})
        api.post("/search", json={"query": question})
        api.post("/index/rebuild", headers={"Authorization": "Bearer wrong-admin-key"})
        api.delete("/documents/khong-co", headers=live_server.admin_headers)
    records = [str(vars(record)) + record.getMessage() for record in caplog.records]
    assert any("/search" in r for r in records), "the access log should have recorded the requests"
    for secret in (marker, live_server.admin_key, "wrong-admin-key", "not-a-configured-key"):
        assert not any(secret in r for r in records), secret


def test_questions_are_logged_when_the_deployment_asks_for_it(
    caplog: pytest.LogCaptureFixture, portal: httpx.Client
) -> None:
    question = "Câu hỏi được ghi QXZ về nhà ở xã hội?"
    with caplog.at_level(logging.INFO):
        response = portal.post("/ask", json={"question": question}, headers={"X-API-Key": CLIENT_KEY})
    assert response.status_code == 200
    assert any(getattr(record, "question", None) == question for record in caplog.records)
    assert not any(CLIENT_KEY in str(vars(record)) for record in caplog.records)
