from __future__ import annotations

from enum import StrEnum

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, TextField
from playhouse.fields import EnumField

from portal.accounts.models import User
from portal.clock import utcnow
from portal.database import VersionedModel
from portal.lifecycle.stages import DecisionOutcome, Stage
from portal.organisations.models import Agency, Partnership


class ReviewKind(StrEnum):
    DHR = "dhr"
    DARDR = "dardr"
    JOINT_CHILD = "joint_child"
    JOINT_SAR = "joint_sar"
    OTHER_LEARNING = "other_learning"

    @property
    def label(self) -> str:
        return REVIEW_KIND_LABELS[self]

    @property
    def reference_prefix(self) -> str:
        # Reviews begun under the 2024 Act are DArDRs; the rest keep the DHR name.
        return "DARDR" if self is ReviewKind.DARDR else "DHR"


REVIEW_KIND_LABELS = {
    ReviewKind.DHR: "Domestic homicide review (DHR)",
    ReviewKind.DARDR: "Domestic abuse related death review (DArDR)",
    ReviewKind.JOINT_CHILD: "Joint DHR and child safeguarding practice review",
    ReviewKind.JOINT_SAR: "Joint DHR and safeguarding adult review",
    ReviewKind.OTHER_LEARNING: "Other learning review",
}


class Review(VersionedModel):
    reference = CharField(max_length=32, unique=True)
    kind = EnumField(ReviewKind, max_length=32)
    partnership = ForeignKeyField(Partnership, backref="reviews", on_delete="RESTRICT")
    review_officer = ForeignKeyField(User, null=True, backref="reviews", on_delete="RESTRICT")
    # Short and non-identifying, e.g. the deceased's initials: it appears in lists and emails' pages.
    title = CharField(max_length=80)
    date_of_death = DateField(null=True)
    date_notified = DateField()
    stage = EnumField(Stage, max_length=40, default=Stage.NOTIFIED, index=True)
    is_open = BooleanField(default=True, index=True)
    created_at = DateTimeField(default=utcnow)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    # Key dates and decisions (portal/lifecycle): fields, not free text, so timescales can be worked out.
    decision_outcome = EnumField(DecisionOutcome, max_length=32, null=True)
    decision_on = DateField(null=True)
    home_office_told_on = DateField(null=True)
    chair_appointed_on = DateField(null=True)
    tor_agreed_on = DateField(null=True)
    report_submitted_on = DateField(null=True)
    cleared_on = DateField(null=True)
    commissioner_copy_on = DateField(null=True)  # final report sent to the Domestic Abuse Commissioner
    suspended_since = DateField(null=True)
    # Publication (portal/publication)
    publication_planned_on = DateField(null=True)
    lead_press_office = ForeignKeyField(Agency, null=True, on_delete="RESTRICT")
    published_on = DateField(null=True, index=True)
    removal_due_on = DateField(null=True, index=True)
    removed_on = DateField(null=True)
    held_until = DateField(null=True)
    hold_reason = TextField(default="")
    report_available_at = TextField(default="")
    # The returns overview's sort keys, kept by portal/trawls/service.py whenever a request's status
    # or due date changes, so the overview orders reviews without reading their requests. Dates, not
    # "overdue": that depends on today, these do not. The order's first key ("has it overdue returns
    # today?") depends on today, so the overview reads a page as three ranges of the index below
    # (overdue, due later, no date; portal/trawls/queries.py overview()), never every open review.
    next_return_due_on = DateField(null=True)  # earliest due date of its open requests
    earliest_awaiting_due_on = DateField(null=True)  # ... of those awaiting a return: overdue if < today

    @property
    def display_name(self) -> str:
        return f"{self.reference}: {self.title}"

    def __str__(self) -> str:
        return self.reference

    class Meta:
        # The returns overview's pages (portal/trawls/queries.py, _page_by_ranges; migration 0017).
        indexes = ((("is_open", "next_return_due_on", "reference", "earliest_awaiting_due_on"), False),)


# The public list: reviews on the website, newest publication first (migration 0016). Its order is
# the index's, so a page reads its own rows; removed_on is there so the list is counted from the
# index alone.
Review.add_index(
    Review.index(
        Review.stage,
        Review.published_on.desc(),
        Review.reference,
        Review.removed_on,
        name="review_on_website_newest_first",
    )
)


class SubjectRole(StrEnum):
    DECEASED = "deceased"
    PERPETRATOR = "perpetrator"
    PARTNER_CURRENT = "partner_current"
    PARTNER_PREVIOUS = "partner_previous"
    HOUSEHOLD_MEMBER = "household_member"
    CHILD = "child"

    @property
    def label(self) -> str:
        return SUBJECT_ROLE_LABELS[self]


SUBJECT_ROLE_LABELS = {
    SubjectRole.DECEASED: "Deceased",
    SubjectRole.PERPETRATOR: "Perpetrator or suspect",
    SubjectRole.PARTNER_CURRENT: "Current partner",
    SubjectRole.PARTNER_PREVIOUS: "Previous partner",
    SubjectRole.HOUSEHOLD_MEMBER: "Household member",
    SubjectRole.CHILD: "Child",
}


class Subject(VersionedModel):
    """A person agencies are asked to search their records for."""

    review = ForeignKeyField(Review, backref="subjects", on_delete="CASCADE")
    role = EnumField(SubjectRole, max_length=32)
    full_name = CharField(max_length=120)
    aliases = TextField(default="")  # alternative spellings and aliases, one per line
    date_of_birth = DateField(null=True)
    address_at_time = TextField(default="")
    previous_addresses = TextField(default="")
    relationship_to_deceased = CharField(max_length=120, default="")
    scope_from = DateField(null=True)
    scope_to = DateField(null=True)
    created_at = DateTimeField(default=utcnow)

    def snapshot(self) -> dict:
        """What a trawl records of this subject when it is issued."""
        return {
            "id": self.id,
            "role": self.role.value,
            "role_label": self.role.label,
            "full_name": self.full_name,
            "aliases": [line.strip() for line in self.aliases.splitlines() if line.strip()],
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
            "address_at_time": self.address_at_time,
            "previous_addresses": self.previous_addresses,
            "relationship_to_deceased": self.relationship_to_deceased,
            "scope_from": self.scope_from.isoformat() if self.scope_from else None,
            "scope_to": self.scope_to.isoformat() if self.scope_to else None,
        }
