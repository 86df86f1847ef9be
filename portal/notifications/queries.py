from __future__ import annotations

from peewee import fn

from portal.notifications.models import OutboxMessage, OutboxStatus

# What the outbox page shows: never the bodies.
LIST_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.recipient,
    OutboxMessage.subject,
    OutboxMessage.template,
    OutboxMessage.status,
    OutboxMessage.attempts,
    OutboxMessage.next_attempt_at,
    OutboxMessage.last_error,
    OutboxMessage.created_at,
    OutboxMessage.sent_at,
)


def outbox_messages(status: OutboxStatus | None = None):
    """Newest first, optionally one status."""
    query = OutboxMessage.select(*LIST_COLUMNS).order_by(OutboxMessage.id.desc())
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return query


def status_counts() -> dict[OutboxStatus, int]:
    """How many messages have each status (every status present, zero or not)."""
    counts = dict.fromkeys(OutboxStatus, 0)
    rows = OutboxMessage.select(OutboxMessage.status, fn.COUNT(OutboxMessage.id).alias("n")).group_by(
        OutboxMessage.status
    )
    for row in rows:
        counts[OutboxStatus(row.status)] = row.n
    return counts
