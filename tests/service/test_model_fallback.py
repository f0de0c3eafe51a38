"""A configured model that cannot be loaded: the server still starts, lexical-only, and says why."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import httpx
import pytest

from tests.service.live import SEED_DIR, free_port, live_settings, run_server

MISSING_MODEL = "/nonexistent/tracuu-model"


@pytest.mark.server
def test_unloadable_model_falls_back_to_lexical_and_readyz_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_DIR, corpus)
    settings = live_settings(corpus, tmp_path / "index", free_port(), model=MISSING_MODEL)
    with caplog.at_level(logging.WARNING), run_server(settings) as server:
        ready = httpx.get(f"{server.url}/readyz", timeout=10).json()
        answer = httpx.post(f"{server.url}/search", json={"query": "nha o xa hoi"}, timeout=10)
    assert ready["status"] == "ready" and ready["configured_model"] == MISSING_MODEL
    assert ready["retrieval"] == "lexical" and ready["encoder"] == "none"
    assert MISSING_MODEL in ready["fallback_reason"]
    assert answer.status_code == 200 and answer.json()["results"]
    assert f"could not load model {MISSING_MODEL}" in caplog.text
