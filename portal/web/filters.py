"""Template filters: dates in GOV.UK style, in the council's timezone."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from portal.clock import to_local
from portal.web.sanitise import text_to_html

# English month names whatever the server's locale (strftime's %B follows it); looked up rather
# than formatted, as these filters run for every date cell of every table.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SHORT_MONTHS = tuple(month[:3] for month in MONTHS)


def govuk_date(value: dt.date | dt.datetime | None) -> str:
    """22 November 2026."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def govuk_date_short(value: dt.date | dt.datetime | None) -> str:
    """22 Nov 2026: for tables, where space is short."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value)
    return f"{value.day} {SHORT_MONTHS[value.month - 1]} {value.year}"


def govuk_datetime(value: dt.datetime | None) -> str:
    """22 November 2026 at 3:04pm, in Europe/London."""
    if value is None:
        return ""
    local = to_local(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} at {hour}:{local.minute:02d}{suffix}"


def iso_to_govuk_date(value: str | None) -> str:
    """A date kept as ISO text (in a snapshot) shown the GOV.UK way."""
    return govuk_date(dt.date.fromisoformat(value)) if value else ""


def as_date(value) -> dt.date | None:
    """SQLite hands back aggregated dates as text; PostgreSQL as dates."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def init_filters(app: Flask) -> None:
    app.add_template_filter(as_date)
    app.add_template_filter(govuk_date)
    app.add_template_filter(govuk_datetime)
    app.add_template_filter(govuk_date_short)
    app.add_template_filter(iso_to_govuk_date)
    app.add_template_filter(text_to_html)
