"""``POST /search``: ranked passages."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from service.api.deps import ClientDep, EngineDep, SettingsDep
from service.api.errors import problem_responses
from service.api.routes._body import bind_body
from service.api.schemas import SearchRequest, SearchResponse, search_request_model
from service.settings import Settings

log = logging.getLogger("tracuu.api")


def build_router(settings: Settings) -> APIRouter:
    """Route ``POST /search`` with the limits of ``settings``."""
    router = APIRouter(tags=["search"])

    def search(
        body: SearchRequest, client: ClientDep, engine: EngineDep, app_settings: SettingsDep
    ) -> SearchResponse:
        """Hybrid (lexical + semantic) search; ``filters`` are hard, a province named in the query is a boost.

        Offsets of each passage point into ``GET /documents/{doc_id}`` text: ``text[start:end] == passage.text``.
        """
        filters = body.filters.to_filters() if body.filters else None
        results = engine.search(body.query, top_k=body.top_k, filters=filters)
        extra: dict[str, object] = {"top_k": body.top_k, "results": len(results)}
        if app_settings.log_questions:
            extra["query"] = body.query
        log.info("search", extra=extra)
        return SearchResponse(results=results)

    router.add_api_route(
        "/search",
        bind_body(search, "body", search_request_model(settings)),
        methods=["POST"],
        response_model=SearchResponse,
        summary="Search passages",
        responses=problem_responses(400, 401, 422, 429, 503),
    )
    return router
