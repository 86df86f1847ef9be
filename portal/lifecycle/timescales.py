"""Statutory timescales, worked out from a review's key dates.

- Decision: one month after the partnership was notified.
- Home Office told of the decision: HOME_OFFICE_NOTICE_WORKING_DAYS (3) working days after it.
- Overview report: six months after the decision (only for a commissioned review).

Time spent suspended moves a deadline on by the same number of days, and is
shown. Month arithmetic clamps to the month's end (31 January + 1 month is
28 or 29 February). Few reviews meet six months, so the review's age in months
since the decision is shown beside the colour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from portal.lifecycle.models import Suspension
from portal.lifecycle.stages import DecisionOutcome
from portal.prepared_queries import prepared
from portal.reviews.models import Review
from portal.web.pagination import PAGE_SIZE
from portal.workdays.calendar import WorkingDayCalendar

STATE_LABELS = {
    "met": "Met",
    "met_late": "Met late",
    "on_track": "On track",
    "due_soon": "Due soon",
    "overdue": "Overdue",
    "not_started": "Not started",
}
STATE_TAGS = {
    "met": "govuk-tag--green",
    "met_late": "govuk-tag--orange",
    "on_track": "govuk-tag--blue",
    "due_soon": "govuk-tag--yellow",
    "overdue": "govuk-tag--red",
    "not_started": "govuk-tag--grey",
}
# Worst first: the state a list of timescales is summarised by.
SEVERITY = ("overdue", "due_soon", "met_late", "on_track", "met", "not_started")


@dataclass(frozen=True)
class Timescale:
    name: str
    planned: dt.date | None  # the statutory date, before suspension
    due: dt.date | None  # planned plus days suspended
    actual: dt.date | None
    suspended_days: int
    state: str

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def tag(self) -> str:
        return STATE_TAGS[self.state]


def suspended_days(suspensions: Iterable[Suspension], start: dt.date, end: dt.date) -> int:
    """Days suspended between start and end (an open suspension runs to `end`)."""
    total = 0
    for suspension in suspensions:
        first = max(suspension.started_on, start)
        last = min(suspension.ended_on or end, end)
        if last > first:
            total += (last - first).days
    return total


def _state(due: dt.date | None, actual: dt.date | None, today: dt.date, soon_days: int) -> str:
    if due is None:
        return "not_started"
    if actual is not None:
        return "met" if actual <= due else "met_late"
    if today > due:
        return "overdue"
    if (due - today).days <= soon_days:
        return "due_soon"
    return "on_track"


def _timescale(name, start, planned, actual, suspensions, today, soon_days) -> Timescale:
    if planned is None:
        return Timescale(name, None, None, actual, 0, "not_started")
    paused = suspended_days(suspensions, start, actual or today)
    due = planned + dt.timedelta(days=paused)
    return Timescale(name, planned, due, actual, paused, _state(due, actual, today, soon_days))


def timescales(
    review: Review,
    suspensions: list[Suspension],
    today: dt.date,
    config: Mapping,
    calendar: WorkingDayCalendar | None = None,
) -> list[Timescale]:
    calendar = calendar or WorkingDayCalendar.load()
    soon = config["DEADLINE_DUE_SOON_DAYS"]
    decision_planned = review.date_notified + relativedelta(months=1)
    result = [
        _timescale(
            "Decision on a review",
            review.date_notified,
            decision_planned,
            review.decision_on,
            suspensions,
            today,
            soon,
        )
    ]
    told_planned = (
        calendar.add_working_days(review.decision_on, config["HOME_OFFICE_NOTICE_WORKING_DAYS"]).due
        if review.decision_on
        else None
    )
    result.append(
        _timescale(
            "Home Office told of the decision",
            review.decision_on,
            told_planned,
            review.home_office_told_on,
            suspensions,
            today,
            soon,
        )
    )
    commissioned = review.decision_outcome is None or DecisionOutcome(review.decision_outcome).commissions
    report_planned = (
        review.decision_on + relativedelta(months=6) if review.decision_on and commissioned else None
    )
    result.append(
        _timescale(
            "Overview report to the Home Office",
            review.decision_on,
            report_planned,
            review.report_submitted_on,
            suspensions,
            today,
            soon,
        )
    )
    return result


def worst_state(items: Iterable[Timescale]) -> str:
    states = {item.state for item in items}
    return next((state for state in SEVERITY if state in states), "not_started")


def age_in_months(review: Review, today: dt.date) -> int | None:
    """Whole months since the decision (the honest headline: few reviews meet six months)."""
    if review.decision_on is None:
        return None
    delta = relativedelta(today, review.decision_on)
    return delta.years * 12 + delta.months


@prepared
def _suspensions_of(review_ids):
    return Suspension.select().where(Suspension.review.in_(review_ids.many(PAGE_SIZE)))


def suspensions_by_review(review_ids: list[int]) -> dict[int, list[Suspension]]:
    """Every review's suspensions: one query per page of reviews."""
    grouped: dict[int, list[Suspension]] = {rid: [] for rid in review_ids}
    for suspension in _suspensions_of().rows_in_chunks("review_ids", review_ids=review_ids):
        grouped[suspension.review_id].append(suspension)
    return grouped


def deadline_summaries(reviews: list[Review], today: dt.date, config: Mapping) -> dict[int, dict]:
    """Per review: its worst timescale state (with label and tag) and age since the decision.

    One query for every review's suspensions, whatever the number of reviews.
    """
    calendar = WorkingDayCalendar.load()
    suspensions = suspensions_by_review([review.id for review in reviews])
    summaries = {}
    for review in reviews:
        state = worst_state(timescales(review, suspensions[review.id], today, config, calendar))
        summaries[review.id] = {
            "state": state,
            "label": STATE_LABELS[state],
            "tag": STATE_TAGS[state],
            "age": age_in_months(review, today),
        }
    return summaries
