"""The web page for officials, the document view, the embeddable widget and their static assets.

Everything here is static: the pages fetch JSON from the API (``/documents``, ``/ask``) and render it as text.
HTML responses carry a strict Content-Security-Policy (no inline script or style), so even a document that
contains markup could not run script in the page.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response

WEB_DIR = Path(__file__).resolve().parents[2] / "web"

# No inline script or style anywhere; data is only ever fetched from our own origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

HTML_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # Pages are tiny and change with deployments: always revalidate (cheap thanks to the ETag).
    "Cache-Control": "no-cache",
}

# Assets have no content hash in their names (no build step), so they are cached briefly and revalidated.
ASSET_CACHE_CONTROL = "public, max-age=300"

# The widget is loaded by portals on other origins: allow that explicitly.
WIDGET_HEADERS = {
    "Cache-Control": "public, max-age=300",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Access-Control-Allow-Origin": "*",
    "X-Content-Type-Options": "nosniff",
}

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Asset:
    """One file of ``service/web`` read into memory, with its validator."""

    body: bytes
    media_type: str
    etag: str


@lru_cache(maxsize=64)
def _read_asset(path: Path, mtime_ns: int, size: int) -> Asset:
    # Keyed on mtime and size so an edited file is picked up without a restart.
    body = path.read_bytes()
    media_type = CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return Asset(body=body, media_type=media_type or "application/octet-stream", etag=etag)


def load_asset(relative: str) -> Asset:
    """Read ``relative`` (a path inside ``service/web``); 404 for anything outside it or missing."""
    root = WEB_DIR.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file() or path.name.startswith("."):
        raise HTTPException(status_code=404, detail=f"No web asset named '{relative}'.")
    stat = path.stat()
    return _read_asset(path, stat.st_mtime_ns, stat.st_size)


def asset_response(request: Request, relative: str, headers: dict[str, str]) -> Response:
    """Serve one asset with its ETag, answering ``If-None-Match`` revalidations with 304."""
    asset = load_asset(relative)
    all_headers = {**headers, "ETag": asset.etag}
    if asset.etag in _etags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=all_headers)
    body = b"" if request.method == "HEAD" else asset.body
    response = Response(content=body, media_type=asset.media_type, headers=all_headers)
    if request.method == "HEAD":
        response.headers["Content-Length"] = str(len(asset.body))
    return response


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _headers_for(relative: str) -> dict[str, str]:
    if relative.endswith(".html"):
        return HTML_HEADERS
    return {"Cache-Control": ASSET_CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}


@router.api_route("/", methods=["GET", "HEAD"])
def index_page(request: Request) -> Response:
    """The question page."""
    return asset_response(request, "index.html", HTML_HEADERS)


@router.api_route("/view/{doc_id}", methods=["GET", "HEAD"])
def document_view(request: Request, doc_id: str) -> Response:
    """The document view; the page reads ``doc_id`` from its URL and fetches ``/documents/{doc_id}``."""
    return asset_response(request, "view.html", HTML_HEADERS)


@router.api_route("/widget.js", methods=["GET", "HEAD"])
def widget_script(request: Request) -> Response:
    """The embeddable chat widget (one self-contained script)."""
    return asset_response(request, "widget.js", WIDGET_HEADERS)


@router.api_route("/widget-demo", methods=["GET", "HEAD"])
def widget_demo(request: Request) -> Response:
    """A fake portal page with hostile CSS that embeds the widget."""
    return asset_response(request, "widget-demo.html", HTML_HEADERS)


@router.api_route("/favicon.ico", methods=["GET", "HEAD"])
def favicon(request: Request) -> Response:
    """Browsers ask for it on their own; answer with the SVG icon instead of a 404."""
    return asset_response(request, "favicon.svg", {"Cache-Control": "public, max-age=86400"})


@router.api_route("/static/{relative:path}", methods=["GET", "HEAD"])
def static_asset(request: Request, relative: str) -> Response:
    """Scripts, styles and icons of the pages."""
    return asset_response(request, relative, _headers_for(relative))
