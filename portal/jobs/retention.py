"""Delete records past their retention period, unless a legal hold keeps them (portal/retention)."""

from __future__ import annotations

from flask import current_app

from portal.clock import local_today
from portal.retention.service import run_retention


def run() -> dict[str, int]:
    return run_retention(local_today(), current_app.config)
