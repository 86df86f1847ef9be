"""A trawl return due on a weekend or bank holiday is reminded before it, like any other
(found by drills/scheduler.py).

Due dates set by hand or by an extension can fall on a day off. The reminder job used to
look only at requests due by the 2nd working day ahead, so a request due on the Saturday
after was left out on the Wednesday, Thursday and Friday before it, although the rule's
"2 working days before" had come on the Wednesday; its first email was "due today" on
the Monday, after the date had passed.
"""

from __future__ import annotations

import datetime as dt

import time_machine

from portal.jobs.runner import run_job
from portal.trawls.models import DueBasis, TrawlReminder, TrawlRequest
from tests.factories import make_agency
from tests.trawls.builders import issue, make_review, make_subject

D = dt.date


def on(day: D):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 8, tzinfo=dt.UTC), tick=False)


def test_due_on_a_saturday_or_bank_holiday_is_reminded_two_working_days_before(app):
    with app.app_context():
        review = make_review()
        make_subject(review)
        agencies = [make_agency(), make_agency()]
        with on(D(2026, 11, 23)):
            issue(app, review, agencies)
        saturday, boxing_day_observed = D(2026, 12, 12), D(2026, 12, 28)  # 28 Dec 2026: a bank holiday
        for agency, due in zip(agencies, (saturday, boxing_day_observed), strict=True):
            TrawlRequest.update(due_date=due, due_basis=DueBasis.SET_BY_HAND).where(
                TrawlRequest.agency == agency
            ).execute()

    for day in (D(2026, 12, 8), D(2026, 12, 9), D(2026, 12, 21), D(2026, 12, 22)):
        with on(day), app.app_context():
            run_job(app, "trawl_reminders")

    # 3 working days before (Tuesday 8th, Monday 21st): not yet; 2 before (Wednesday 9th: Thursday
    # and Friday; Tuesday 22nd: the 23rd and 24th, Christmas and Boxing Day not counting): reminded.
    with app.app_context():
        sent = {
            (r.due_date, r.sent_on) for r in TrawlReminder.select().where(TrawlReminder.stage == "before_due")
        }
    assert sent == {(saturday, D(2026, 12, 9)), (boxing_day_observed, D(2026, 12, 22))}
