"""The daily publication job: take reports down when their year is up, and warn beforehand.

- Removal: a review published on D comes off the website on D + PUBLICATION_DAYS
  (whole calendar days: 29 February 2028 + 365 days is 28 February 2029), or the day
  after a hold ends if the CSP team kept it online longer. Not a day before.
- Reminder: PUBLICATION_REMINDER_DAYS (30) before that day, once, to the partnership's
  CSP team and the review officer. A job that was down catches up with one reminder
  (or, if the day has passed, with the removal itself).

Exactly once, even with two schedulers: a removal is a versioned lifecycle move, so
only one process can make it, and its emails are queued in the same transaction;
reminder emails carry a dedupe key per review, removal date and recipient.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from portal.database import StaleRecordError
from portal.extensions import db
from portal.lifecycle.service import LifecycleError
from portal.notifications.mail import portal_url
from portal.notifications.outbox import enqueue
from portal.publication import queries
from portal.publication.queries import removal_date
from portal.publication.service import partnership_recipients, take_down
from portal.reviews.models import Review

ATTEMPTS = 2  # a removal that lost a race (someone held it meanwhile) is looked at once more


def run_daily(today: dt.date, config: Mapping) -> dict[str, int]:
    counts = remove_due(today)
    counts.update(remind_due(today, config))
    return counts


def remove_due(today: dt.date) -> dict[str, int]:
    counts = {"removed": 0, "verified": 0, "verification_failed": 0, "skipped": 0}
    # Read the list first: on SQLite a half-read SELECT keeps its snapshot, and once any other
    # connection has written, the write transaction below fails at once ("database is locked").
    for review in list(queries.due_for_removal(today)):
        for _ in range(ATTEMPTS):
            if not _still_due(review, today):
                counts["skipped"] += 1
                break
            try:
                verification = take_down(review, review.version, None, note=_note(review))
            except (StaleRecordError, LifecycleError):
                review = Review.get_by_id(review.id)  # changed meanwhile: look again
                continue
            counts["removed"] += 1
            counts["verified" if verification.passed else "verification_failed"] += 1
            break
        else:
            counts["skipped"] += 1
    return counts


def _still_due(review: Review, today: dt.date) -> bool:
    due = removal_date(review)
    return review.removed_on is None and queries.is_published(review) and due is not None and due <= today


def _note(review: Review) -> str:
    if review.held_until is not None and review.held_until >= review.removal_due_on:
        held = review.held_until
        return f"Taken off the website after being kept online until {held.day} {held:%B %Y}"
    return "Taken off the website one year after publication"


def remind_due(today: dt.date, config: Mapping) -> dict[str, int]:
    horizon = today + dt.timedelta(days=config["PUBLICATION_REMINDER_DAYS"])
    counts = {"reminders": 0}
    for review in list(queries.removal_within(horizon)):  # read first, as in remove_due
        due = removal_date(review)
        if due is None or not today < due <= horizon:
            continue
        queued = 0
        with db.database.atomic():
            for address in partnership_recipients(review):
                message = enqueue(
                    address,
                    f"{review.reference} comes off the public website on {due.day} {due:%B %Y}",
                    "publication_removal_reminder",
                    dedupe_key=f"removal-reminder:{review.id}:{due.isoformat()}:{address}",
                    reference=review.reference,
                    removal_date=due,
                    held=review.held_until is not None,
                    link=portal_url("publication.show", review_id=review.id),
                )
                queued += message is not None
        counts["reminders"] += 1 if queued else 0
    return counts
