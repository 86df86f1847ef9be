"""Remind review officers, on the day, of a family contact that is due (once per entry and date)."""

from __future__ import annotations

from portal.clock import local_today
from portal.family_contact.reminders import send_due_reminders


def run() -> dict[str, int]:
    return send_due_reminders(local_today())
