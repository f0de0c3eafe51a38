"""``POST /index/rebuild`` (admin): a full rebuild in the background, swapped in atomically."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Response

from service.api.deps import AdminDep, ManagerDep, StateDep
from service.api.errors import problem_responses
from service.api.schemas import RebuildAccepted
from service.settings import Settings

log = logging.getLogger("tracuu.api")


def build_router(settings: Settings) -> APIRouter:
    """Route ``POST /index/rebuild``."""
    router = APIRouter(tags=["admin"])

    @router.post(
        "/index/rebuild",
        status_code=202,
        response_model=RebuildAccepted,
        summary="Rebuild the whole index (admin); queries keep being answered until the swap",
        responses=problem_responses(401, 403, 503),
    )
    def rebuild(admin: AdminDep, manager: ManagerDep, state: StateDep, response: Response) -> RebuildAccepted:
        job_id = manager.start_rebuild()
        state.track_rebuild(job_id)
        log.info("rebuild started", extra={"job_id": job_id, "admin_key": admin})
        status_url = f"/jobs/{job_id}"
        response.headers["Location"] = status_url
        return RebuildAccepted(job_id=job_id, status_url=status_url)

    return router
