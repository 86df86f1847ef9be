"""Media inquiries: what a journalist asked, who was told, and every step to a partnership response.

No comment about a review is made without agreed partnership consent, so a
response is recorded as sent only after someone with the right to consent
has approved it (service.py holds that rule).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from peewee import SQL, CharField, DateTimeField, ForeignKeyField, JSONField, TextField
from playhouse.fields import EnumField

from portal.accounts.models import User
from portal.clock import utcnow
from portal.database import BaseModel, VersionedModel
from portal.organisations.models import Agency
from portal.reviews.models import Review


class Topic(StrEnum):
    REVIEW_IN_PROGRESS = "review_in_progress"
    REVIEW_PROCESS = "review_process"
    PUBLISHED_REPORT = "published_report"
    NO_IDENTIFIABLE_REVIEW = "no_identifiable_review"

    @property
    def label(self) -> str:
        return TOPIC_LABELS[self]

    @property
    def hint(self) -> str:
        return TOPIC_HINTS[self]

    @property
    def slug(self) -> str:
        """For URLs, which are kebab-case."""
        return self.value.replace("_", "-")

    @property
    def needs_review(self) -> bool:
        return self in (Topic.REVIEW_IN_PROGRESS, Topic.PUBLISHED_REPORT)


TOPIC_LABELS = {
    Topic.REVIEW_IN_PROGRESS: "A review in progress",
    Topic.REVIEW_PROCESS: "The review process",
    Topic.PUBLISHED_REPORT: "A published report",
    Topic.NO_IDENTIFIABLE_REVIEW: "No identifiable review",
}
TOPIC_HINTS = {
    Topic.REVIEW_IN_PROGRESS: "A death or case that is being reviewed, including around a trial or inquest",
    Topic.REVIEW_PROCESS: "How reviews work, timescales or who takes part, rather than one case",
    Topic.PUBLISHED_REPORT: "A report or executive summary the partnership has published",
    Topic.NO_IDENTIFIABLE_REVIEW: "You cannot tell which review, if any, the question is about",
}


class RecipientKind(StrEnum):
    REVIEW_OFFICER = "review_officer"
    PANEL_CHAIR = "panel_chair"
    BUSINESS_OFFICE = "business_office"
    CSP_TEAM_MANAGER = "csp_team_manager"
    MEDIA_CONTACT = "media_contact"
    LEAD_PRESS_OFFICE = "lead_press_office"

    @property
    def label(self) -> str:
        return RECIPIENT_LABELS[self]


RECIPIENT_LABELS = {
    RecipientKind.REVIEW_OFFICER: "The review's officer",
    RecipientKind.PANEL_CHAIR: "The review's panel chair",
    RecipientKind.BUSINESS_OFFICE: "The business office",
    RecipientKind.CSP_TEAM_MANAGER: "The partnership's community safety team",
    RecipientKind.MEDIA_CONTACT: "The business office's media contact",
    RecipientKind.LEAD_PRESS_OFFICE: "The review's lead press office",
}
# The lead press office is always told when the publication plan names one, whatever the rule.
RULE_RECIPIENTS = tuple(kind for kind in RecipientKind if kind is not RecipientKind.LEAD_PRESS_OFFICE)
DEFAULT_RULES = {
    Topic.REVIEW_IN_PROGRESS: [RecipientKind.REVIEW_OFFICER, RecipientKind.PANEL_CHAIR],
    Topic.REVIEW_PROCESS: [RecipientKind.BUSINESS_OFFICE, RecipientKind.CSP_TEAM_MANAGER],
    Topic.PUBLISHED_REPORT: [RecipientKind.BUSINESS_OFFICE, RecipientKind.CSP_TEAM_MANAGER],
    Topic.NO_IDENTIFIABLE_REVIEW: [RecipientKind.MEDIA_CONTACT],
}


class InquiryStatus(StrEnum):
    RECEIVED = "received"
    ROUTED = "routed"
    RESPONSE_DRAFTED = "response_drafted"
    APPROVED = "approved"
    RESPONDED = "responded"
    CLOSED = "closed"
    CLOSED_NO_COMMENT = "closed_no_comment"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


STATUS_LABELS = {
    InquiryStatus.RECEIVED: "Received",
    InquiryStatus.ROUTED: "Routed",
    InquiryStatus.RESPONSE_DRAFTED: "Response drafted",
    InquiryStatus.APPROVED: "Approved",
    InquiryStatus.RESPONDED: "Responded",
    InquiryStatus.CLOSED: "Closed",
    InquiryStatus.CLOSED_NO_COMMENT: "Closed with no comment",
}
# Open: the journalist is still waiting, so the deadline matters (urgent tag, reminder).
OPEN_STATUSES = frozenset(
    {
        InquiryStatus.RECEIVED,
        InquiryStatus.ROUTED,
        InquiryStatus.RESPONSE_DRAFTED,
        InquiryStatus.APPROVED,
    }
)


class RoutingRule(VersionedModel):
    """Who is told about an inquiry on one topic: data an admin edits, not code."""

    topic = EnumField(Topic, max_length=32, unique=True)
    recipients = JSONField(default=list)  # RecipientKind values
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

    @property
    def recipient_kinds(self) -> list[RecipientKind]:
        return [
            RecipientKind(value) for value in self.recipients if value in RecipientKind._value2member_map_
        ]

    class Meta:
        table_name = "media_routing_rule"


class ReviewMediaContact(VersionedModel):
    """A review's panel chair contact, for routing media inquiries (the chair is not a portal user)."""

    review = ForeignKeyField(Review, unique=True, backref="media_contacts", on_delete="CASCADE")
    panel_chair_name = CharField(max_length=120, default="")
    panel_chair_email = CharField(max_length=254, default="")
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")


class MediaInquiry(VersionedModel):
    # What was asked, by whom, and when
    received_at = DateTimeField(index=True)  # UTC
    received_by_agency = ForeignKeyField(Agency, null=True, on_delete="RESTRICT")  # None: the business office
    received_by_name = CharField(max_length=120)
    outlet = CharField(max_length=160)
    journalist_name = CharField(max_length=120)
    journalist_email = CharField(max_length=254, default="")
    journalist_phone = CharField(max_length=40, default="")
    question = TextField()
    deadline_at = DateTimeField(index=True)  # UTC
    review = ForeignKeyField(Review, null=True, backref="media_inquiries", on_delete="RESTRICT")
    topic = EnumField(Topic, max_length=32)
    # Who logged it: agency leads see what they, or anyone from their agency, logged
    logged_by = ForeignKeyField(User, on_delete="RESTRICT")
    logged_by_agency = ForeignKeyField(Agency, null=True, on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    # The workflow
    status = EnumField(InquiryStatus, max_length=32, default=InquiryStatus.RECEIVED, index=True)
    owner = ForeignKeyField(User, null=True, on_delete="SET NULL")  # None: the business office
    routed_at = DateTimeField(null=True)
    draft_response = TextField(default="")
    drafted_at = DateTimeField(null=True)
    drafted_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    approved_at = DateTimeField(null=True)
    approved_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    approval_note = TextField(default="")
    sent_response = TextField(default="")  # the approved text, as it went to the journalist
    responded_at = DateTimeField(null=True)
    responded_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    closed_at = DateTimeField(null=True)
    closed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    close_reason = TextField(default="")

    class Meta:
        table_name = "media_inquiry"
        indexes = ((("status", "deadline_at"), False),)

    def time_left(self, now: dt.datetime) -> dt.timedelta:
        return self.deadline_at - now

    def is_urgent(self, now: dt.datetime, hours: int) -> bool:
        """Open, and the journalist's deadline is within `hours` (or has passed)."""
        return self.status.is_open and self.deadline_at - now <= dt.timedelta(hours=hours)

    def deadline_passed(self, now: dt.datetime) -> bool:
        return self.status.is_open and self.deadline_at <= now

    @property
    def review_partnership_id(self) -> int | None:
        """The partnership of the review it is about, by the name a list row (queries.InquiryRow)
        gives it: the workflow's rules read either."""
        return self.review.partnership_id if self.review_id is not None else None


# The list's default view: open inquiries, soonest deadline first. (status, deadline_at) cannot give
# that order across four statuses, so PostgreSQL walked every inquiry's deadline to find the open
# ones (migration 0014). The statuses are literal: an index's WHERE takes no parameters.
OPEN_STATUSES_SQL = ", ".join(f"'{status.value}'" for status in sorted(OPEN_STATUSES))
MediaInquiry.add_index(
    MediaInquiry.index(
        MediaInquiry.deadline_at,
        MediaInquiry.id,
        name="mediainquiry_open_deadline_at",
        where=SQL(f"status IN ({OPEN_STATUSES_SQL})"),
    )
)


def is_open():
    """The condition "the inquiry is open", with the statuses written into the SQL as the partial
    index's WHERE has them: SQLite uses that index only for a query that says the same (a bound
    parameter could be anything). With parameters, SQLite sorted every open inquiry for a page
    of 25 (0.5 ms at 20,000 inquiries); once it had statistics (ANALYZE), it walked every
    inquiry's deadline instead (30 ms)."""
    return MediaInquiry.status.in_(SQL(f"({OPEN_STATUSES_SQL})"))


class InquiryRecipient(BaseModel):
    """One person or mailbox told about an inquiry, and why: the routing result."""

    inquiry = ForeignKeyField(MediaInquiry, backref="recipients", on_delete="CASCADE")
    kind = EnumField(RecipientKind, max_length=32)
    email = CharField(max_length=254)
    name = CharField(max_length=160, default="")
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    notified_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "media_inquiry_recipient"
        indexes = ((("inquiry", "email"), True),)


class InquiryEvent(BaseModel):
    """The inquiry's history: every change of state, who made it and when. Never updated."""

    inquiry = ForeignKeyField(MediaInquiry, backref="events", on_delete="CASCADE")
    occurred_at = DateTimeField(default=utcnow)
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")  # None: the portal itself
    from_status = EnumField(InquiryStatus, max_length=32, null=True)
    to_status = EnumField(InquiryStatus, max_length=32)
    note = TextField(default="")

    class Meta:
        table_name = "media_inquiry_event"


class DeadlineReminder(BaseModel):
    """One reminder per inquiry and deadline, ever: the unique index makes a second run a no-op."""

    inquiry = ForeignKeyField(MediaInquiry, backref="reminders", on_delete="CASCADE")
    deadline_at = DateTimeField()
    recipient = CharField(max_length=254)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "media_deadline_reminder"
        indexes = ((("inquiry", "deadline_at"), True),)
