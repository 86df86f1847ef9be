"""Remind agencies of trawl returns coming due or overdue, and escalate to review officers."""

from __future__ import annotations

from flask import current_app

from portal.clock import local_today
from portal.trawls.reminders import send_due_reminders


def run() -> dict[str, int]:
    return send_due_reminders(local_today(), current_app.config)
