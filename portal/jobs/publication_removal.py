"""Take published reports off the website when their year is up; remind the partnership before."""

from __future__ import annotations

from flask import current_app

from portal.clock import local_today
from portal.publication.removal import run_daily


def run() -> dict[str, int]:
    return run_daily(local_today(), current_app.config)
