"""Errors as ``application/problem+json``: a 4xx naming the fix for anything the caller did wrong."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from corpus.errors import IngestError, TooLargeError, UnsupportedFormatError
from index.errors import BuildInProgressError
from index.manager import IndexNotReadyError
from service.api.logging import current_request_id
from service.api.responses import PROBLEM_MEDIA_TYPE, ProblemResponse

log = logging.getLogger("tracuu.api")


class FieldError(BaseModel):
    """One invalid input field."""

    field: str = Field(examples=["top_k"])
    message: str = Field(examples=["must be at most 50"])
    type: str = Field(examples=["less_than_equal"])


class Problem(BaseModel):
    """An error response (RFC 9457 problem details) with a message a person can act on."""

    type: str = Field(default="about:blank")
    title: str = Field(examples=["Unprocessable Content"])
    status: int = Field(examples=[422])
    detail: str = Field(examples=["query: must contain text, not only spaces"])
    code: str = Field(description="Stable machine-readable error code", examples=["invalid_request"])
    instance: str | None = Field(default=None, description="Request path")
    request_id: str | None = None
    errors: list[FieldError] | None = Field(default=None, description="Invalid fields (422 only)")


class ProblemError(Exception):
    """Raised anywhere in the service to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[FieldError] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.headers = dict(headers or {})
        self.errors = list(errors) if errors is not None else None


_DESCRIPTIONS = {
    400: "Malformed request",
    401: "Missing or unknown credentials",
    403: "Credentials not allowed to do this",
    404: "Not found",
    413: "Upload too large",
    415: "Unsupported file type",
    422: "Invalid input (the detail names each field and the fix)",
    429: "Rate limit exceeded (see Retry-After)",
    503: "The index is not loaded yet (see Retry-After)",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting problem documents for ``statuses``."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        status: {
            "model": Problem,
            "description": _DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}},
        }
        for status in statuses
    }


def problem_body(
    status: int,
    detail: str,
    *,
    code: str,
    instance: str | None = None,
    errors: Sequence[FieldError] | None = None,
) -> dict[str, Any]:
    """The JSON body of a problem document."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    problem = Problem(
        title=title,
        status=status,
        detail=detail,
        code=code,
        instance=instance,
        request_id=current_request_id(),
        errors=list(errors) if errors is not None else None,
    )
    return problem.model_dump(mode="json", exclude_none=True)


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    code: str,
    headers: Mapping[str, str] | None = None,
    errors: Sequence[FieldError] | None = None,
) -> Response:
    """A problem document response for ``request``."""
    body = problem_body(status, detail, code=code, instance=request.url.path, errors=errors)
    return ProblemResponse(body, status_code=status, headers=dict(headers or {}))


# Validation messages --------------------------------------------------------------------------------

#: Most invalid fields listed in one 422 (the detail says how many more there were).
MAX_FIELD_ERRORS = 20

_LOCATIONS = {"body", "query", "path", "header", "cookie"}


def _field_name(loc: Sequence[Any], kind: str) -> str:
    if kind == "json_invalid":
        return "body"  # its location holds the byte position of the syntax error
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return "must contain text, not only spaces"
    if kind == "too_long":
        return f"has too many items: at most {ctx.get('max_length')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "extra_forbidden":
        return "is not a known field (check its spelling)"
    if kind == "json_invalid":
        return f"the request body is not valid JSON ({ctx.get('error', 'decode error')})"
    if kind in {"model_attributes_type", "dict_type", "model_type"}:
        return "must be a JSON object"
    message = str(error.get("msg", "is invalid"))
    return message.removeprefix("Value error, ")


def field_errors(errors: Sequence[Any]) -> list[FieldError]:
    """Readable field errors from pydantic/FastAPI validation errors."""
    return [
        FieldError(
            field=_field_name(e.get("loc", ()), str(e.get("type", ""))),
            message=_message(e),
            type=str(e.get("type", "invalid")),
        )
        for e in errors
        if isinstance(e, Mapping)
    ]


# Handlers -------------------------------------------------------------------------------------------


def _ingest_status(exc: IngestError) -> int:
    if isinstance(exc, TooLargeError):
        return 413
    if isinstance(exc, UnsupportedFormatError):
        return 415
    return 422


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request, exc.status, exc.detail, code=exc.code, headers=exc.headers, errors=exc.errors
    )


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    raw = exc.errors()
    # Bounded: a 1 MB body of unknown keys must not become a reply of many megabytes.
    errors = field_errors(raw[:MAX_FIELD_ERRORS])
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors) or "invalid request"
    if len(raw) > MAX_FIELD_ERRORS:
        detail += f"; and {len(raw) - MAX_FIELD_ERRORS} more invalid fields"
    return problem_response(request, 422, detail, code="invalid_request", errors=errors)


def _routes(routes: Iterable[Any]) -> Iterator[Any]:
    """Leaf routes, looking inside included routers (FastAPI wraps them) and mounts."""
    for route in routes:
        nested = getattr(getattr(route, "original_router", None), "routes", None)
        if nested is None and not hasattr(route, "methods"):
            nested = getattr(route, "routes", None)
        if nested is not None:
            yield from _routes(nested)
        else:
            yield route


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts at this path (Starlette names only the first matching route's)."""
    methods: set[str] = set()
    path = request.url.path
    for route in _routes(request.app.routes):
        regex = getattr(route, "path_regex", None)
        route_methods = getattr(route, "methods", None)
        if regex is not None and route_methods and regex.match(path):
            methods.update(route_methods)
    return sorted(methods)


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 404 and exc.detail == "Not Found":
        detail = f"no endpoint at {request.url.path}; see /docs for the API"
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    elif status == 400 and exc.detail == "There was an error parsing the body":
        detail = "the request body could not be read: send UTF-8 JSON (or multipart form data for uploads)"
    elif status == 413 and exc.detail in {"Content Too Large", "Request Entity Too Large"}:
        detail = "the request body is too large"
    else:
        detail = str(exc.detail)
    code = {400: "malformed_body", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
        status, f"http_{status}"
    )
    headers = dict(exc.headers or {})
    if status == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request)) or headers.get("Allow", "")
    if status < 200 or status in {204, 304}:
        return Response(status_code=status, headers=headers)
    return problem_response(request, status, detail, code=code, headers=headers)


async def _on_ingest(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IngestError)
    return problem_response(request, _ingest_status(exc), str(exc), code=exc.code)


async def _on_not_ready(request: Request, exc: Exception) -> Response:
    detail = f"the index is not loaded yet ({exc}); retry shortly"
    return problem_response(request, 503, detail, code="index_not_ready", headers={"Retry-After": "5"})


async def _on_busy(request: Request, exc: Exception) -> Response:
    detail = f"another index build is running ({exc}); retry when it finishes"
    return problem_response(request, 409, detail, code="build_in_progress", headers={"Retry-After": "10"})


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    detail = "internal error; quote the request id when reporting it"
    return problem_response(request, 500, detail, code="internal_error")


def install_error_handlers(app: FastAPI) -> None:
    """Register the problem-document handlers on ``app``."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(IngestError, _on_ingest)
    app.add_exception_handler(IndexNotReadyError, _on_not_ready)
    app.add_exception_handler(BuildInProgressError, _on_busy)
    app.add_exception_handler(Exception, _on_unexpected)
