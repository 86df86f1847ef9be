"""Legal holds: a review whose records must not be destroyed (inquest, proceedings, public inquiry).

A hold stops the retention job deleting anything of the review: its personal data,
its published report files and the media inquiries about it. Holds are never deleted;
lifting one records who lifted it, when and why, and the next run deletes what is due.
"""

from __future__ import annotations

from enum import StrEnum

from peewee import CharField, DateTimeField, ForeignKeyField, TextField
from playhouse.fields import EnumField

from portal.accounts.models import User
from portal.clock import utcnow
from portal.database import VersionedModel
from portal.reviews.models import Review


class HoldReason(StrEnum):
    INQUEST = "inquest"
    PROCEEDINGS = "proceedings"
    PUBLIC_INQUIRY = "public_inquiry"
    OTHER = "other"

    @property
    def label(self) -> str:
        return HOLD_REASON_LABELS[self]

    @property
    def hint(self) -> str:
        return HOLD_REASON_HINTS[self]


HOLD_REASON_LABELS = {
    HoldReason.INQUEST: "Inquest",
    HoldReason.PROCEEDINGS: "Criminal or civil proceedings",
    HoldReason.PUBLIC_INQUIRY: "Public inquiry instruction not to destroy records",
    HoldReason.OTHER: "Another legal reason",
}
HOLD_REASON_HINTS = {
    HoldReason.INQUEST: "The coroner has opened, or may reopen, an inquest into the death",
    HoldReason.PROCEEDINGS: "A trial, appeal, civil claim or complaint that may need the records",
    HoldReason.PUBLIC_INQUIRY: "A public inquiry has told the council not to destroy records",
    HoldReason.OTHER: "For example an information request or a regulator's investigation",
}


class LegalHold(VersionedModel):
    """One hold on one review. `active_for` is the review while the hold stands, NULL once lifted:
    its unique index allows one standing hold per review, however many set it at once."""

    review = ForeignKeyField(Review, backref="legal_holds", on_delete="RESTRICT")
    active_for = ForeignKeyField(Review, null=True, unique=True, backref="+", on_delete="RESTRICT")
    reason = EnumField(HoldReason, max_length=32)
    reference = CharField(max_length=120, default="")  # e.g. the coroner's or the inquiry's reference
    note = TextField(default="")
    set_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    set_at = DateTimeField(default=utcnow)
    lifted_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    lifted_at = DateTimeField(null=True)
    lift_reason = TextField(default="")

    class Meta:
        table_name = "legal_hold"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
