from peewee import CharField, DateField, DateTimeField, ForeignKeyField

from portal.accounts.models import User
from portal.clock import utcnow
from portal.database import BaseModel


class BankHoliday(BaseModel):
    """A bank holiday an admin added (e.g. a one-off announced after our holiday data was released)."""

    date = DateField(unique=True)
    name = CharField(max_length=120)
    added_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    added_at = DateTimeField(default=utcnow)
