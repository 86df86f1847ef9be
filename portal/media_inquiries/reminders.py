"""Deadline reminders: the owner is told MEDIA_REMINDER_HOURS (24) before the journalist's
deadline, or at once when the inquiry is logged (or its deadline moved) closer than that.

Exactly once per inquiry and deadline: a DeadlineReminder row per (inquiry,
deadline) has a unique index, and the email's dedupe key names both, so a second
run, a second process, or logging and the job at the same moment send nothing
more. A new deadline starts again. Answered and closed inquiries are never reminded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from peewee import JOIN

from portal.accounts.models import User
from portal.extensions import db
from portal.media_inquiries.models import DeadlineReminder, InquiryEvent, MediaInquiry, is_open
from portal.notifications.mail import portal_url
from portal.notifications.outbox import enqueue
from portal.reviews.models import Review

BATCH = 200


def reminder_due(inquiry: MediaInquiry, now: dt.datetime, config: Mapping) -> bool:
    return inquiry.status.is_open and inquiry.deadline_at - now <= dt.timedelta(
        hours=config["MEDIA_REMINDER_HOURS"]
    )


def remind_if_due(inquiry: MediaInquiry, now: dt.datetime, config: Mapping) -> bool:
    """Queue the owner's reminder if the deadline is close enough and it has not been sent; True if queued.

    Call inside the transaction that logged or changed the inquiry.
    """
    if not reminder_due(inquiry, now, config):
        return False
    review = Review.get_by_id(inquiry.review_id) if inquiry.review_id else None
    owner = User.get_or_none(User.id == inquiry.owner_id) if inquiry.owner_id else None
    return _send(inquiry, review, owner, now, config)


def send_due_reminders(now: dt.datetime, config: Mapping) -> dict[str, int]:
    """The job: every open inquiry whose reminder has come due and not been sent. Safe to run any time."""
    counts = {"candidates": 0, "reminders": 0, "no_recipient": 0}
    horizon = now + dt.timedelta(hours=config["MEDIA_REMINDER_HOURS"])
    sent = DeadlineReminder.alias()
    owner = User.alias()
    candidates = list(
        MediaInquiry.select(MediaInquiry, Review, owner)
        .join(Review, JOIN.LEFT_OUTER, on=(MediaInquiry.review == Review.id))
        .switch(MediaInquiry)
        .join(owner, JOIN.LEFT_OUTER, on=(MediaInquiry.owner == owner.id))
        .switch(MediaInquiry)
        .join(
            sent,
            JOIN.LEFT_OUTER,
            on=((sent.inquiry == MediaInquiry.id) & (sent.deadline_at == MediaInquiry.deadline_at)),
        )
        .where(
            is_open(),
            MediaInquiry.deadline_at <= horizon,
            sent.id.is_null(),
        )
        .order_by(MediaInquiry.deadline_at, MediaInquiry.id)
    )
    counts["candidates"] = len(candidates)
    for start in range(0, len(candidates), BATCH):
        with db.database.atomic():
            for inquiry in candidates[start : start + BATCH]:
                review = inquiry.review if inquiry.review_id else None
                person = inquiry.owner if inquiry.owner_id else None
                if _recipient(person, config) is None:
                    counts["no_recipient"] += 1
                elif _send(inquiry, review, person, now, config):
                    counts["reminders"] += 1
    return counts


def _recipient(owner: User | None, config: Mapping) -> str | None:
    """The owner; with no owner (or an inactive one), the business office's mailbox."""
    if owner is not None and owner.active:
        return owner.email
    return config.get("BUSINESS_OFFICE_EMAIL") or config.get("MEDIA_CONTACT_EMAIL") or None


def _send(inquiry: MediaInquiry, review: Review | None, owner: User | None, now: dt.datetime, config) -> bool:
    recipient = _recipient(owner, config)
    if recipient is None:
        return False
    claimed = (
        DeadlineReminder.insert(
            inquiry=inquiry.id, deadline_at=inquiry.deadline_at, recipient=recipient, created_at=now
        )
        .on_conflict(
            action="NOTHING", conflict_target=[DeadlineReminder.inquiry, DeadlineReminder.deadline_at]
        )
        .as_rowcount()
        .execute()
    )
    if claimed != 1:
        return False  # another run (or the logging itself) got there first
    passed = inquiry.deadline_at <= now
    enqueue(
        recipient,
        f"Media inquiry ({review.reference if review else 'no identified review'}): "
        + ("the journalist's deadline has passed" if passed else "the journalist's deadline is near"),
        "media_deadline_reminder",
        dedupe_key=f"media-deadline:{inquiry.id}:{inquiry.deadline_at.isoformat()}",
        reference=review.reference if review else None,
        deadline=inquiry.deadline_at,
        passed=passed,
        status=inquiry.status.label.lower(),
        link=portal_url("media_inquiries.show", inquiry_id=inquiry.id),
    )
    InquiryEvent.create(
        inquiry=inquiry.id,
        actor=None,
        from_status=inquiry.status,
        to_status=inquiry.status,
        note="Deadline reminder sent to "
        + (owner.full_name if owner is not None and owner.active else "the business office"),
        occurred_at=now,
    )
    return True
