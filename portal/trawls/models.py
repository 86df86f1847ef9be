from __future__ import annotations

from enum import StrEnum

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    JSONField,
    TextField,
)
from playhouse.fields import EnumField

from portal.accounts.models import User
from portal.clock import utcnow
from portal.database import BaseModel, VersionedModel
from portal.organisations.models import Agency
from portal.reviews.models import Review

DEFAULT_WORKING_DAYS = 10


class TrawlPurpose(StrEnum):
    INITIAL = "initial_records_check"
    FURTHER = "further"

    @property
    def label(self) -> str:
        return "Initial records check" if self is TrawlPurpose.INITIAL else "Further trawl"


class Trawl(BaseModel):
    """One letter to a set of agencies. Its subjects are frozen when it is issued."""

    review = ForeignKeyField(Review, backref="trawls", on_delete="CASCADE")
    number = IntegerField()
    purpose = EnumField(TrawlPurpose, max_length=32)
    issued_at = DateTimeField(default=utcnow)
    issued_on = DateField()  # the London date it was issued
    issued_by = ForeignKeyField(User, on_delete="RESTRICT")
    working_days = IntegerField(default=DEFAULT_WORKING_DAYS)
    instructions = TextField(default="")  # anything extra the officer adds to the standard text
    subjects_snapshot = JSONField(default=list)

    class Meta:
        indexes = ((("review", "number"), True),)

    @property
    def label(self) -> str:
        return f"Trawl {self.number} ({self.purpose.label.lower()})"


class RequestStatus(StrEnum):
    AWAITING = "awaiting"
    EXTENSION_REQUESTED = "extension_requested"
    NIL_RETURN = "nil_return"
    INVOLVEMENT = "involvement"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Still waiting for the agency: can be overdue and reminded."""
        return self in OPEN_STATUSES


STATUS_LABELS = {
    RequestStatus.AWAITING: "Awaiting return",
    RequestStatus.EXTENSION_REQUESTED: "Extension requested",
    RequestStatus.NIL_RETURN: "Nil return",
    RequestStatus.INVOLVEMENT: "Involvement",
    RequestStatus.ACCEPTED: "Accepted",
}
OPEN_STATUSES = frozenset({RequestStatus.AWAITING, RequestStatus.EXTENSION_REQUESTED})
ANSWERED_STATUSES = frozenset({RequestStatus.NIL_RETURN, RequestStatus.INVOLVEMENT})


class DueBasis(StrEnum):
    WORKING_DAYS = "working_days"  # recalculated if a bank holiday is added later
    SET_BY_HAND = "set_by_hand"
    EXTENSION = "extension"


class TrawlRequest(VersionedModel):
    """One agency's part of a trawl."""

    trawl = ForeignKeyField(Trawl, backref="requests", on_delete="CASCADE")
    review = ForeignKeyField(Review, backref="trawl_requests", on_delete="CASCADE")
    agency = ForeignKeyField(Agency, backref="trawl_requests", on_delete="RESTRICT")
    status = EnumField(RequestStatus, max_length=32, default=RequestStatus.AWAITING)
    due_date = DateField()
    due_basis = EnumField(DueBasis, max_length=32, default=DueBasis.WORKING_DAYS)
    answered_at = DateTimeField(null=True)
    answered_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    accepted_at = DateTimeField(null=True)
    accepted_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    last_chased_at = DateTimeField(null=True)
    last_chased_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    last_reminder_at = DateTimeField(null=True)
    last_reminder_stage = CharField(max_length=32, null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("trawl", "agency"), True),
            (("agency", "status", "due_date"), False),
            (("review", "status", "due_date"), False),  # the overview's sort keys (migration 0010)
            (("status", "due_date"), False),
        )


class ReturnKind(StrEnum):
    NIL_RETURN = "nil_return"
    INVOLVEMENT = "involvement"

    @property
    def label(self) -> str:
        return (
            "Nil return (no record of contact)" if self is ReturnKind.NIL_RETURN else "Summary of involvement"
        )


class ReceivedBy(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    OTHER = "other"


class TrawlReturn(BaseModel):
    """One version of an agency's answer. Amendments add rows; none is overwritten."""

    request = ForeignKeyField(TrawlRequest, backref="returns", on_delete="CASCADE")
    number = IntegerField()
    kind = EnumField(ReturnKind, max_length=32)
    submitted_at = DateTimeField(default=utcnow)
    submitted_by = ForeignKeyField(User, on_delete="RESTRICT")
    recorded_on_behalf = BooleanField(default=False)
    received_by = EnumField(ReceivedBy, max_length=16, null=True)
    # Nil return: what was searched
    searched_names = BooleanField(default=False)
    searched_alternative_spellings = BooleanField(default=False)
    searched_dates_of_birth = BooleanField(default=False)
    searched_paper_records = BooleanField(default=False)
    searched_electronic_records = BooleanField(default=False)
    # Summary of involvement
    summary = TextField(default="")
    contact_from = DateField(null=True)
    contact_to = DateField(null=True)
    contact_outside_scope = BooleanField(default=False)
    contact_outside_scope_note = TextField(default="")
    records_secured = BooleanField(default=False)
    # Both
    personal_interest = BooleanField(default=False)
    personal_interest_note = TextField(default="")

    class Meta:
        indexes = ((("request", "number"), True),)


class ExtensionDecision(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # the agency answered before anyone decided


class ExtensionRequest(BaseModel):
    request = ForeignKeyField(TrawlRequest, backref="extensions", on_delete="CASCADE")
    reason = TextField()
    proposed_date = DateField()
    requested_at = DateTimeField(default=utcnow)
    requested_by = ForeignKeyField(User, on_delete="RESTRICT")
    decision = EnumField(ExtensionDecision, max_length=16, null=True)
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    decision_note = TextField(default="")
    granted_date = DateField(null=True)


class ReminderStage(StrEnum):
    BEFORE_DUE = "before_due"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"  # every few working days while overdue: the stage key carries the count
    ESCALATION = "escalation"  # to the review officer


class TrawlReminder(BaseModel):
    """One reminder (or escalation) for one request, due date and stage: at most one, ever.

    The unique index, not only the job's logic, makes a second process or a
    second run on the same day a no-op. An extension's new due date starts a
    new series.
    """

    request = ForeignKeyField(TrawlRequest, backref="reminders", on_delete="CASCADE")
    due_date = DateField()
    stage = CharField(max_length=32)  # e.g. "before_due", "overdue_3", "escalation"
    sent_on = DateField()  # the London working day it was queued
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("request", "due_date", "stage"), True),)
