from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import pytest

from evaluation.load import LoadError, check_loopback, default_questions, main, rss_bytes, run_load


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "http://localhost:1", "http://[::1]:8000/", "http://127.8.9.1"]
)
def test_loopback_urls_are_accepted(url: str) -> None:
    assert check_loopback(url).host in ("127.0.0.1", "localhost", "::1", "127.8.9.1")


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1:8000",
        "http://example.com",
        "https://8.8.8.8",
        "ftp://127.0.0.1",
        "http://0.0.0.0:8000",
    ],
)
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(LoadError):
        check_loopback(url)
    assert main(["--url", url, "--seconds", "1"]) == 2


def test_bounds_are_enforced() -> None:
    with pytest.raises(LoadError, match="seconds"):
        asyncio.run(run_load("http://127.0.0.1:1", seconds=0))
    with pytest.raises(LoadError, match="clients"):
        asyncio.run(run_load("http://127.0.0.1:1", seconds=1, clients=1000))
    with pytest.raises(LoadError, match="endpoints"):
        asyncio.run(run_load("http://127.0.0.1:1", seconds=1, endpoints=("delete",)))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_failed_requests_are_counted_and_the_run_is_bounded() -> None:
    result = asyncio.run(
        run_load(f"http://127.0.0.1:{_closed_port()}", seconds=5, clients=2, max_requests=7, pid=os.getpid())
    )
    summary = result.as_dict()
    assert summary["total"]["requests"] == 7
    assert result.errors == 7
    assert summary["total"]["p50_ms"] is None
    assert summary["error_examples"] and "ConnectError" in summary["error_examples"][0]


def test_rss_and_questions(dev_qa: Path) -> None:
    rss = rss_bytes(os.getpid())
    assert rss is not None and rss > 10 * 2**20
    assert rss_bytes(2**22 + 12345) is None
    assert len(default_questions(dev_qa)) == 35
    assert default_questions(dev_qa.parent / "missing.jsonl")


@pytest.mark.slow
@pytest.mark.server
def test_real_server_keeps_answering_through_a_rebuild(tmp_path: Path) -> None:
    from evaluation.load import start_server, stop_server

    process, url = start_server(tmp_path / "index", admin_key="load-test-key")
    try:
        result = asyncio.run(
            run_load(
                url, seconds=15, clients=4, pid=process.pid, rebuild_key="load-test-key", max_requests=5000
            )
        )
    finally:
        stop_server(process)
    summary = result.as_dict()
    assert result.errors == 0, summary["error_examples"]
    assert summary["endpoints"]["search"]["ok"] > 0 and summary["endpoints"]["ask"]["ok"] > 0
    assert summary["total"]["p95_ms"] >= summary["total"]["p50_ms"] > 0
    assert summary["server_rss_mb"]["max"] > 50
    assert result.rebuild is not None and result.rebuild["status"] == "done", result.rebuild
    assert process.poll() is not None
