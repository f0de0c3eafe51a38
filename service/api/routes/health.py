"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.api.deps import StateDep
from service.api.errors import ProblemError, problem_responses
from service.api.schemas import Health, Ready
from service.settings import Settings


def build_router(settings: Settings) -> APIRouter:
    """Routes ``/healthz``, ``/readyz``, ``/metrics``."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", response_model=Health, summary="Liveness: the process answers")
    def healthz() -> Health:
        return Health()

    @router.get(
        "/readyz",
        response_model=Ready,
        summary="Readiness: an index is loaded and serving",
        responses=problem_responses(503),
    )
    def readyz(state: StateDep) -> Ready:
        info = state.index_info()
        if info is None or state.phase != "ready":
            reason = f"failed: {state.startup_error}" if state.phase == "failed" else state.phase
            raise ProblemError(
                503,
                f"the index is not loaded yet ({reason})",
                code="index_not_ready",
                headers={"Retry-After": "5"},
            )
        return Ready(
            documents=info.documents,
            chunks=info.chunks,
            encoder=info.encoder,
            index_version=info.version,
            encoder_kind=info.encoder_kind,
            retrieval=info.retrieval,
            configured_model=info.configured_model,
            fallback_reason=info.fallback_reason,
            reranker=info.reranker,
            reranker_fallback_reason=info.reranker_fallback_reason,
            built_at=info.built_at or None,
        )

    @router.get(
        "/metrics",
        summary="Prometheus metrics (text exposition format)",
        response_class=Response,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    def metrics(state: StateDep) -> Response:
        state.observe_finished_jobs()
        body, content_type = state.metrics.render()
        return Response(body, media_type=content_type)

    return router
