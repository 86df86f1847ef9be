"""Named reads for the family-contact log, and the milestones the family must hear about.

The lifecycle asks `missing_milestones(review, "submission")` (or
"publication") before a review moves on; the review page and the family
page show `milestone_status(review)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from peewee import JOIN

from portal.accounts.models import User
from portal.clock import to_local
from portal.family_contact.models import (
    ContactMethod,
    ContactPurpose,
    ContactRoute,
    FamilyContactEntry,
    FamilyContactEntryMember,
    FamilyContactEntryVersion,
    FamilyMember,
    Participation,
)
from portal.organisations.models import Partnership
from portal.prepared_queries import prepared
from portal.reviews.models import Review
from portal.web.filters import govuk_date, govuk_datetime

BEFORE_SUBMISSION = "submission"
BEFORE_PUBLICATION = "publication"
# People the review still involves: the family milestones are about them.
STILL_INVOLVED = frozenset({Participation.NOT_CONTACTED, Participation.ENGAGED})


@dataclass(frozen=True)
class Milestone:
    key: str
    name: str
    done: bool
    date: dt.date | None  # the local date of the first entry that met it
    before: str  # BEFORE_SUBMISSION or BEFORE_PUBLICATION: when it must be done by
    detail: str = ""


# The log's queries are prepared (portal/prepared_queries.py): the page is opened all day.


@prepared
def _review_with_partnership(review_id):
    return Review.select(Review, Partnership).join(Partnership).where(Review.id == review_id).limit(1)


def review_with_partnership(review_id: int) -> Review | None:
    return _review_with_partnership().first(review_id=review_id)


@prepared
def _members_of(review):
    return FamilyMember.select().where(FamilyMember.review == review).order_by(FamilyMember.id)


def members_of(review: Review) -> list[FamilyMember]:
    return _members_of().rows(review=review)


@prepared
def _entries_of(oldest_first, include_in_error, review):
    recorder, marker = User.alias(), User.alias()
    order = FamilyContactEntry.contacted_at, FamilyContactEntry.id
    query = (
        # Of the people, only what the log shows: their names.
        FamilyContactEntry.select(
            FamilyContactEntry, recorder.id, recorder.full_name, marker.id, marker.full_name
        )
        .join(recorder, on=(FamilyContactEntry.recorded_by == recorder.id))
        .switch(FamilyContactEntry)
        .join(marker, JOIN.LEFT_OUTER, on=(FamilyContactEntry.error_marked_by == marker.id))
        .where(FamilyContactEntry.review == review)
        .order_by(*(order if oldest_first else [field.desc() for field in order]))
    )
    if not include_in_error:
        query = query.where(~FamilyContactEntry.entered_in_error)
    return query


@prepared
def _member_links(whole_review, review, entry):
    """Who each entry's contact was with (names only): every entry of a review, or one entry."""
    links = FamilyContactEntryMember.select(
        FamilyContactEntryMember.entry,
        FamilyMember.id,
        FamilyMember.referred_to_as,
        FamilyMember.initials,
    ).join(FamilyMember)
    if whole_review:
        links = links.switch(FamilyContactEntryMember).join(FamilyContactEntry)
        links = links.where(FamilyContactEntry.review == review)
    else:
        links = links.where(FamilyContactEntryMember.entry == entry)
    return links.order_by(FamilyMember.id)


def entries_of(review: Review, *, oldest_first: bool = False, include_in_error: bool = True):
    """The review's log, each entry with its `members`: two queries, however long the log."""
    entries = _entries_of(oldest_first, include_in_error).rows(review=review)
    links = _member_links(True).rows(review=review, entry=None)
    _attach_members(entries, [(link.entry_id, link.member) for link in links])
    return entries


@prepared
def _members_with_links(review):
    """The review's family members, once for each entry they were part of (once if none), in order:
    the member's columns (its id first), then the entry's id (last)."""
    return (
        FamilyMember.select(FamilyMember, FamilyContactEntryMember.entry)
        .join(
            FamilyContactEntryMember,
            JOIN.LEFT_OUTER,
            on=(FamilyContactEntryMember.member == FamilyMember.id),
        )
        .where(FamilyMember.review == review)
        .order_by(FamilyMember.id)
    )


def members_and_log(review: Review) -> tuple[list[FamilyMember], list[FamilyContactEntry]]:
    """members_of() and entries_of() (newest first, entries in error included) in two queries, not
    three: who each entry was with comes with the members."""
    members: list[FamilyMember] = []
    links: list[tuple[int, FamilyMember]] = []
    found, read = _members_with_links().plain_rows_and_reader(review=review)
    for row in found:
        member_id, entry_id = row[0], row[-1]
        if not members or members[-1].id != member_id:
            members.append(read(row))  # a member's row is made a model once, not once per entry
        if entry_id is not None:
            links.append((entry_id, members[-1]))
    entries = _entries_of(False, True).rows(review=review)
    _attach_members(entries, links)
    return members, entries


def _attach_members(entries: list[FamilyContactEntry], links: list[tuple[int, FamilyMember]]) -> None:
    """Each entry's `members`, from (entry id, member) pairs in the members' order."""
    by_entry: dict[int, list[FamilyMember]] = {entry.id: [] for entry in entries}
    for entry_id, member in links:
        if entry_id in by_entry:  # links of entries not shown (entered in error) are skipped
            by_entry[entry_id].append(member)
    for entry in entries:
        entry.members = by_entry[entry.id]


def entry_of(review: Review, entry_id: int) -> FamilyContactEntry | None:
    entry = FamilyContactEntry.get_or_none(
        (FamilyContactEntry.id == entry_id) & (FamilyContactEntry.review == review)
    )
    if entry is not None:
        links = _member_links(False).rows(review=None, entry=entry.id)
        _attach_members([entry], [(link.entry_id, link.member) for link in links])
    return entry


def member_of(review: Review, member_id: int) -> FamilyMember | None:
    return FamilyMember.get_or_none((FamilyMember.id == member_id) & (FamilyMember.review == review))


def versions_of(entry: FamilyContactEntry):
    """Earlier versions of an entry, the most recent change first, with who changed it."""
    return (
        FamilyContactEntryVersion.select(FamilyContactEntryVersion, User)
        .join(User)
        .where(FamilyContactEntryVersion.entry == entry)
        .order_by(FamilyContactEntryVersion.version.desc())
    )


ENTRY_FIELD_LABELS = {
    "contacted_at": "Date and time",
    "members": "With",
    "made_by": "Made or attempted by",
    "contact_made": "Contact made",
    "route": "Route",
    "method": "Method",
    "purpose": "Purpose",
    "summary": "Summary",
    "outcome": "Outcome",
    "next_contact_due": "Next contact due",
}
CHOICES = {"route": ContactRoute, "method": ContactMethod, "purpose": ContactPurpose}


def previous_values(version: FamilyContactEntryVersion) -> list[tuple[str, str]]:
    """(label, value as it was) for each field the edit changed, in the log's order."""
    values = version.values

    def shown(name: str) -> str:
        value = values[name]
        if name == "contacted_at":
            return govuk_datetime(dt.datetime.fromisoformat(value))
        if name == "members":
            return ", ".join(member["referred_to_as"] for member in value)
        if name == "contact_made":
            return "Yes" if value else "No, attempted"
        if name in CHOICES:
            return CHOICES[name](value).label
        if name == "next_contact_due":
            return govuk_date(dt.date.fromisoformat(value)) if value else "Not set"
        return value or "Not recorded"

    return [(label, shown(name)) for name, label in ENTRY_FIELD_LABELS.items() if name in version.changed]


MILESTONE_PURPOSES = (
    ContactPurpose.FIRST_CONTACT,
    ContactPurpose.DRAFT_REPORT_SHARED,
    ContactPurpose.DISAGREEMENT_RECORDED,
    ContactPurpose.PUBLICATION_NOTICE,
)


class _MilestoneContact(NamedTuple):
    id: int  # the entry's
    purpose: ContactPurpose
    contacted_at: dt.datetime
    member: int  # a family member's id: one row for each person the contact was with


def _milestone_contacts(entries: list[FamilyContactEntry]) -> list[_MilestoneContact]:
    """The contacts that count towards a milestone, oldest first, one for each person the contact
    was with: made (not attempted), not entered in error, with a milestone's purpose."""
    found = [
        _MilestoneContact(entry.id, entry.purpose, entry.contacted_at, member.id)
        for entry in entries
        if not entry.entered_in_error and entry.contact_made and entry.purpose in MILESTONE_PURPOSES
        for member in entry.members
    ]
    return sorted(found, key=lambda row: row.contacted_at)


def milestone_status(
    review: Review,
    members: list[FamilyMember] | None = None,
    entries: list[FamilyContactEntry] | None = None,
) -> list[Milestone]:
    """What the family must hear about, checked against the log: two queries (members_and_log()),
    none if given `members` and `entries` (the whole log with its people, as the family page has it).

    Only contact actually made counts (not an attempt), and never an entry
    marked as entered in error.

    - First contact made and the Home Office leaflet given (before submission).
    - The draft report shared before Home Office submission, with the number
      of disagreements recorded; and notice of the publication date and
      possible media interest (before publication). Both are owed to the
      family members still involved (not yet contacted, or taking part), so
      they do not apply when everyone recorded has declined or withdrawn.
    - For each member who declined: told the review is complete and when it
      will be published (a publication notice with them), before publication.
    """
    if members is None or entries is None:
        members, entries = members_and_log(review)
    rows = _milestone_contacts(entries)

    def first(purpose: ContactPurpose, member_ids: set[int] | None = None) -> dt.date | None:
        for row in rows:
            if ContactPurpose(row.purpose) is purpose and (member_ids is None or row.member in member_ids):
                return to_local(row.contacted_at).date()
        return None

    def milestone(key, name, before, day, detail="") -> Milestone:
        return Milestone(key=key, name=name, done=day is not None, date=day, before=before, detail=detail)

    involved = {m.id for m in members if m.participation in STILL_INVOLVED}
    family_scope = involved or None  # with nobody recorded yet, any entry would do
    milestones = [
        milestone(
            "first_contact",
            "First contact made and the Home Office leaflet given",
            BEFORE_SUBMISSION,
            first(ContactPurpose.FIRST_CONTACT),
        )
    ]
    if involved or not members:
        disagreement = ContactPurpose.DISAGREEMENT_RECORDED
        disagreements = len({row.id for row in rows if ContactPurpose(row.purpose) is disagreement})
        milestones += [
            milestone(
                "draft_report_shared",
                "Draft report shared with the family before Home Office submission",
                BEFORE_SUBMISSION,
                first(ContactPurpose.DRAFT_REPORT_SHARED, family_scope),
                "No disagreement recorded"
                if not disagreements
                else f"{disagreements} disagreement{'s' if disagreements > 1 else ''} recorded",
            ),
            milestone(
                "publication_notice",
                "Family told the publication date and about possible media interest",
                BEFORE_PUBLICATION,
                first(ContactPurpose.PUBLICATION_NOTICE, family_scope),
            ),
        ]
    for member in members:
        if member.participation is Participation.DECLINED:
            milestones.append(
                milestone(
                    f"declined_notice_{member.id}",
                    f"{member.initials}, who declined to take part, told the review is complete "
                    "and when it will be published",
                    BEFORE_PUBLICATION,
                    first(ContactPurpose.PUBLICATION_NOTICE, {member.id}),
                )
            )
    return milestones


def missing_milestones(review: Review, before: str) -> list[str]:
    """Names of the family milestones not yet met that are due by `before`; empty means fine.

    `before` is "submission" (to the Home Office) or "publication". Before
    submission: first contact with the leaflet, and the draft report shared.
    Before publication: those, the family told the publication date and about
    media interest, and every member who declined told that the review is
    complete and when it will be published. The names are for a warning to
    the review officer, e.g. "Draft report shared with the family before Home
    Office submission"; they carry initials at most, never a name.
    """
    if before not in (BEFORE_SUBMISSION, BEFORE_PUBLICATION):
        raise ValueError(f"before must be {BEFORE_SUBMISSION!r} or {BEFORE_PUBLICATION!r}, not {before!r}")
    due = {BEFORE_SUBMISSION} if before == BEFORE_SUBMISSION else {BEFORE_SUBMISSION, BEFORE_PUBLICATION}
    return [m.name for m in milestone_status(review) if m.before in due and not m.done]
