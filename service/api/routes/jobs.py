"""``GET /jobs/{job_id}``: status of a background job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from index.manager import JobStatus
from service.api.deps import ManagerDep, StateDep
from service.api.errors import ProblemError, problem_responses
from service.settings import Settings

JobId = Annotated[str, Path(min_length=1, max_length=100, description="Id returned by POST /index/rebuild")]


def build_router(settings: Settings) -> APIRouter:
    """Route ``GET /jobs/{job_id}``."""
    router = APIRouter(tags=["index"])  # public: job ids are unguessable (uuid4), as the contract has it

    @router.get(
        "/jobs/{job_id}",
        response_model=JobStatus,
        summary="Status of a rebuild job: running, done or failed",
        responses=problem_responses(404, 422, 503),
    )
    def job_status(job_id: JobId, manager: ManagerDep, state: StateDep) -> JobStatus:
        job = manager.job(job_id)
        if job is None:
            raise ProblemError(404, f"no job with id {job_id!r}", code="not_found")
        state.observe_finished_jobs()
        return job

    return router
