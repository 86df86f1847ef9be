from __future__ import annotations

import datetime as dt

from peewee import JOIN

from portal.accounts.models import User
from portal.audit.models import AuditEvent


def audit_events(
    *,
    actor_id: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    occurred_from: dt.datetime | None = None,
    occurred_to: dt.datetime | None = None,
):
    """Newest first, with each actor joined in (one query, whatever the page size)."""
    query = (
        AuditEvent.select(AuditEvent, User)
        .join(User, join_type=JOIN.LEFT_OUTER, on=(AuditEvent.actor == User.id))
        .order_by(AuditEvent.id.desc())
    )
    if actor_id:
        query = query.where(AuditEvent.actor == actor_id)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if occurred_from:
        query = query.where(AuditEvent.occurred_at >= occurred_from)
    if occurred_to:
        query = query.where(AuditEvent.occurred_at < occurred_to)
    return query
