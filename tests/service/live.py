"""The live test server: what the ``live_server`` fixture yields, and how it is started and awaited.

Tests import from here (``from tests.service.live import LiveServer``), never from conftest.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from service.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = REPO_ROOT / "corpus" / "documents"
ADMIN_KEY = "test-admin-key"
#: Small, so the "too large" tests stay fast.
MAX_UPLOAD_MB = 2.0
READY_TIMEOUT_S = 300.0


@dataclass
class LiveServer:
    """A running server: its base URL, admin key and the folders it serves."""

    url: str
    admin_key: str
    corpus_dir: Path
    index_dir: Path
    settings: Settings

    @property
    def admin_headers(self) -> dict[str, str]:
        """``Authorization`` header for admin calls."""
        return {"Authorization": f"Bearer {self.admin_key}"}

    def client(self, **kwargs: Any) -> httpx.Client:
        """A new HTTP client bound to the server (generous timeout: uploads rebuild the index)."""
        kwargs.setdefault("timeout", 120.0)
        return httpx.Client(base_url=self.url, **kwargs)


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def live_settings(corpus_dir: Path, index_dir: Path, port: int, **overrides: Any) -> Settings:
    """Settings of a test server; explicit where the environment could otherwise leak in."""
    values: dict[str, Any] = {
        "index_dir": index_dir,
        "corpus_dir": corpus_dir,
        "model": None,
        "reranker": None,
        "host": "127.0.0.1",
        "port": port,
        "admin_keys": [ADMIN_KEY],
        "client_keys": [],
        "require_client_key": False,
        "cors_origins": [],
        "max_upload_mb": MAX_UPLOAD_MB,
        "log_questions": False,
        "log_level": "WARNING",
        "llm_base_url": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def wait_ready(url: str, timeout: float = READY_TIMEOUT_S) -> None:
    """Poll ``/readyz`` until it answers 200."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    with httpx.Client(base_url=url, timeout=5.0) as client:
        while time.monotonic() < deadline:
            try:
                response = client.get("/readyz")
                if response.status_code == 200:
                    return
                last = f"{response.status_code} {response.text}"
            except httpx.TransportError as exc:
                last = repr(exc)
            time.sleep(0.1)
    raise RuntimeError(f"the test server was not ready within {timeout:.0f} s: {last}")


@contextmanager
def start_server(settings: Settings) -> Iterator[LiveServer]:
    """Serve ``settings`` with uvicorn in a background thread until the block ends (not waiting for the index)."""
    from service.api.server import build_server  # late: tests without a server need not import it

    server = build_server(settings, configure_logs=False)
    thread = threading.Thread(target=server.run, name="tracuu-live-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start (see the log above)")
            time.sleep(0.05)
        yield LiveServer(
            url=f"http://{settings.host}:{settings.port}",
            admin_key=ADMIN_KEY,
            corpus_dir=Path(settings.corpus_dir),
            index_dir=Path(settings.index_dir),
            settings=settings,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def run_server(settings: Settings) -> Iterator[LiveServer]:
    """Serve ``settings`` in a background thread; yields once ``/readyz`` says the index is serving."""
    with start_server(settings) as live:
        wait_ready(live.url)
        yield live


def prepare_corpus(root: Path) -> tuple[Path, Path]:
    """Copy the seed documents under ``root`` and build their index: (corpus_dir, index_dir)."""
    from index.builder import build_index

    corpus_dir = root / "corpus"
    index_dir = root / "index"
    shutil.copytree(SEED_DIR, corpus_dir)
    build_index(corpus_dir, index_dir)
    return corpus_dir, index_dir
