"""Writes to the family-contact log, and who may see it. Every write is audited.

Nothing is deleted: an edit keeps a copy of the entry's previous values
(FamilyContactEntryVersion), and a mistaken entry is marked as entered in
error with a reason. Audit details hold ids and field names, never contents.
"""

from __future__ import annotations

from flask import current_app

from portal.accounts.models import Role, User
from portal.audit.service import record
from portal.clock import utcnow
from portal.database import StaleRecordError, changed_fields
from portal.extensions import db
from portal.family_contact.models import (
    FamilyContactEntry,
    FamilyContactEntryMember,
    FamilyContactEntryVersion,
    FamilyMember,
    initials_of,
)
from portal.reviews.models import Review

MEMBER_FIELDS = (
    "referred_to_as",
    "initials",
    "relationship",
    "participation",
    "preferred_route",
    "route_details",
    "language",
    "interpreter_needed",
    "safety_concern",
    "safety_note",
    "notes",
)
ENTRY_FIELDS = (
    "contacted_at",
    "made_by",
    "contact_made",
    "route",
    "method",
    "purpose",
    "summary",
    "outcome",
    "next_contact_due",
)


class EntryInError(StaleRecordError):
    """An entry marked as entered in error is kept as it was: it cannot be changed again."""


def may_see_family(user: User, review: Review) -> bool:
    """Admins; the review's own officer; every review officer if the council says so."""
    if not user.is_authenticated:
        return False
    if user.role is Role.ADMIN:
        return True
    if user.role is Role.REVIEW_OFFICER:
        return current_app.config["FAMILY_CONTACT_ALL_OFFICERS"] or review.review_officer_id == user.id
    return False


def _member_values(values: dict) -> dict:
    values = {k: values[k] for k in MEMBER_FIELDS}
    values["initials"] = values["initials"] or initials_of(values["referred_to_as"])
    return values


def add_member(review: Review, values: dict, actor: User) -> FamilyMember:
    with db.database.atomic():
        member = FamilyMember.create(review=review, created_by=actor, **_member_values(values))
        record("family_member_added", actor=actor, obj=member, review_id=review.id)
    return member


def update_member(member: FamilyMember, expected_version: int, values: dict, actor: User) -> FamilyMember:
    values = _member_values(values)
    changed = changed_fields(member, values)
    with db.database.atomic():
        member.save_changes(expected_version, **values)
        record("family_member_updated", actor=actor, obj=member, review_id=member.review_id, changed=changed)
    return member


def _link_members(entry: FamilyContactEntry, member_ids: list[int]) -> None:
    FamilyContactEntryMember.delete().where(FamilyContactEntryMember.entry == entry).execute()
    FamilyContactEntryMember.insert_many(
        [{"entry": entry.id, "member": member_id} for member_id in sorted(set(member_ids))]
    ).execute()


def _members(review: Review, member_ids: list[int]) -> list[FamilyMember]:
    members = list(
        FamilyMember.select()
        .where(FamilyMember.id.in_(member_ids), FamilyMember.review == review)
        .order_by(FamilyMember.id)
    )
    if not members or len(members) != len(set(member_ids)):
        raise ValueError("an entry's members must belong to its review")
    return members


def add_entry(review: Review, values: dict, member_ids: list[int], actor: User) -> FamilyContactEntry:
    with db.database.atomic():
        members = _members(review, member_ids)
        entry = FamilyContactEntry.create(
            review=review, recorded_by=actor, **{k: values[k] for k in ENTRY_FIELDS}
        )
        _link_members(entry, [m.id for m in members])
        record(
            "family_contact_entry_added",
            actor=actor,
            obj=entry,
            review_id=review.id,
            purpose=entry.purpose.value,
        )
    entry.members = members
    return entry


def update_entry(
    entry: FamilyContactEntry, expected_version: int, values: dict, member_ids: list[int], actor: User
) -> FamilyContactEntry:
    """Save an edit, keeping the values it replaces; nothing happens if nothing changed."""
    if entry.entered_in_error:
        raise EntryInError(f"family contact entry {entry.id} was entered in error")
    values = {k: values[k] for k in ENTRY_FIELDS}
    with db.database.atomic():
        members = _members(entry.review, member_ids)
        before = entry.snapshot(entry.members)
        after_entry = FamilyContactEntry(**{**entry.__data__, **values})
        after = after_entry.snapshot(members)
        changed = sorted(name for name in before if before[name] != after[name])
        if not changed:
            if entry.version != expected_version:
                raise StaleRecordError(f"family contact entry {entry.id} changed since {expected_version}")
            return entry
        previous_version = entry.version
        entry.save_changes(expected_version, **values)
        if "members" in changed:
            _link_members(entry, [m.id for m in members])
        FamilyContactEntryVersion.create(
            entry=entry, version=previous_version, values=before, changed=changed, changed_by=actor
        )
        record(
            "family_contact_entry_updated",
            actor=actor,
            obj=entry,
            review_id=entry.review_id,
            changed=changed,
        )
    entry.members = members
    return entry


def mark_in_error(entry: FamilyContactEntry, expected_version: int, reason: str, actor: User) -> None:
    """The entry stays in the log, struck through with the reason; milestones ignore it."""
    if entry.entered_in_error:
        raise EntryInError(f"family contact entry {entry.id} was already entered in error")
    with db.database.atomic():
        entry.save_changes(
            expected_version,
            entered_in_error=True,
            error_reason=reason,
            error_marked_at=utcnow(),
            error_marked_by=actor,
        )
        record("family_contact_entry_marked_in_error", actor=actor, obj=entry, review_id=entry.review_id)
