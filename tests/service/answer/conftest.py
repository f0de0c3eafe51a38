"""Fixtures of the answer tests: a real index of the seed plans, answerers, and a fake OpenAI-compatible
server running on loopback."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from index.engine import SearchEngine
from service.answer.extractive import ExtractiveAnswerer
from tests.service.answer.answer_helpers import DEV_QA, SEEDS, FakeLLM, app_for, build, settings_for


@pytest.fixture(scope="session")
def seed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the five seed plans (the bundled folder may be in use by other tests)."""
    folder = tmp_path_factory.mktemp("answer-corpus")
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def engine(seed_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    """The seed plans indexed with the offline defaults."""
    opened = build(seed_corpus, tmp_path_factory.mktemp("answer-index"))
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def answerer(engine: SearchEngine) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(engine, settings=settings_for())


@pytest.fixture(scope="session")
def dev_items() -> list[dict[str, Any]]:
    if not DEV_QA.exists():
        pytest.fail(f"dev set missing: {DEV_QA} (set TRACUU_SHARED_DIR to the shared data folder)")
    return [json.loads(line) for line in DEV_QA.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def fake_llm_server() -> Iterator[FakeLLM]:
    fake = FakeLLM()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(app_for(fake), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake LLM server did not start")
        time.sleep(0.05)
    fake.url = f"http://127.0.0.1:{port}/v1"
    yield fake
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def fake_llm(fake_llm_server: FakeLLM) -> Iterator[FakeLLM]:
    fake_llm_server.reset()
    yield fake_llm_server
    fake_llm_server.reset()
