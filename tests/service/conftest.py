"""A real tracuu server on loopback, shared by the service tests (and the web UI tests below this folder).

``live_server`` (session scope) copies the bundled seed documents to a temporary corpus, builds an index of
them, starts uvicorn on 127.0.0.1 with a free port in a background thread and yields a
:class:`tests.service.live.LiveServer` (``.url``, ``.admin_key``, ``.admin_headers``, ``.corpus_dir``,
``.index_dir``, ``.settings``, ``.client()``). Tests that change the corpus (upload, delete) put it back.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.service.live import LiveServer, free_port, live_settings, prepare_corpus, run_server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real uvicorn server over a temporary copy of the seed corpus (admin key ``test-admin-key``)."""
    corpus_dir, index_dir = prepare_corpus(tmp_path_factory.mktemp("live-server"))
    with run_server(live_settings(corpus_dir, index_dir, free_port())) as server:
        yield server


@pytest.fixture(scope="session")
def api(live_server: LiveServer) -> Iterator[httpx.Client]:
    """One HTTP client for the live server, shared by the service tests."""
    with live_server.client() as client:
        yield client
