"""Everything that knows htmx's header names lives here.

htmx versions differ (htmx 4 renamed the request header HX-Trigger to
HX-Source), so views ask these helpers instead of reading headers.
"""

from __future__ import annotations

from flask import Response, render_template, request

REQUEST_HEADER = "HX-Request"
REDIRECT_HEADER = "HX-Redirect"
TRIGGER_HEADER = "HX-Trigger"


def is_htmx_request() -> bool:
    # History restores want the whole page, not a fragment.
    return bool(request.htmx) and not request.htmx.history_restore_request


def triggered_by(element_id: str) -> bool:
    """Whether this htmx request came from the element with this id (e.g. a poll)."""
    return is_htmx_request() and request.headers.get(TRIGGER_HEADER) == element_id


def render_page_or_fragment(
    page_template: str, fragment_template: str, status: int = 200, **context
) -> Response:
    """One view per URL: the full page normally, its fragment for htmx."""
    template = fragment_template if is_htmx_request() else page_template
    response = Response(render_template(template, **context), status=status)
    response.vary.add(REQUEST_HEADER)
    return response


def redirect_for_htmx(location: str) -> Response:
    """Make htmx load a whole new page (e.g. sign-in after the session ended)."""
    response = Response(status=204)
    response.headers[REDIRECT_HEADER] = location
    return response
