"""Family members and key contacts of a review, and the log of contact with them.

Among the most sensitive records the council keeps: only review officers
(their own reviews, unless FAMILY_CONTACT_ALL_OFFICERS) and admins see them.
Nothing here is ever deleted: an entry made by mistake is marked as entered
in error, and every edit keeps a copy of the values it replaced.
"""

from __future__ import annotations

import re
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
from portal.reviews.models import Review


class Labelled(StrEnum):
    @property
    def label(self) -> str:
        return LABELS[self]


class ContactRoute(Labelled):
    FLO = "flo"
    ADVOCATE = "advocate"
    DIRECT = "direct"


class Participation(Labelled):
    NOT_CONTACTED = "not_contacted"
    ENGAGED = "engaged"
    DECLINED = "declined"  # still told when the review is complete and when it is published
    WITHDRAWN = "withdrawn"


class ContactMethod(Labelled):
    IN_PERSON = "in_person"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    VIDEO = "video"


class ContactPurpose(Labelled):
    FIRST_CONTACT = "first_contact"
    PROCESS_EXPLAINED = "process_explained"
    TERMS_OF_REFERENCE = "terms_of_reference"
    INTERVIEW = "interview"
    PROGRESS_UPDATE = "progress_update"
    DRAFT_REPORT_SHARED = "draft_report_shared"
    DISAGREEMENT_RECORDED = "disagreement_recorded"
    PUBLICATION_NOTICE = "publication_notice"
    FEEDBACK = "feedback"
    OTHER = "other"


LABELS = {
    ContactRoute.FLO: "Through the police family liaison officer",
    ContactRoute.ADVOCATE: "Through an advocate",
    ContactRoute.DIRECT: "Direct",
    Participation.NOT_CONTACTED: "Not yet contacted",
    Participation.ENGAGED: "Taking part",
    Participation.DECLINED: "Declined (still kept informed)",
    Participation.WITHDRAWN: "Withdrawn",
    ContactMethod.IN_PERSON: "In person",
    ContactMethod.PHONE: "Phone",
    ContactMethod.LETTER: "Letter",
    ContactMethod.EMAIL: "Email",
    ContactMethod.VIDEO: "Video call",
    ContactPurpose.FIRST_CONTACT: "First contact and Home Office leaflet given",
    ContactPurpose.PROCESS_EXPLAINED: "Explanation of the review process",
    ContactPurpose.TERMS_OF_REFERENCE: "Terms of reference input",
    ContactPurpose.INTERVIEW: "Interview",
    ContactPurpose.PROGRESS_UPDATE: "Progress update",
    ContactPurpose.DRAFT_REPORT_SHARED: "Draft report shared",
    ContactPurpose.DISAGREEMENT_RECORDED: "Disagreement recorded",
    ContactPurpose.PUBLICATION_NOTICE: "Publication notice",
    ContactPurpose.FEEDBACK: "Feedback on the review process",
    ContactPurpose.OTHER: "Other",
}


def initials_of(name: str) -> str:
    """ "Ada Penrow" gives "A.P.": the overview report names people by initials only."""
    words = re.findall(r"[^\W\d_][\w'-]*", name)
    return "".join(f"{word[0].upper()}." for word in words)[:12]


class FamilyMember(VersionedModel):
    """A family member or key contact (a friend, a colleague) the review contacts or may contact."""

    review = ForeignKeyField(Review, backref="family_members", on_delete="RESTRICT")
    # The name or description the panel agreed to use: the log never needs more.
    referred_to_as = CharField(max_length=120)
    initials = CharField(max_length=12)  # for the overview report's appendix
    relationship = CharField(max_length=120)  # to the deceased
    participation = EnumField(Participation, max_length=32, default=Participation.NOT_CONTACTED)
    preferred_route = EnumField(ContactRoute, max_length=32)
    route_details = CharField(max_length=200, default="")  # the named FLO, advocate or service
    language = CharField(max_length=80, default="")
    interpreter_needed = BooleanField(default=False)
    # e.g. "honour"-based violence suspected: contact only through the named route.
    safety_concern = BooleanField(default=False)
    safety_note = TextField(default="")
    notes = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    created_by = ForeignKeyField(User, on_delete="RESTRICT")


class FamilyContactEntry(VersionedModel):
    """One contact made or attempted. Never deleted: marked as entered in error instead."""

    review = ForeignKeyField(Review, backref="family_contact_entries", on_delete="RESTRICT")
    contacted_at = DateTimeField()  # naive UTC, typed as London wall-clock time
    made_by = CharField(max_length=120)  # who from the review: often the chair, not a portal user
    contact_made = BooleanField(default=True)  # False: attempted only
    route = EnumField(ContactRoute, max_length=32)
    method = EnumField(ContactMethod, max_length=32)
    purpose = EnumField(ContactPurpose, max_length=32)
    summary = TextField()
    outcome = TextField(default="")
    next_contact_due = DateField(null=True, index=True)
    recorded_at = DateTimeField(default=utcnow)
    recorded_by = ForeignKeyField(User, on_delete="RESTRICT")
    entered_in_error = BooleanField(default=False)
    error_reason = TextField(default="")
    error_marked_at = DateTimeField(null=True)
    error_marked_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")

    class Meta:
        indexes = ((("review", "contacted_at"), False),)

    # Set by queries.entries_of(): the family members the contact was with.
    members: list[FamilyMember]

    @property
    def with_whom(self) -> str:
        """Who the contact was with, by the names the log uses (a log entry card's "With")."""
        return ", ".join(member.referred_to_as for member in self.members)

    @property
    def edit_count(self) -> int:
        """Edits kept in its history: each bumps the version once, as does marking it in error."""
        return self.version - 1 - int(self.entered_in_error)

    def snapshot(self, members: list[FamilyMember]) -> dict:
        """The entry's values as plain data: kept in its history before each edit."""
        return {
            "contacted_at": self.contacted_at.isoformat(timespec="minutes"),
            "members": [{"id": m.id, "referred_to_as": m.referred_to_as} for m in members],
            "made_by": self.made_by,
            "contact_made": self.contact_made,
            "route": ContactRoute(self.route).value,
            "method": ContactMethod(self.method).value,
            "purpose": ContactPurpose(self.purpose).value,
            "summary": self.summary,
            "outcome": self.outcome,
            "next_contact_due": self.next_contact_due.isoformat() if self.next_contact_due else None,
        }


class FamilyContactEntryMember(BaseModel):
    """Who an entry's contact was with (a meeting can include several people)."""

    entry = ForeignKeyField(FamilyContactEntry, backref="member_links", on_delete="CASCADE")
    member = ForeignKeyField(FamilyMember, backref="entry_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("entry", "member"), True),)


class FamilyContactEntryVersion(BaseModel):
    """The values an entry had before one edit, who made the edit and when."""

    entry = ForeignKeyField(FamilyContactEntry, backref="versions", on_delete="CASCADE")
    version = IntegerField()  # the entry's version that had these values
    values = JSONField()  # snapshot(): the whole entry as it was, members included
    changed = JSONField(default=list)  # names of the fields this edit changed
    changed_at = DateTimeField(default=utcnow)
    changed_by = ForeignKeyField(User, on_delete="RESTRICT")

    class Meta:
        indexes = ((("entry", "version"), True),)


class FamilyContactReminder(BaseModel):
    """One row per entry and next-contact date: the reminder is queued at most once."""

    entry = ForeignKeyField(FamilyContactEntry, backref="reminders", on_delete="CASCADE")
    due_date = DateField()
    sent_on = DateField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("entry", "due_date"), True),)
