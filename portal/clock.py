"""Time: stored as naive UTC, shown in the council's timezone (Europe/London)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

UTC = dt.UTC
DEFAULT_TIMEZONE = "Europe/London"


def utcnow() -> dt.datetime:
    """Now, as the naive UTC datetime every table stores."""
    return dt.datetime.now(UTC).replace(tzinfo=None)


def local_zone() -> ZoneInfo:
    name = current_app.config["TIMEZONE"] if has_app_context() else DEFAULT_TIMEZONE
    return ZoneInfo(name)


def to_local(value: dt.datetime) -> dt.datetime:
    """A stored UTC datetime as wall-clock time in the council's timezone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(local_zone())


def local_today() -> dt.date:
    return dt.datetime.now(local_zone()).date()


def local_to_utc(value: dt.datetime) -> dt.datetime:
    """A wall-clock time someone typed, stored as naive UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    return value.astimezone(UTC).replace(tzinfo=None)
