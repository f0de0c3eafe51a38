"""A configured reranker: /readyz names it (or says why it is not in use), and the CLI accepts --reranker."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import httpx
import pytest

from service.cli import main
from tests.service.live import SEED_DIR, free_port, live_settings, run_server

QUERY = "sở nào chủ trì phát triển nhà ở xã hội"
MISSING_RERANKER = "/nonexistent/tracuu-reranker"


@pytest.mark.server
@pytest.mark.model
@pytest.mark.slow
def test_readyz_names_the_reranker_and_search_uses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.fixtures.tiny_cross_encoder import build_tiny_cross_encoder

    reranker = str(build_tiny_cross_encoder(tmp_path / "tiny-ce"))
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_DIR, corpus)
    settings = live_settings(corpus, tmp_path / "index", free_port(), reranker=reranker)
    with run_server(settings) as server:
        ready = httpx.get(f"{server.url}/readyz", timeout=10).json()
        served = httpx.post(f"{server.url}/search", json={"query": QUERY, "top_k": 10}, timeout=30)
    assert ready["status"] == "ready" and ready["reranker"].startswith("ce:tiny-ce:")
    assert ready["reranker_fallback_reason"] is None
    assert served.status_code == 200
    served_ids = [p["chunk_id"] for p in served.json()["results"]]
    # The command line, given the same reranker, ranks the same index the same way; without it, differently.
    assert main(["search", QUERY, "--index", str(tmp_path / "index"), "--reranker", reranker, "--json"]) == 0
    cli_ids = [p["chunk_id"] for p in json.loads(capsys.readouterr().out)["results"]]
    assert cli_ids == served_ids
    assert main(["search", QUERY, "--index", str(tmp_path / "index"), "--reranker", "", "--json"]) == 0
    plain_ids = [p["chunk_id"] for p in json.loads(capsys.readouterr().out)["results"]]
    assert plain_ids != served_ids


@pytest.mark.server
def test_unloadable_reranker_is_reported_and_search_still_works(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_DIR, corpus)
    settings = live_settings(corpus, tmp_path / "index", free_port(), reranker=MISSING_RERANKER)
    with caplog.at_level(logging.WARNING), run_server(settings) as server:
        ready = httpx.get(f"{server.url}/readyz", timeout=10).json()
        answer = httpx.post(f"{server.url}/search", json={"query": QUERY}, timeout=10)
    assert ready["status"] == "ready" and ready["reranker"] is None
    assert MISSING_RERANKER in ready["reranker_fallback_reason"]
    assert answer.status_code == 200 and answer.json()["results"]
    assert f"could not load reranker {MISSING_RERANKER}" in caplog.text
