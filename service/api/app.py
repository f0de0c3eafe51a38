"""The FastAPI application: routes, middleware, error handlers and the index loaded once per process."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import FastAPI
from fastapi.middleware import Middleware
from fastapi.middleware.cors import CORSMiddleware

from index.manager import IndexManager
from service.api.errors import install_error_handlers
from service.api.limits import MULTIPART_OVERHEAD, BodyLimitMiddleware
from service.api.logging import REQUEST_ID_HEADER, RequestContextMiddleware
from service.api.metrics import MetricsMiddleware
from service.api.responses import UnicodeJSONResponse
from service.api.routes import admin, ask, documents, health, jobs, search
from service.api.security import CLIENT_KEY_HEADER, CLIENT_KEY_SCHEME
from service.api.state import ServiceState
from service.settings import Settings, get_settings

log = logging.getLogger("tracuu.api")

#: The web page and widget (another package) plug in here when present: a module exposing
#: ``install(app, settings)`` or an APIRouter named ``router`` (it serves e.g. ``/`` and ``/view/{doc_id}``;
#: ``/documents/{doc_id}`` stays JSON).
WEB_ROUTES_MODULE = "service.api.routes.web"

_DESCRIPTION = """\
Semantic search and question answering over Vietnamese government documents, with verbatim citations.

* Every offset (`start`, `end`) of a passage or citation points into the `text` of `GET /documents/{doc_id}`.
* Errors are `application/problem+json` documents with a `detail` naming the fix and a stable `code`.
* Admin endpoints take `Authorization: Bearer <key>` (TRACUU_ADMIN_KEYS): 401 without it, 403 for a key
  that is not accepted; with no key configured they are closed.
"""


def _app_version() -> str:
    try:
        return version("tracuu")
    except PackageNotFoundError:
        return "0.0.0"


def _install_web(app: FastAPI, settings: Settings) -> None:
    """Include the web page's routes when that module exists."""
    if importlib.util.find_spec(WEB_ROUTES_MODULE) is None:
        return
    module = importlib.import_module(WEB_ROUTES_MODULE)
    install = getattr(module, "install", None)
    if callable(install):
        install(app, settings)
    else:
        app.include_router(module.router)


def _mark_client_key_optional(app: FastAPI, settings: Settings) -> None:
    """Document the client key as optional (``security: [{}, {ClientKey: []}]``) unless it is required."""
    if settings.require_client_key:
        return
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                security = operation.get("security") if isinstance(operation, dict) else None
                if security and any(CLIENT_KEY_SCHEME in requirement for requirement in security):
                    operation["security"] = [{}, *security]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None, *, manager: IndexManager | None = None) -> FastAPI:
    """The tracuu API.

    Args:
        settings: Configuration; the process settings (environment) when omitted.
        manager: An index manager to serve; by default one is made from ``settings`` at startup. Either
            way the index is loaded (built first when missing) in a background thread, so ``/healthz``
            answers at once and ``/readyz`` says 503 until the index serves.
    """
    settings = settings or get_settings()
    state = ServiceState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        live = manager or IndexManager(settings.index_dir, settings.corpus_dir, model=settings.model)
        threading.Thread(target=state.load_index, args=(live,), name="tracuu-index-load", daemon=True).start()
        try:
            yield
        finally:
            state.phase = "stopped"
            if manager is None:
                live.close()

    upload_limit = int(settings.max_upload_mb * 1024 * 1024) + MULTIPART_OVERHEAD
    middleware = [
        Middleware(RequestContextMiddleware),
        Middleware(MetricsMiddleware, metrics=state.metrics),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type", CLIENT_KEY_HEADER, REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER, "Retry-After"],
            max_age=600,
        ),
        Middleware(BodyLimitMiddleware, limits={("POST", "/documents"): upload_limit}),
    ]
    app = FastAPI(
        title="tracuu",
        summary="Tra cứu văn bản: search and cited answers over Vietnamese government documents",
        description=_DESCRIPTION,
        version=_app_version(),
        default_response_class=UnicodeJSONResponse,
        lifespan=lifespan,
        middleware=middleware,
    )
    app.state.tracuu = state
    install_error_handlers(app)
    for module in (health, search, ask, documents, admin, jobs):
        app.include_router(module.build_router(settings))
    _install_web(app, settings)
    _mark_client_key_optional(app, settings)
    return app
