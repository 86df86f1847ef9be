"""Generic error pages: a reference number to quote, never a traceback."""

from __future__ import annotations

import logging
import secrets

import psycopg2
from flask import Flask, Response, g, render_template
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from peewee import InterfaceError, OperationalError, PeeweeException
from werkzeug.exceptions import HTTPException

from portal.extensions import db, login_manager
from portal.web.htmx import is_htmx_request

log = logging.getLogger(__name__)

TITLES = {
    400: "Sorry, there is a problem with that request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, there is a problem with that request",
    409: "Someone else changed this record",
    410: "This page has been removed",
    413: "The file is too large",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}


def database_reachable() -> bool:
    """Tell an outage (503) from a bug that happens to raise a database error (500)."""
    database = db.database
    try:
        if not database.is_closed():
            database.close()
        database.connect()
        database.execute_sql("SELECT 1").fetchone()
        return True
    except Exception:  # noqa: BLE001 - any failure means unreachable
        return False


def lost_connection(error: Exception) -> bool:
    """A database error that means the server could not be reached or went away while
    we used it (refused, starting up, shutting down, connection closed), as opposed to
    an error in a statement. Decided from the error itself: asking the server again
    afterwards races with its restart."""
    if isinstance(error, InterfaceError):
        return True
    original = _driver_error(error)
    if original is None:
        return False
    # No SQLSTATE: libpq failed to connect or lost the socket; class 08 is a connection
    # exception, 57P0x the server shutting down or starting up.
    code = original.pgcode
    return code is None or code.startswith(("08", "57P"))


def _driver_error(error: BaseException) -> psycopg2.Error | None:
    """The driver's error under peewee's wrapping. Peewee keeps it as `orig` (and as the
    context); a query that connects first is wrapped twice (the connection's error, then
    the query's), so unwrap until the driver's error or something that is not peewee's."""
    for _ in range(4):  # never more than two layers in practice; bounded all the same
        if isinstance(error, psycopg2.Error):
            return error
        if not isinstance(error, PeeweeException):
            return None
        error = getattr(error, "orig", None) or error.__context__
    return None


def render_error(status: int, reference: str | None = None, message: str | None = None):
    if request_ctx.url_adapter is None:
        # The Host header is not in TRUSTED_HOSTS: no URL can be built, so no page either.
        return Response(TITLES.get(status, TITLES[500]), status=status, mimetype="text/plain")
    template = "errors/partials/error.html" if is_htmx_request() else "errors/error.html"
    title = TITLES.get(status, TITLES[500])
    return render_template(template, status=status, title=title, reference=reference, message=message), status


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            message="The form could not be saved because it had expired or came from another site. "
            "Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        return render_error(status if status in TITLES else 400)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_error(error):
        reference = secrets.token_hex(4).upper()
        if not lost_connection(error) and database_reachable():
            log.exception("database error [ref %s]", reference)
            return render_error(500, reference=reference)
        log.error("database unavailable [ref %s]: %s", reference, error)
        # The page must not query again: flask-login would try to load the user for the
        # template (and raise inside this handler), so the outage page is signed out.
        g._login_user = login_manager.anonymous_user()
        try:
            return render_error(503, reference=reference)
        except (OperationalError, InterfaceError):
            return Response(f"{TITLES[503]}. Reference {reference}.", status=503, mimetype="text/plain")

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        reference = secrets.token_hex(4).upper()
        log.exception("unhandled error [ref %s]", reference)
        return render_error(500, reference=reference)
