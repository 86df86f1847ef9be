"""Every Monday: each review officer's statutory deadlines due in the next 14 days."""

from __future__ import annotations

from flask import current_app

from portal.clock import local_today
from portal.lifecycle.digest import send_weekly_digest


def run() -> dict[str, int]:
    return send_weekly_digest(local_today(), current_app.config)
