"""Remind media inquiry owners before the journalist's deadline (portal/media_inquiries/reminders.py)."""

from __future__ import annotations

from flask import current_app

from portal.clock import utcnow
from portal.media_inquiries.reminders import send_due_reminders


def run() -> dict[str, int]:
    return send_due_reminders(utcnow(), current_app.config)
