"""JSON responses that keep Vietnamese readable: UTF-8 bytes, no ``\\u`` escapes."""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse

PROBLEM_MEDIA_TYPE = "application/problem+json"


def dumps(content: Any) -> str:
    """Compact JSON with non-ASCII characters kept as they are (one line: safe inside SSE ``data:``)."""
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class UnicodeJSONResponse(JSONResponse):
    """``application/json`` whose body is UTF-8 text, not ``\\u``-escaped ASCII."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        """Serialize ``content`` (already JSON-compatible) to UTF-8 bytes."""
        return dumps(content).encode("utf-8")


class ProblemResponse(UnicodeJSONResponse):
    """An RFC 9457 problem document (``application/problem+json``)."""

    media_type = PROBLEM_MEDIA_TYPE
