"""Template filters: dates in GOV.UK style, in the council's timezone."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from portal.clock import to_local


def govuk_date(value: dt.date | dt.datetime | None) -> str:
    """22 November 2026."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value).date()
    return f"{value.day} {value:%B %Y}"


def govuk_datetime(value: dt.datetime | None) -> str:
    """22 November 2026 at 3:04pm, in Europe/London."""
    if value is None:
        return ""
    local = to_local(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{suffix}"


def init_filters(app: Flask) -> None:
    app.add_template_filter(govuk_date)
    app.add_template_filter(govuk_datetime)
