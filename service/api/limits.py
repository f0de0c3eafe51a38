"""Request body limits, enforced while the body streams in (a 100 MB upload is refused, not buffered)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Limit for JSON bodies (questions with their history are far below it).
DEFAULT_MAX_BODY = 1024 * 1024
#: Room for the multipart envelope around an uploaded file.
MULTIPART_OVERHEAD = 64 * 1024


class BodyTooLargeError(HTTPException):
    """The request body passed its limit; becomes a 413 problem document."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {_human(limit)}")


def _human(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


class BodyLimitMiddleware:
    """Refuses bodies over a per-route limit: at once from ``Content-Length``, else while counting bytes."""

    def __init__(
        self, app: ASGIApp, *, default: int = DEFAULT_MAX_BODY, limits: Mapping[tuple[str, str], int]
    ) -> None:
        self.app = app
        self.default = default
        self.limits = dict(limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get((str(scope.get("method")), str(scope.get("path"))), self.default)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            from service.api.errors import problem_body  # late: errors imports the logging module
            from service.api.responses import ProblemResponse

            error = BodyTooLargeError(limit)
            body = problem_body(413, str(error.detail), code="too_large", instance=scope.get("path"))
            # The unread body is drained and dropped by the server; the connection stays usable.
            await ProblemResponse(body, status_code=413)(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        await self.app(scope, counting_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
