"""Send the emails waiting in the outbox, retrying with back-off (portal/notifications/sender.py)."""

from __future__ import annotations

from portal.notifications.sender import deliver_due


def run() -> dict[str, int]:
    return deliver_due()
