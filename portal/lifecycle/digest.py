"""The weekly digest: each review officer's statutory deadlines due in the next 14 days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.lifecycle.timescales import suspensions_by_review, timescales
from portal.notifications.mail import portal_url
from portal.notifications.outbox import enqueue
from portal.reviews.models import Review
from portal.workdays.calendar import WorkingDayCalendar

HORIZON_DAYS = 14


def send_weekly_digest(today: dt.date, config: Mapping) -> dict[str, int]:
    """One email per officer per ISO week, listing deadlines by reference only (no names)."""
    calendar = WorkingDayCalendar.load()
    reviews = list(
        Review.select(Review, User)
        .join(User, on=(Review.review_officer == User.id))
        .where(Review.is_open, User.active, User.role.in_([Role.REVIEW_OFFICER, Role.ADMIN]))
        .order_by(Review.reference)
    )
    suspensions = suspensions_by_review([r.id for r in reviews])
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    per_officer: dict[int, tuple[User, list[dict]]] = {}
    for review in reviews:
        for item in timescales(review, suspensions[review.id], today, config, calendar):
            if item.actual is None and item.due is not None and item.due <= horizon:
                officer, items = per_officer.setdefault(review.review_officer_id, (review.review_officer, []))
                items.append(
                    {
                        "reference": review.reference,
                        "name": item.name,
                        "due": item.due,
                        "overdue": item.due < today,
                        "link": portal_url("lifecycle.show", review_id=review.id),
                    }
                )
    year, week, _ = today.isocalendar()
    sent = 0
    with db.database.atomic():
        for officer, items in per_officer.values():
            items.sort(key=lambda entry: entry["due"])
            message = enqueue(
                officer.email,
                f"Review deadlines in the next {HORIZON_DAYS} days",
                "deadline_digest",
                dedupe_key=f"digest:{officer.id}:{year}-W{week:02d}",
                items=items,
                full_name=officer.full_name,
            )
            sent += message is not None
    return {"officers": len(per_officer), "digests": sent}
