from peewee import BigAutoField, CharField, DateTimeField, ForeignKeyField, JSONField

from portal.accounts.models import User
from portal.clock import utcnow
from portal.database import BaseModel


class AuditEvent(BaseModel):
    """One row per event. Database triggers refuse UPDATE and DELETE (migration 0001)."""

    id = BigAutoField()
    occurred_at = DateTimeField(default=utcnow, index=True)
    actor = ForeignKeyField(User, null=True, backref="audit_events", on_delete="RESTRICT")
    action = CharField(max_length=64, index=True)
    object_type = CharField(max_length=64, null=True)
    object_id = CharField(max_length=64, null=True)
    client_address = CharField(max_length=64, null=True)
    detail = JSONField(default=dict)

    class Meta:
        indexes = ((("object_type", "object_id"), False),)
