"""Every admin route, found in the app itself, is closed without a key, with a wrong key, and when no key is set.

Admin routes are discovered twice, so a route added later is covered without editing this file: from the
OpenAPI document (operations requiring the ``AdminKey`` scheme) and from the app's routes (those depending
on ``require_admin``, including routes hidden from the document). Any other route that can change state
(not GET/HEAD) must be one of the public query endpoints, or be an admin route.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from service.api.app import create_app
from service.api.deps import require_admin
from tests.service.live import LiveServer, free_port, live_settings, run_server

pytestmark = pytest.mark.server

Route = tuple[str, str]  # (method, path template)

#: Routes that take a POST body from anyone: they only read the index.
PUBLIC_WRITES: set[Route] = {("POST", "/search"), ("POST", "/ask")}
EXPECTED_ADMIN: set[Route] = {
    ("POST", "/documents"),
    ("DELETE", "/documents/{doc_id}"),
    ("POST", "/index/rebuild"),
}
READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
#: A real document: if a DELETE got through, it would really delete (and the state check would fail).
EXISTING_DOC = "lang-son-46-kh-ubnd-phuc-hoi-kinh-te"


def _leaf_routes(
    routes: Iterable[Any], prefix: str = "", inherited: tuple[Any, ...] = ()
) -> Iterator[tuple[Any, str, tuple[Any, ...]]]:
    """(route, full path, router-level dependencies) of every endpoint, looking inside included routers."""
    for route in routes:
        context = getattr(route, "include_context", None)
        original = getattr(route, "original_router", None)
        if original is not None:
            extra = tuple(getattr(context, "dependencies", ()) or ()) + tuple(original.dependencies or ())
            yield from _leaf_routes(
                original.routes, prefix + getattr(context, "prefix", ""), inherited + extra
            )
        elif not hasattr(route, "methods") and hasattr(route, "routes"):
            yield from _leaf_routes(route.routes, prefix + getattr(route, "path", ""), inherited)
        else:
            yield route, prefix + str(getattr(route, "path", "")), inherited


def _calls(dependant: Any) -> Iterator[Any]:
    for sub in getattr(dependant, "dependencies", ()):
        yield sub.call
        yield from _calls(sub)


def _needs_admin(route: Any, inherited: tuple[Any, ...]) -> bool:
    calls = set(_calls(getattr(route, "dependant", None)))
    calls |= {getattr(dep, "dependency", None) for dep in (*inherited, *getattr(route, "dependencies", ()))}
    return require_admin in calls


def app_routes(app: FastAPI) -> tuple[set[Route], set[Route]]:
    """(every route, admin routes) of ``app``'s route table."""
    every, admin = set(), set()
    for route, path, inherited in _leaf_routes(app.routes):
        for method in getattr(route, "methods", None) or ():
            every.add((method, path))
            if _needs_admin(route, inherited):
                admin.add((method, path))
    return every, admin


def openapi_admin_routes(spec: dict[str, Any]) -> set[Route]:
    found = set()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and any(
                "AdminKey" in req for req in operation.get("security") or []
            ):
                found.add((method.upper(), path))
    return found


APP = create_app(live_settings(Path("unused-corpus"), Path("unused-index"), 8000))
ALL_ROUTES, ROUTE_ADMIN = app_routes(APP)
DOC_ADMIN = openapi_admin_routes(APP.openapi())
ADMIN_ROUTES = sorted(ROUTE_ADMIN | DOC_ADMIN)


def concrete(path: str) -> str:
    """``path`` with each parameter filled in (a real document id for ``doc_id``)."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: EXISTING_DOC if m.group(1) == "doc_id" else "x", path)


def call(
    client: httpx.Client, route: Route, headers: dict[str, str] | None = None, **params: Any
) -> httpx.Response:
    """One request to an admin route with a body that would succeed if the route were open."""
    method, path = route
    extra: dict[str, Any] = {}
    if method == "POST" and path == "/documents":
        extra["files"] = {
            "file": ("mo-cua.txt", "KẾ HOẠCH\nI. NHIỆM VỤ\n1. Sở Nội vụ chủ trì.\n".encode(), "text/plain")
        }
    elif method in {"POST", "PUT", "PATCH"}:
        extra["json"] = {}
    raw = {name.encode(): value.encode("utf-8") for name, value in (headers or {}).items()}  # non-ASCII too
    return client.request(method, concrete(path), headers=raw, params=params or None, **extra)


def state(client: httpx.Client, live: LiveServer) -> tuple[Any, ...]:
    ready = client.get("/readyz").json()
    corpus = sorted(p.relative_to(live.corpus_dir).as_posix() for p in live.corpus_dir.rglob("*"))
    return client.get("/documents").json(), ready["index_version"], ready["chunks"], corpus


def test_admin_routes_are_discovered_consistently() -> None:
    assert set(ADMIN_ROUTES) >= EXPECTED_ADMIN, ADMIN_ROUTES
    # Documented as admin exactly when enforced as admin (hidden routes are not in the document).
    hidden = {route for route in ROUTE_ADMIN if route[1] not in APP.openapi()["paths"]}
    assert ROUTE_ADMIN - hidden == DOC_ADMIN


def test_every_route_that_changes_state_is_admin() -> None:
    writes = {route for route in ALL_ROUTES if route[0] not in READ_ONLY_METHODS}
    unguarded = writes - set(ADMIN_ROUTES) - PUBLIC_WRITES
    assert not unguarded, f"routes that change state without the admin key: {sorted(unguarded)}"


@pytest.fixture
def unchanged(api: httpx.Client, live_server: LiveServer) -> Iterator[None]:
    before = state(api, live_server)
    yield
    assert state(api, live_server) == before


WRONG_KEYS = {
    "unknown key": "Bearer wrong-admin-key",
    "key with a suffix": "Bearer test-admin-key-x",
    "key prefix": "Bearer test-admin-ke",
    "key in upper case": "Bearer TEST-ADMIN-KEY",
    "key twice": "Bearer test-admin-key,test-admin-key",
    "non-ASCII key": "Bearer khóa-quản-trị",
}
MISSING_KEYS: dict[str, dict[str, str]] = {
    "no header": {},
    "empty bearer": {"Authorization": "Bearer"},
    "basic scheme": {"Authorization": "Basic dGVzdC1hZG1pbi1rZXk="},
    "key without scheme": {"Authorization": "test-admin-key"},
    "token scheme": {"Authorization": "Token test-admin-key"},
    "key as client key": {"X-API-Key": "test-admin-key"},
}


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=[f"{m} {p}" for m, p in ADMIN_ROUTES])
@pytest.mark.parametrize("case", sorted(MISSING_KEYS))
def test_admin_route_without_a_key_is_401(
    route: Route, case: str, api: httpx.Client, live_server: LiveServer, unchanged: None
) -> None:
    response = call(api, route, MISSING_KEYS[case])
    assert response.status_code == 401, response.text[:300]
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "missing_credentials"


def test_key_in_the_query_string_is_not_a_credential(api: httpx.Client, unchanged: None) -> None:
    for route in ADMIN_ROUTES:
        response = call(api, route, None, key="test-admin-key", access_token="test-admin-key")
        assert response.status_code == 401, (route, response.text[:300])


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=[f"{m} {p}" for m, p in ADMIN_ROUTES])
@pytest.mark.parametrize("case", sorted(WRONG_KEYS))
def test_admin_route_with_a_wrong_key_is_403(
    route: Route, case: str, api: httpx.Client, live_server: LiveServer, unchanged: None
) -> None:
    assert live_server.admin_key == "test-admin-key"  # the variants above are made from it
    response = call(api, route, {"Authorization": WRONG_KEYS[case]})
    assert response.status_code == 403, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "invalid_credentials"


@pytest.fixture(scope="module")
def keyless_server(live_server: LiveServer) -> Iterator[LiveServer]:
    """A second real server over the same (read-only here) index, with no admin key configured."""
    settings = live_settings(live_server.corpus_dir, live_server.index_dir, free_port(), admin_keys=[])
    with run_server(settings) as server:
        yield server


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=[f"{m} {p}" for m, p in ADMIN_ROUTES])
def test_admin_routes_are_closed_when_no_key_is_configured(
    route: Route, keyless_server: LiveServer, live_server: LiveServer, api: httpx.Client, unchanged: None
) -> None:
    assert keyless_server.settings.admin_keys == []
    with keyless_server.client() as client:
        assert call(client, route).status_code == 401
        for key in (live_server.admin_key, "null", "None", "*", "khóa"):
            response = call(client, route, {"Authorization": f"Bearer {key}"})
            assert response.status_code in {401, 403}, (key, response.text[:300])
            if response.status_code == 403:
                problem = response.json()
                assert problem["code"] == "admin_disabled"
                assert "TRACUU_ADMIN_KEYS" in problem["detail"]


def test_the_right_key_opens_every_admin_route(api: httpx.Client, live_server: LiveServer) -> None:
    """Control: the routes above refuse because of the key, not because they refuse everything."""
    documents, _, chunks, corpus = state(api, live_server)
    for method, path in ADMIN_ROUTES:
        url = re.sub(r"\{(\w+)(?::\w+)?\}", "khong-co-van-ban-nay", path)
        extra: dict[str, Any] = {}
        if method == "POST" and path == "/documents":
            extra["files"] = {
                "file": ("rong.txt", b"", "text/plain")
            }  # refused as empty, after the key check
        elif method in {"POST", "PUT", "PATCH"}:
            extra["json"] = {}
        response = api.request(method, url, headers=live_server.admin_headers, **extra)
        assert response.status_code not in {401, 403} and response.status_code < 500, (
            path,
            response.text[:300],
        )
        job = response.json().get("job_id") if response.status_code == 202 else None
        while job is not None and api.get(f"/jobs/{job}").json()["status"] == "running":
            time.sleep(0.2)  # a started rebuild must end before the next test looks at the index
    after = state(api, live_server)
    assert (after[0], after[2], after[3]) == (documents, chunks, corpus)
