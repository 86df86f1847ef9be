from __future__ import annotations

import json

from flask import has_request_context, request

from portal.audit.events import EVENTS
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.prepared_queries import inserting


class UndeclaredAuditEvent(ValueError):
    pass


# Prepared: every write and every view of family records is audited, and peewee building the
# INSERT afresh each time cost as much as sending it. The detail is stored as JSON text on both engines.
AUDIT_FIELDS = ("occurred_at", "actor", "action", "object_type", "object_id", "client_address", "detail")
_APPEND = inserting(AuditEvent, *AUDIT_FIELDS, detail=json.dumps)


def record(
    action: str, *, actor=None, obj=None, object_type: str | None = None, object_id=None, **detail
) -> AuditEvent:
    """Append one event to the audit log.

    `obj` is a model instance (its table name and id are stored); or give
    object_type and object_id for something that is not a row (a failed
    sign-in for an unknown address has neither).
    """
    expected = EVENTS.get(action)
    if expected is None:
        raise UndeclaredAuditEvent(f"audit event {action!r} is not declared in audit/events.py")
    given = frozenset(detail)
    if given != expected:
        raise UndeclaredAuditEvent(f"audit event {action!r} needs {sorted(expected)}, got {sorted(given)}")
    if obj is not None:
        object_type = obj._meta.table_name
        object_id = obj.id
    values = {
        "occurred_at": utcnow(),
        "actor": actor.id if actor is not None and getattr(actor, "id", None) else None,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "client_address": request.remote_addr if has_request_context() else None,
        "detail": detail,
    }
    return AuditEvent(id=_APPEND.scalar(**values), **values)
