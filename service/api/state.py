"""What one running app holds: settings, the index manager, answerers per index version, metrics."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from index.api import IndexInfo, Retriever
from index.manager import IndexManager
from service.answer.base import Answerer
from service.api.metrics import Metrics
from service.api.ratelimit import RateLimiter
from service.settings import Settings

log = logging.getLogger("tracuu.api")

_WARM_UP_QUESTION = "Cơ quan nào chủ trì thực hiện kế hoạch?"

#: loading = opening the index, or building it first when there is none; warming = first answer.
Phase = Literal["starting", "loading", "warming", "ready", "failed", "stopped"]


class AnswererCache:
    """One answerer per index version, built on first use; the two newest versions are kept.

    Two, because requests that captured the old engine just before a swap may still be arriving while new
    ones use the new engine; alternating between them must not rebuild answerers each time.
    """

    def __init__(self, settings: Settings, keep: int = 2) -> None:
        self._settings = settings
        self._keep = keep
        self._lock = threading.Lock()
        self._answerers: OrderedDict[str, Answerer] = OrderedDict()

    def get(self, engine: Retriever) -> Answerer:
        """The answerer around ``engine`` (the engine this request captured)."""
        version = engine.info.version
        with self._lock:
            answerer = self._answerers.get(version)
            if answerer is None:
                from service.answer.factory import create_answerer  # late: keeps app import light

                answerer = self._answerers[version] = create_answerer(engine, self._settings)
                while len(self._answerers) > self._keep:
                    self._answerers.popitem(last=False)
            return answerer


@dataclass
class ServiceState:
    """Mutable state of one app; stored as ``app.state.tracuu``."""

    settings: Settings
    manager: IndexManager | None = None
    phase: Phase = "starting"
    startup_error: str | None = None
    limiter: RateLimiter = field(init=False)
    answerers: AnswererCache = field(init=False)
    metrics: Metrics = field(init=False)
    rebuild_jobs: set[str] = field(default_factory=set)
    _jobs_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.rate_limit_per_minute)
        self.answerers = AnswererCache(self.settings)
        self.metrics = Metrics(self.index_info)

    def index_info(self) -> IndexInfo | None:
        """Facts of the live index, or None while none is loaded."""
        manager = self.manager
        if manager is None or not manager.ready:
            return None
        try:
            return manager.engine.info
        except Exception:  # swapped out between the two reads
            return None

    def load_index(self, manager: IndexManager) -> None:
        """Open the index, building it from the corpus first when there is none (runs in a thread)."""
        self.manager = manager
        self.phase = "loading"
        try:
            if manager.reranker is None and self.settings.reranker:
                manager.configure_reranker(self.settings.reranker)
            if not manager.ready:
                manager.ensure_built()
            if not manager.ready:
                raise RuntimeError("the index manager reports no index after building")
            self.phase = "warming"
            self._warm_up(manager)
            self.phase = "ready"
            info = manager.engine.info
            log.info(
                "index %s loaded: %d documents, %d chunks, encoder %s, reranker %s",
                info.version,
                info.documents,
                info.chunks,
                info.encoder,
                info.reranker or "none",
                extra={"index_version": info.version},
            )
        except Exception as exc:
            self.phase = "failed"
            self.startup_error = str(exc)
            log.error("cannot load the index: %s", exc, exc_info=exc)

    def _warm_up(self, manager: IndexManager) -> None:
        """Answer one question so the first real one does not pay for lazy loading (seconds on 2 cores).

        Skipped with an LLM configured: a warm-up must not cost a model call.
        """
        if self.settings.llm_base_url:
            return
        try:
            self.answerers.get(manager.engine).answer(_WARM_UP_QUESTION)
        except Exception as exc:  # a slow first answer is better than no service
            log.warning("answerer warm-up failed: %s", exc, exc_info=exc)

    def track_rebuild(self, job_id: str) -> None:
        """Remember a rebuild job so its duration reaches the metrics once it ends."""
        with self._jobs_lock:
            self.rebuild_jobs.add(job_id)

    def observe_finished_jobs(self) -> None:
        """Move ended rebuild jobs into the build-duration histogram (called on scrape and job reads)."""
        manager = self.manager
        if manager is None:
            return
        with self._jobs_lock:
            for job_id in list(self.rebuild_jobs):
                job = manager.job(job_id)
                if job is None:
                    self.rebuild_jobs.discard(job_id)
                    continue
                if job.status == "running" or job.finished_at is None:
                    continue
                self.rebuild_jobs.discard(job_id)
                reported = job.detail.get("seconds")
                seconds = float(reported) if isinstance(reported, int | float) else None
                if seconds is None:
                    seconds = _elapsed(job.started_at, job.finished_at)
                if seconds is not None:
                    outcome = "ok" if job.status == "done" else "failed"
                    self.metrics.index_updates.labels("rebuild", outcome).observe(seconds)


def _elapsed(started: str, finished: str) -> float | None:
    try:
        return max(0.0, (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds())
    except ValueError:
        return None
