"""Running the API with uvicorn, set up for a small machine (2 cores).

One worker process: the index (and any embedding model) is loaded once and shared by all requests; sync
endpoints run in FastAPI's thread pool, where numpy/faiss/torch release the GIL for the heavy parts.
Several workers would each hold a copy of the index and race on index swaps.
"""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from service.api.app import create_app
from service.api.logging import configure_logging
from service.settings import Settings, get_settings


def build_server(
    settings: Settings, *, app: FastAPI | None = None, configure_logs: bool = True
) -> uvicorn.Server:
    """A uvicorn server for ``settings`` (not started)."""
    if configure_logs:
        configure_logging(settings.log_level)
    config = uvicorn.Config(
        app or create_app(settings),
        host=settings.host,
        port=settings.port,
        workers=1,
        lifespan="on",
        log_config=None,  # our JSON logging, set up above
        log_level=settings.log_level.lower(),
        access_log=False,  # RequestContextMiddleware writes one structured line per request
        server_header=False,
        proxy_headers=False,
        timeout_keep_alive=15,
        timeout_graceful_shutdown=10,
    )
    return uvicorn.Server(config)


def serve(settings: Settings | None = None) -> None:
    """Serve the API until interrupted (Ctrl-C / SIGTERM); builds the index first if there is none."""
    build_server(settings or get_settings()).run()
