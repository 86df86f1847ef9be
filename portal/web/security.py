"""Security headers on every response, and the per-request CSP nonce."""

from __future__ import annotations

import secrets

from flask import Flask, g, request, session

from portal.web.htmx import REQUEST_HEADER


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def add_security_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if g.get("hsts"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint == "static":
        headers.setdefault("Cache-Control", "public, max-age=3600")
    else:
        # Pages can hold special-category data: never keep them in a cache. A public document
        # says how it may be cached instead (portal/publication/views.py).
        headers["Cache-Control"] = g.get("cache_control") or "no-store"
        response.vary.add(REQUEST_HEADER)
        if "_user_id" in session:
            response.vary.add("Cookie")
    return response


def init_security(app: Flask) -> None:
    hsts = app.config["PORTAL_ENV"] != "development"

    @app.before_request
    def _prepare():
        g.hsts = hsts

    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
