"""Security headers: only our own origin may supply scripts, styles and images; nothing
inline runs unless it carries its response's nonce (only the risk map document has one).

The policy is strict on purpose: an inline script or style in a page is exactly what a
stored-XSS payload looks like, so the pages keep their code in /static files and pass
parameters through ``data-*`` attributes or ``<script type="application/json">`` blocks
(data, never executed)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, request, session

# Directive -> sources. The order is the header's order; tests assert it exactly.
POLICY: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),  # data: for Bootstrap's inline SVG icons (selects, checks)
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)
CSP = "; ".join(f"{name} {sources}" for name, sources in POLICY)

_NONCE_SOURCES = ("script-src", "style-src")
# A tile server's host[:port]; only Leaflet's {s} may vary. Nothing that could end a
# source expression (space, ';', quote) gets into the header.
_TILE_HOST = re.compile(r"(?:[A-Za-z0-9-]|\{s\})+(?:\.(?:[A-Za-z0-9-]|\{s\})+)*(?::[0-9]{1,5})?")


def content_security_policy(*, nonce: str | None = None, frame_ancestors: str = "'none'",
                            img_origins: tuple[str, ...] = ()) -> str:
    """The header value: ``POLICY``, plus ``'nonce-…'`` for scripts and styles when a
    nonce is given, extra image origins (map tiles), and who may frame the page."""
    parts = []
    for name, sources in POLICY:
        if nonce and name in _NONCE_SOURCES:
            sources += f" 'nonce-{nonce}'"
        elif name == "img-src" and img_origins:
            sources += " " + " ".join(img_origins)
        elif name == "frame-ancestors":
            sources = frame_ancestors
        parts.append(f"{name} {sources}")
    return "; ".join(parts)


def tile_origins(url_template: str, subdomains: str = "abc") -> tuple[str, ...]:
    """The origins a Leaflet tile URL template loads images from, ``{s}`` expanded over
    ``subdomains`` (Leaflet's default ``abc``), e.g.
    ``https://webrd0{s}.is.autonavi.com/...`` -> three ``https://webrd0?.is.autonavi.com``.

    Raises:
        ValueError: the template is not an absolute http(s) URL whose host name is
            letters, digits, dots, hyphens and ``{s}`` (no other placeholder, no user
            name: an origin list could not name it).
    """
    if not url_template:
        return ()
    parts = urlsplit(url_template)
    host = parts.netloc
    if parts.scheme not in ("http", "https") or not _TILE_HOST.fullmatch(host):
        raise ValueError(f"MAP_TILES_URL {url_template!r} must be an absolute http(s) URL template "
                         "whose host name varies by {s} at most")
    hosts = [host.replace("{s}", s) for s in subdomains] if "{s}" in host else [host]
    return tuple(dict.fromkeys(f"{parts.scheme}://{h}" for h in hosts))


def init_app(app: Flask) -> None:
    # Checked at start-up: a tile template we cannot turn into origins fails fast.
    app.extensions["csp_tile_origins"] = tile_origins(app.config.get("MAP_TILES_URL") or "")

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # What a logged-in user or a token holder sees is kept by no cache, shared or the
        # browser's (the back button after log-out, a proxy): issue #17.12. Static files
        # are the same for everyone and stay cacheable.
        if request.endpoint != "static" and (request.path.startswith("/api/")
                                             or "_user_id" in session):
            response.headers["Cache-Control"] = "no-store"
        return response
