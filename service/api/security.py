"""Admin Bearer keys and optional client API keys (with per-key rate limits).

Admin endpoints answer 401 when no credentials are sent and 403 when the key is not accepted, which
includes every key while ``TRACUU_ADMIN_KEYS`` is empty (admin closed). Keys are compared in constant
time and never logged: logs carry a short SHA-256 key id instead.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from service.api.errors import ProblemError
from service.api.metrics import Metrics
from service.api.ratelimit import RateLimiter, retry_after_header
from service.settings import Settings

CLIENT_KEY_HEADER = "X-API-Key"
CLIENT_KEY_SCHEME = "ClientKey"

admin_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="AdminKey",
    description="`Authorization: Bearer <key>` with a key from TRACUU_ADMIN_KEYS",
)
client_api_key = APIKeyHeader(
    name=CLIENT_KEY_HEADER,
    auto_error=False,
    scheme_name=CLIENT_KEY_SCHEME,
    description="Optional client key from TRACUU_CLIENT_KEYS (required when TRACUU_REQUIRE_CLIENT_KEY=true)",
)


def key_id(key: str) -> str:
    """A short, non-reversible id of ``key`` for logs and rate-limit buckets."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def key_matches(candidate: str, keys: Sequence[str]) -> bool:
    """Whether ``candidate`` is one of ``keys``, comparing against all of them in constant time."""
    given = candidate.encode("utf-8")
    found = False
    for key in keys:
        found |= hmac.compare_digest(given, key.encode("utf-8"))
    return found


def check_admin(credentials: HTTPAuthorizationCredentials | None, settings: Settings) -> str:
    """The key id of an accepted admin key.

    Raises:
        ProblemError: 401 without Bearer credentials, 403 for a key that is not accepted.
    """
    if credentials is None or not credentials.credentials:
        raise ProblemError(
            401,
            "admin endpoints need the header 'Authorization: Bearer <key>' with a key from TRACUU_ADMIN_KEYS",
            code="missing_credentials",
            headers={"WWW-Authenticate": 'Bearer realm="tracuu-admin"'},
        )
    if not settings.admin_keys:
        raise ProblemError(
            403,
            "admin endpoints are closed: no admin key is configured (set TRACUU_ADMIN_KEYS and restart)",
            code="admin_disabled",
        )
    if not key_matches(credentials.credentials, settings.admin_keys):
        raise ProblemError(403, "the admin key is not accepted", code="invalid_credentials")
    return key_id(credentials.credentials)


def check_client(
    api_key: str | None, settings: Settings, limiter: RateLimiter, metrics: Metrics
) -> str | None:
    """The key id of the calling client (None for anonymous calls), after its rate limit.

    Raises:
        ProblemError: 401 for a missing (when required) or unknown key, 429 past the key's rate limit.
    """
    if not api_key:
        if settings.require_client_key:
            raise ProblemError(
                401,
                f"this endpoint needs the header '{CLIENT_KEY_HEADER}: <key>'; ask the administrator for a key",
                code="missing_api_key",
                headers={"WWW-Authenticate": f'ApiKey header="{CLIENT_KEY_HEADER}"'},
            )
        return None
    if not settings.client_keys and not settings.require_client_key:
        return None  # client keys are not in use: the header means nothing
    if not key_matches(api_key, settings.client_keys):
        raise ProblemError(401, f"the {CLIENT_KEY_HEADER} key is not known", code="invalid_api_key")
    ident = key_id(api_key)
    wait = limiter.acquire(ident)
    if wait > 0:
        metrics.rate_limited.inc()
        raise ProblemError(
            429,
            f"rate limit of {settings.rate_limit_per_minute} requests per minute reached for this key; "
            f"retry in {retry_after_header(wait)} s",
            code="rate_limited",
            headers={"Retry-After": retry_after_header(wait)},
        )
    return ident
