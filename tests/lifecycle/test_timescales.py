"""Statutory timescales: month ends, leap years, suspension arithmetic and states."""

import datetime as dt

import pytest

from portal.lifecycle.models import Suspension
from portal.lifecycle.stages import DecisionOutcome
from portal.lifecycle.timescales import age_in_months, suspended_days, timescales, worst_state
from portal.reviews.models import Review
from portal.workdays.calendar import WorkingDayCalendar

D = dt.date
CONFIG = {"DEADLINE_DUE_SOON_DAYS": 14, "HOME_OFFICE_NOTICE_WORKING_DAYS": 3}


def review(**values) -> Review:
    values.setdefault("date_notified", D(2026, 1, 31))
    return Review(**values)


def by_name(items):
    return {item.name: item for item in items}


@pytest.mark.parametrize(
    ("notified", "decision_due"),
    [
        (D(2026, 1, 31), D(2026, 2, 28)),  # clamps to the end of February
        (D(2028, 1, 31), D(2028, 2, 29)),  # a leap year
        (D(2026, 3, 31), D(2026, 4, 30)),
        (D(2026, 12, 15), D(2027, 1, 15)),
    ],
)
def test_decision_due_one_month_after_notification(notified, decision_due):
    item = by_name(timescales(review(date_notified=notified), [], notified, CONFIG, WorkingDayCalendar()))
    assert item["Decision on a review"].planned == decision_due


def test_report_six_months_after_decision_and_home_office_three_working_days():
    r = review(decision_on=D(2025, 8, 29), decision_outcome=DecisionOutcome.REVIEW)
    items = by_name(timescales(r, [], D(2025, 9, 1), CONFIG, WorkingDayCalendar()))
    assert items["Overview report to the Home Office"].planned == D(2026, 2, 28)
    assert items["Home Office told of the decision"].planned == D(2025, 9, 3)  # skips the weekend


def test_no_report_timescale_when_no_review_was_commissioned():
    r = review(decision_on=D(2026, 2, 10), decision_outcome=DecisionOutcome.NO_REVIEW)
    items = by_name(timescales(r, [], D(2026, 3, 1), CONFIG, WorkingDayCalendar()))
    assert items["Overview report to the Home Office"].state == "not_started"


def test_suspension_moves_the_deadline_and_is_shown():
    r = review(decision_on=D(2026, 1, 10), decision_outcome=DecisionOutcome.REVIEW)
    suspensions = [
        Suspension(started_on=D(2026, 2, 1), ended_on=D(2026, 3, 3)),  # 30 days
        Suspension(started_on=D(2026, 6, 1), ended_on=None),  # still suspended
    ]
    today = D(2026, 6, 11)
    item = by_name(timescales(r, suspensions, today, CONFIG, WorkingDayCalendar()))[
        "Overview report to the Home Office"
    ]
    assert item.suspended_days == 40
    assert item.planned == D(2026, 7, 10) and item.due == D(2026, 8, 19)
    assert item.state == "on_track"
    assert suspended_days(suspensions, D(2026, 2, 15), D(2026, 2, 20)) == 5


@pytest.mark.parametrize(
    ("today", "actual", "state"),
    [
        (D(2026, 2, 1), None, "on_track"),
        (D(2026, 2, 20), None, "due_soon"),
        (D(2026, 3, 1), None, "overdue"),
        (D(2026, 3, 1), D(2026, 2, 27), "met"),
        (D(2026, 3, 5), D(2026, 3, 2), "met_late"),
    ],
)
def test_states(today, actual, state):
    r = review(date_notified=D(2026, 1, 28), decision_on=actual)
    item = by_name(timescales(r, [], today, CONFIG, WorkingDayCalendar()))["Decision on a review"]
    assert item.state == state


def test_age_in_months_and_worst_state():
    r = review(decision_on=D(2025, 2, 28))
    assert age_in_months(r, D(2026, 2, 27)) == 11
    assert age_in_months(r, D(2026, 2, 28)) == 12
    assert age_in_months(review(), D(2026, 5, 1)) is None
    items = timescales(review(date_notified=D(2025, 1, 1)), [], D(2026, 1, 1), CONFIG, WorkingDayCalendar())
    assert worst_state(items) == "overdue"
