"""Reminding the review officer, by email through the outbox, when a family contact is due.

An entry's "next contact due" date gives one email to the review's officer on
that day. Weekends and bank holidays included: the officer chose the date,
and a reminder moved to another day would not be "on that day". The email
says only that a contact with the family for the review is due, and links to
the family page (which checks who is signed in); never who, how or why.

Exactly once: a FamilyContactReminder row per (entry, due date) has a unique
index, and the outbox's dedupe key matches it, so a second run, or a second
process, queues nothing more. Changing the date gives a new reminder for the
new date.

Nothing is sent for an entry entered in error, for a closed review, or for an
entry that a later logged contact with any of the same people has overtaken
(the contact it asked for has happened). A scheduler that was down catches up
on dates up to CATCH_UP_DAYS old, once each, and not on older history.
"""

from __future__ import annotations

import datetime as dt

from peewee import fn

from portal.accounts.queries import active_user_emails
from portal.clock import utcnow
from portal.extensions import db
from portal.family_contact.models import FamilyContactEntry, FamilyContactEntryMember, FamilyContactReminder
from portal.notifications.mail import portal_url
from portal.notifications.outbox import enqueue
from portal.reviews.models import Review

CATCH_UP_DAYS = 6


def send_due_reminders(today: dt.date) -> dict[str, int]:
    """Queue the reminders due by `today` that have not been queued; safe to run any number of times."""
    counts = {"candidates": 0, "reminders": 0, "overtaken": 0, "no_recipient": 0}
    entries = list(
        FamilyContactEntry.select(FamilyContactEntry, Review)
        .join(Review)
        .where(
            FamilyContactEntry.next_contact_due.between(today - dt.timedelta(days=CATCH_UP_DAYS), today),
            ~FamilyContactEntry.entered_in_error,
            Review.is_open,
        )
        .order_by(FamilyContactEntry.id)
    )
    counts["candidates"] = len(entries)
    if not entries:
        return counts
    sent = set(
        FamilyContactReminder.select(FamilyContactReminder.entry, FamilyContactReminder.due_date)
        .where(FamilyContactReminder.entry.in_([e.id for e in entries]))
        .tuples()
    )
    overtaken = _overtaken(entries)
    officers = active_user_emails({e.review.review_officer_id for e in entries if e.review.review_officer_id})
    for entry in entries:
        if (entry.id, entry.next_contact_due) in sent:
            continue
        if entry.id in overtaken:
            counts["overtaken"] += 1
            continue
        officer = officers.get(entry.review.review_officer_id)
        if officer is None:
            counts["no_recipient"] += 1  # tried again tomorrow, in case an officer is assigned
            continue
        with db.database.atomic():
            if _claim(entry, today):
                enqueue(
                    officer,
                    f"Family contact due: {entry.review.reference}",
                    "family_contact_due",
                    dedupe_key=f"family-contact-due:{entry.id}:{entry.next_contact_due.isoformat()}",
                    reference=entry.review.reference,
                    due_date=entry.next_contact_due,
                    link=portal_url("family_contact.show", review_id=entry.review_id),
                )
                counts["reminders"] += 1
    return counts


def _overtaken(entries: list[FamilyContactEntry]) -> set[int]:
    """Entries followed by a later contact (not entered in error) with one of the same people."""
    members: dict[int, set[int]] = {}
    for entry_id, member_id in (
        FamilyContactEntryMember.select(FamilyContactEntryMember.entry, FamilyContactEntryMember.member)
        .where(FamilyContactEntryMember.entry.in_([e.id for e in entries]))
        .tuples()
    ):
        members.setdefault(entry_id, set()).add(member_id)
    everyone = set().union(*members.values()) if members else set()
    if not everyone:
        return set()
    last_contact = fn.MAX(FamilyContactEntry.contacted_at)
    latest_contacts = (
        FamilyContactEntryMember.select(FamilyContactEntryMember.member, last_contact)
        .join(FamilyContactEntry)
        .where(FamilyContactEntryMember.member.in_(list(everyone)), ~FamilyContactEntry.entered_in_error)
        .group_by(FamilyContactEntryMember.member)
        .tuples()
    )
    latest = {member_id: _as_datetime(when) for member_id, when in latest_contacts}
    return {
        entry.id
        for entry in entries
        if any(latest[m] > entry.contacted_at for m in members.get(entry.id, ()) if m in latest)
    }


def _as_datetime(value) -> dt.datetime:
    """SQLite hands back an aggregated datetime as text; PostgreSQL as a datetime."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _claim(entry: FamilyContactEntry, today: dt.date) -> bool:
    """Insert the reminder's row; False if it already exists (another run got there first)."""
    inserted = (
        FamilyContactReminder.insert(
            entry=entry.id, due_date=entry.next_contact_due, sent_on=today, created_at=utcnow()
        )
        .on_conflict(
            action="NOTHING", conflict_target=[FamilyContactReminder.entry, FamilyContactReminder.due_date]
        )
        .as_rowcount()
        .execute()
    )
    return inserted == 1
