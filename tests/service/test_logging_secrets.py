"""Keys never reach the logs; question text does only with ``TRACUU_LOG_QUESTIONS=true``.

Two real ``tracuu serve`` processes (configured through the environment, as in production) write their JSON
logs to files at DEBUG level, the most talkative. Admin calls with right, wrong and misplaced keys, client
calls with known and unknown ``X-API-Key`` values, and questions are sent to both; then every byte of both
logs is searched for the secrets.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.api.security import key_id
from tests.service.live import REPO_ROOT, LiveServer, free_port

pytestmark = [pytest.mark.server, pytest.mark.slow]

ADMIN_KEY = "adm-9f2c-SECRET-a41b7e"
WRONG_ADMIN_KEY = "wrong-7b1e-SECRET-0c3d"
CLIENT_KEY = "cli-4d8a-SECRET-9e6f21"
UNKNOWN_CLIENT_KEY = "unk-3c5f-SECRET-77aa10"
SECRETS = [ADMIN_KEY, WRONG_ADMIN_KEY, CLIENT_KEY, UNKNOWN_CLIENT_KEY]
QUESTION_MARK = "QMARK5831"
QUESTION = f"Sở nào chủ trì phát triển nhà ở xã hội {QUESTION_MARK}?"
READY_TIMEOUT_S = 180.0


@dataclass
class LoggedServer:
    """A ``tracuu serve`` subprocess whose stderr/stdout go to ``log``."""

    url: str
    log: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> str:
        """Stop the server (SIGTERM: a clean shutdown flushes the logs) and return everything it wrote."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text("utf-8", errors="replace")


def start(root: Path, live: LiveServer, *, log_questions: bool) -> LoggedServer:
    """Serve a copy of the live server's corpus and index from a subprocess configured by environment."""
    corpus, index = root / "corpus", root / "index"
    shutil.copytree(live.corpus_dir, corpus)
    shutil.copytree(live.index_dir, index)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACUU_") and k != "PORT"}
    env.update(
        TRACUU_ADMIN_KEYS=f"{ADMIN_KEY},another-admin-key",
        TRACUU_CLIENT_KEYS=CLIENT_KEY,
        TRACUU_LOG_LEVEL="DEBUG",
        TRACUU_LOG_QUESTIONS="true" if log_questions else "false",
        TRACUU_MAX_UPLOAD_MB="2",
    )
    log = root / "server.log"
    command = [sys.executable, "-m", "service.cli", "serve", "--index", str(index), "--corpus", str(corpus)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=sink, stderr=subprocess.STDOUT)
    return LoggedServer(f"http://127.0.0.1:{port}", log, process)


def wait_ready(server: LoggedServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited ({server.process.returncode}):\n{server.stop()[-3000:]}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server was not ready in {READY_TIMEOUT_S:.0f} s:\n{server.stop()[-3000:]}")


def exercise(url: str) -> None:
    """Admin and client calls carrying every secret in every place a client might put it."""
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    plan = "KẾ HOẠCH\nI. NHIỆM VỤ\n1. Phòng Văn hóa huyện chủ trì bảo tồn làng đá cổ Lũng Cẩm.\n".encode()
    with httpx.Client(base_url=url, timeout=120.0) as client:
        # Admin, right key: upload, read, delete, refused upload, unknown document, rebuild to the end.
        created = client.post(
            "/documents", files={"file": ("lung-cam.txt", plan, "text/plain")}, headers=admin
        )
        assert created.status_code == 201, created.text
        doc_id = created.json()["doc_id"]
        assert client.delete(f"/documents/{doc_id}", headers=admin).status_code == 204
        refused = client.post("/documents", files={"file": ("rong.txt", b"", "text/plain")}, headers=admin)
        assert refused.status_code == 422
        assert client.delete("/documents/khong-co", headers=admin).status_code == 404
        job = client.post("/index/rebuild", headers=admin)
        assert job.status_code == 202
        while client.get(f"/jobs/{job.json()['job_id']}").json()["status"] == "running":
            time.sleep(0.2)
        # Admin, wrong or misplaced keys.
        for headers in (
            {"Authorization": f"Bearer {WRONG_ADMIN_KEY}"},
            {"Authorization": f"Basic {base64.b64encode(f'admin:{ADMIN_KEY}'.encode()).decode()}"},
            {"Authorization": ADMIN_KEY},
            {"X-API-Key": ADMIN_KEY},
        ):
            assert client.post("/index/rebuild", headers=headers).status_code in {401, 403}
            assert client.delete(f"/documents/{doc_id}", headers=headers).status_code in {401, 403}
        assert client.post("/index/rebuild", params={"key": ADMIN_KEY}).status_code == 401
        # Clients: known and unknown keys, valid and invalid requests, streaming, key in the query string.
        for key, status in ((CLIENT_KEY, 200), (UNKNOWN_CLIENT_KEY, 401)):
            headers = {"X-API-Key": key}
            assert client.post("/search", json={"query": QUESTION}, headers=headers).status_code == status
            assert client.post("/ask", json={"question": QUESTION}, headers=headers).status_code == status
            streamed = client.post("/ask", json={"question": QUESTION, "stream": True}, headers=headers)
            assert streamed.status_code == status
            bad = client.post("/ask", json={"question": QUESTION, "top_k": 0}, headers=headers)
            assert bad.status_code in {401, 422}
        assert client.post("/search", json={"query": QUESTION}).status_code == 200
        assert client.post("/search", json={"query": QUESTION, "x": 1}).status_code == 422
        assert client.get("/healthz", params={"api_key": CLIENT_KEY, "q": QUESTION_MARK}).status_code == 200


def records(log: str) -> list[dict[str, Any]]:
    """The JSON log records (other lines, if any, are still searched as text)."""
    found = []
    for line in log.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                found.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return found


@pytest.fixture(scope="module")
def logs(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[bool, str]]:
    """The complete logs of a server with question logging off (False) and one with it on (True)."""
    servers = {
        flag: start(tmp_path_factory.mktemp(f"logs-{flag}"), live_server, log_questions=flag)
        for flag in (False, True)
    }
    try:
        for server in servers.values():
            wait_ready(server)
        for server in servers.values():
            exercise(server.url)
    finally:
        texts = {flag: server.stop() for flag, server in servers.items()}
    yield texts


def test_logs_are_captured_as_json(logs: dict[bool, str]) -> None:
    for flag, log in logs.items():
        entries = records(log)
        loggers = sorted({str(e.get("logger")) for e in entries})
        print(
            f"log_questions={flag}: {len(log.splitlines())} lines, {len(entries)} JSON records from {loggers}"
        )
        access = [e for e in entries if e.get("logger") == "tracuu.access"]
        assert any(e.get("path") == "/index/rebuild" and e.get("status") == 403 for e in access), log[-2000:]
        assert any(e.get("path") == "/search" and e.get("status") == 200 for e in access)
        # The logs tell which key did what, by its id only.
        assert any(e.get("admin_key") == key_id(ADMIN_KEY) for e in entries), "no admin key id logged"
        assert any(e.get("client_key") == key_id(CLIENT_KEY) for e in access), "no client key id logged"


@pytest.mark.parametrize("secret", SECRETS)
def test_no_key_appears_anywhere_in_the_logs(logs: dict[bool, str], secret: str) -> None:
    encoded = base64.b64encode(f"admin:{secret}".encode()).decode()
    for flag, log in logs.items():
        for needle in (secret, secret.split("-SECRET-")[1], encoded):
            assert needle not in log, f"{needle!r} is in the log (log_questions={flag})"


def test_question_text_is_logged_only_when_enabled(logs: dict[bool, str]) -> None:
    assert QUESTION_MARK not in logs[False]
    assert "nhà ở xã hội" not in logs[False]
    logged = [e for e in records(logs[True]) if QUESTION_MARK in json.dumps(e, ensure_ascii=False)]
    assert any(e.get("question") == QUESTION for e in logged), "the /ask question is not logged"
    assert any(e.get("query") == QUESTION for e in logged), "the /search query is not logged"
    # Only in the fields meant for it: never in the access line's path (query strings are not logged).
    assert not [e for e in records(logs[True]) if QUESTION_MARK in str(e.get("path", ""))]
