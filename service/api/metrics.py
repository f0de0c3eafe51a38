"""Prometheus metrics: requests by route template, latency, index size, index update durations."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from index.api import IndexInfo

UNMATCHED_ROUTE = "<unmatched>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_BUILD_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)


class _IndexCollector(Collector):
    """Reads the live index facts at scrape time, so the gauges never go stale after a swap."""

    def __init__(self, info: Callable[[], IndexInfo | None]) -> None:
        self._info = info

    def collect(self) -> Iterable[Metric]:
        info = self._info()
        ready = GaugeMetricFamily("tracuu_index_ready", "1 when an index is loaded and serving")
        ready.add_metric([], 1.0 if info is not None else 0.0)
        yield ready
        if info is None:
            return
        documents = GaugeMetricFamily("tracuu_index_documents", "Documents in the live index")
        documents.add_metric([], float(info.documents))
        yield documents
        chunks = GaugeMetricFamily("tracuu_index_chunks", "Chunks (passages) in the live index")
        chunks.add_metric([], float(info.chunks))
        yield chunks
        version = GaugeMetricFamily(
            "tracuu_index_info",
            "Live index version and encoder",
            labels=["version", "encoder", "encoder_kind"],
        )
        version.add_metric([info.version, info.encoder, info.encoder_kind], 1.0)
        yield version

    def describe(self) -> Iterable[Metric]:
        return []


class Metrics:
    """The metrics of one app, in their own registry (several apps can live in one process)."""

    def __init__(self, index_info: Callable[[], IndexInfo | None]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "tracuu_http_requests",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "tracuu_http_request_duration_seconds",
            "HTTP request latency (until the response body is sent) by method and route template",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.index_updates = Histogram(
            "tracuu_index_update_duration_seconds",
            "Duration of index changes by operation (add, delete, rebuild) and outcome",
            ["operation", "outcome"],
            buckets=_BUILD_BUCKETS,
            registry=self.registry,
        )
        self.answers = Counter(
            "tracuu_answers",
            "Answers by answerer and whether it abstained",
            ["answerer", "abstained"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "tracuu_rate_limited_requests", "Requests refused with 429", registry=self.registry
        )
        self.registry.register(_IndexCollector(index_info))

    def render(self) -> tuple[bytes, str]:
        """The Prometheus text exposition and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Counts requests and times them, labelled by route template (``/documents/{doc_id}``), not raw path."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED_ROUTE
            method = str(scope.get("method", ""))
            method = method if method in _METHODS else "OTHER"  # bounded label values
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)
