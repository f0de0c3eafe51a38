"""``POST /ask``: a cited answer, as JSON or as a ``text/event-stream``."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from index.models import SearchFilters
from service.answer.base import Answerer
from service.answer.models import Answer
from service.api.deps import ClientDep, EngineDep, SettingsDep, StateDep
from service.api.errors import problem_body, problem_responses
from service.api.metrics import Metrics
from service.api.responses import dumps
from service.api.routes._body import bind_body
from service.api.schemas import AskRequest, ask_request_model
from service.settings import Settings

log = logging.getLogger("tracuu.api")

SSE_MEDIA_TYPE = "text/event-stream"
_SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}

_STREAM_DESCRIPTION = (
    'With `stream: true`: Server-Sent Events. `event: passages` (data `{"passages": [Passage]}`), '
    '`event: delta` (data `{"text": str}`, pieces of the answer text), and last `event: answer` whose data '
    "is the complete `Answer` with all its citations (equal to the non-streaming answer). On failure the "
    "last event is `event: error` with a problem document."
)

#: One event of the stream (each ``data`` is one line of JSON).
_SSE_EVENT_SCHEMA = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "examples": ["passages", "delta", "answer", "error"]},
        "data": {"type": "string", "contentMediaType": "application/json"},
    },
}


def sse_event(event: str, data: Any) -> str:
    """One Server-Sent Event; ``data`` as one line of JSON."""
    return f"event: {event}\ndata: {dumps(data)}\n\n"


def answer_events(
    answerer: Answerer,
    body: AskRequest,
    filters: SearchFilters | None,
    metrics: Metrics,
    instance: str,
) -> Iterator[str]:
    """Relay ``answerer.stream`` as SSE; the last event is ``answer`` (complete) or ``error``."""
    try:
        for event, data in answerer.stream(
            body.question, history=body.history, top_k=body.top_k, filters=filters
        ):
            if event == "answer":
                answer = Answer.model_validate(data)  # the contract shape, whatever the answerer yielded
                metrics.answers.labels(answer.answerer or answerer.name, str(answer.abstained).lower()).inc()
                yield sse_event("answer", answer.model_dump(mode="json"))
                return
            yield sse_event(event, data)
        raise RuntimeError("the answerer ended its stream without a final answer")
    except Exception as exc:  # includes a malformed final answer (ValidationError)
        log.error("streamed answer failed", exc_info=exc)
        problem = problem_body(
            500, "the answer could not be completed; retry", code="answer_failed", instance=instance
        )
        yield sse_event("error", problem)


def build_router(settings: Settings) -> APIRouter:
    """Route ``POST /ask`` with the limits of ``settings``."""
    router = APIRouter(tags=["answers"])

    def ask(
        body: AskRequest,
        client: ClientDep,
        engine: EngineDep,
        app_settings: SettingsDep,
        state: StateDep,
    ) -> Answer | StreamingResponse:
        """Answer a question with verified verbatim citations (``document.text[start:end] == quote``)."""
        answerer = state.answerers.get(engine)  # here, not as a dependency: the body is validated first
        filters = body.filters.to_filters() if body.filters else None
        extra: dict[str, object] = {"stream": body.stream, "history_turns": len(body.history)}
        if app_settings.log_questions:
            extra["question"] = body.question
        log.info("ask", extra=extra)
        if body.stream:
            events = answer_events(answerer, body, filters, state.metrics, "/ask")
            return StreamingResponse(events, media_type=SSE_MEDIA_TYPE, headers=_SSE_HEADERS)
        answer = answerer.answer(body.question, history=body.history, top_k=body.top_k, filters=filters)
        state.metrics.answers.labels(answer.answerer or answerer.name, str(answer.abstained).lower()).inc()
        return answer

    router.add_api_route(
        "/ask",
        bind_body(ask, "body", ask_request_model(settings)),
        methods=["POST"],
        response_model=Answer,
        summary="Answer a question with citations",
        responses={
            200: {
                "description": "The answer (JSON), or with `stream: true` an event stream. "
                + _STREAM_DESCRIPTION,
                "content": {SSE_MEDIA_TYPE: {"schema": _SSE_EVENT_SCHEMA}},
            },
            **problem_responses(400, 401, 422, 429, 503),
        },
    )
    return router
