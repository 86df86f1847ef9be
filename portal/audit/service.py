from __future__ import annotations

from flask import has_request_context, request

from portal.audit.events import EVENTS
from portal.audit.models import AuditEvent


class UndeclaredAuditEvent(ValueError):
    pass


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
    return AuditEvent.create(
        actor=actor if actor is not None and getattr(actor, "id", None) else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        client_address=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
