"""The web routes on their own (no index needed): content types, CSP, caching, and no HTML built from data."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.api.routes.web import WEB_DIR, router


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(router)
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/", "/view/lang-son-46-kh-ubnd-phuc-hoi-kinh-te", "/widget-demo"])
def test_pages_are_html_with_a_strict_csp(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_view_page_is_the_same_for_any_document_id(client: TestClient) -> None:
    # The id is read by the script from the URL, never echoed into the HTML.
    hostile = client.get("/view/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert hostile.status_code == 200
    assert "alert(1)" not in hostile.text
    assert hostile.text == client.get("/view/abc").text


def test_widget_script_is_javascript_cached_and_embeddable(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "max-age=" in response.headers["cache-control"]
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    etag = response.headers["etag"]
    revalidated = client.get("/widget.js", headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert client.get("/widget.js", headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_requests_have_no_body(client: TestClient) -> None:
    response = client.head("/widget.js")
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) == (WEB_DIR / "widget.js").stat().st_size


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/app.js", "text/javascript; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/static/favicon.svg", "image/svg+xml"),
        ("/favicon.ico", "image/svg+xml"),
    ],
)
def test_assets_have_their_content_type(client: TestClient, path: str, content_type: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


@pytest.mark.parametrize(
    "path",
    ["/static/../routes/web.py", "/static/%2e%2e/%2e%2e/settings.py", "/static/nope.js", "/static/"],
)
def test_nothing_outside_the_web_folder_is_served(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "import" not in response.text


def test_html_files_have_no_inline_script_or_style() -> None:
    for page in WEB_DIR.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"{page.name}: inline script {tag}"
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), f"{page.name}: script with a body"
        assert "<style" not in html, f"{page.name}: inline <style>"
        assert not re.search(r"\son[a-z]+\s*=", html), f"{page.name}: inline event handler"
        assert not re.search(r"\sstyle\s*=", html), f"{page.name}: style attribute"


def test_scripts_never_parse_strings_as_html() -> None:
    sinks = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|srcdoc")
    for script in WEB_DIR.glob("*.js"):
        found = sinks.findall(script.read_text(encoding="utf-8"))
        assert not found, f"{script.name} uses {found}"
