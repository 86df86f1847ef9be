from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, TextField
from playhouse.fields import EnumField

from portal.accounts.models import User
from portal.clock import utcnow
from portal.database import BaseModel
from portal.lifecycle.stages import SuspensionReason
from portal.reviews.models import Review


class StageTransition(BaseModel):
    """Every move of a review from one stage to another: who, when, why. The timeline."""

    review = ForeignKeyField(Review, backref="transitions", on_delete="CASCADE")
    from_stage = CharField(max_length=40)
    to_stage = CharField(max_length=40)
    occurred_at = DateTimeField(default=utcnow, index=True)
    by = ForeignKeyField(User, null=True, on_delete="RESTRICT")  # None: a scheduled job
    note = TextField(default="")


class Suspension(BaseModel):
    review = ForeignKeyField(Review, backref="suspensions", on_delete="CASCADE")
    reason = EnumField(SuspensionReason, max_length=32)
    note = TextField(default="")
    started_on = DateField()
    ended_on = DateField(null=True)
    started_by = ForeignKeyField(User, on_delete="RESTRICT")
    ended_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")


class HomeOfficeReturn(BaseModel):
    """The Home Office Quality Assurance Panel sent the report back for amendment."""

    review = ForeignKeyField(Review, backref="home_office_returns", on_delete="CASCADE")
    returned_on = DateField()
    feedback_summary = TextField()
    resubmitted_on = DateField(null=True)
    recorded_by = ForeignKeyField(User, on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
