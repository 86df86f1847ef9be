"""Default-deny access control.

Every view must declare exactly one rule: @public, or @allow(roles...).
A before-request hook refuses any endpoint without one, and a test walks the
URL map so an unclassified route fails the build before it can ship.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.web.htmx import is_htmx_request, redirect_for_htmx

PUBLIC = "public"
# Flask's own static route, and nothing else, is public without a decorator.
BUILT_IN_PUBLIC_ENDPOINTS = frozenset({"static"})


def public(view: Callable) -> Callable:
    _set_rule(view, PUBLIC)
    return view


def allow(*roles: Role) -> Callable[[Callable], Callable]:
    if not roles:
        raise ValueError("allow() needs at least one role")

    def decorate(view: Callable) -> Callable:
        _set_rule(view, frozenset(roles))
        return view

    return decorate


SIGNED_IN = tuple(Role)


def _set_rule(view: Callable, rule) -> None:
    if hasattr(view, "access_rule"):
        raise RuntimeError(f"{view.__name__} has two access rules")
    view.access_rule = rule


def access_rule_for(endpoint: str | None):
    if endpoint in BUILT_IN_PUBLIC_ENDPOINTS:
        return PUBLIC
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "access_rule", None)


def enforce_access_rules():
    """before_request: sign-in and role checks for every request."""
    if request.endpoint is None:  # 404 and 405: let Flask answer
        return None
    rule = access_rule_for(request.endpoint)
    if rule is None:
        abort(404)  # an unclassified route behaves as if it did not exist
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        target = url_for("accounts.sign_in", next=_local_path())
        return redirect_for_htmx(target) if is_htmx_request() else redirect(target)
    if current_user.role not in rule:
        from portal.audit.service import record

        record("access_refused", actor=current_user, path=request.path, method=request.method)
        abort(403)
    return None


def _local_path() -> str:
    full = request.full_path.rstrip("?")
    return full if request.method == "GET" else request.path


def safe_next_url(target: str | None, fallback: str) -> str:
    """Only a path on this site: no scheme, no host, no backslash tricks."""
    if not target:
        return fallback
    target = target.strip()
    if any(ch in target for ch in "\\\r\n\t") or not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
