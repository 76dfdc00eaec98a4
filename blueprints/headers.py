"""Security headers on every response of the app, pages and API alike.

The Content-Security-Policy allows no inline script, style or handler: scripts and styles come
from ``blueprints/static`` only, and the tenant's colour from its stylesheet route
(``guichet.theme_css``). ``tests/blueprints/test_security_headers.py`` renders the pages and fails
on any inline code left in a template.
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: two years, the preload list's minimum; sent only over HTTPS (RFC 6797 forbids it on HTTP).
STRICT_TRANSPORT_SECURITY = "max-age=63072000"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def _secure_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure_headers)
