"""A server whose index cannot be loaded: alive, honest about it (503 + Retry-After), never a 500."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.service.live import ADMIN_KEY, LiveServer, free_port, live_settings, start_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("broken")
    settings = live_settings(root / "no-such-corpus", root / "index", free_port())
    with start_server(settings) as server:
        yield server


def wait_for_failure(client: httpx.Client) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        problem = client.get("/readyz").json()
        if "failed" in str(problem.get("detail")):
            return problem
        time.sleep(0.05)
    raise AssertionError("the index load never reported its failure")


def test_alive_but_not_ready(broken_server: LiveServer) -> None:
    with broken_server.client() as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        problem = wait_for_failure(client)
        assert problem["status"] == 503 and problem["code"] == "index_not_ready"
        assert "no-such-corpus" in str(problem["detail"])  # names what is wrong, without a traceback
        assert "Traceback" not in str(problem["detail"])
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert int(ready.headers["retry-after"]) >= 1


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/search", {"json": {"query": "nhà ở xã hội"}}),
        ("POST", "/ask", {"json": {"question": "nhà ở xã hội", "stream": True}}),
        ("GET", "/documents", {}),
        ("GET", "/documents/lang-son-46-kh-ubnd-phuc-hoi-kinh-te", {}),
        ("POST", "/index/rebuild", {"headers": {"Authorization": f"Bearer {ADMIN_KEY}"}}),
        ("GET", "/jobs/abc", {}),
    ],
)
def test_index_endpoints_answer_503(broken_server: LiveServer, method: str, path: str, kwargs: dict) -> None:
    with broken_server.client() as client:
        wait_for_failure(client)
        response = client.request(method, path, **kwargs)
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["retry-after"]
        assert "not loaded" in response.json()["detail"]


def test_metrics_report_no_index(broken_server: LiveServer) -> None:
    with broken_server.client() as client:
        wait_for_failure(client)
        metrics = client.get("/metrics")
        assert metrics.status_code == 200
        assert "tracuu_index_ready 0.0" in metrics.text
        assert "tracuu_index_documents" not in metrics.text
