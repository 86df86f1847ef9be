"""Reminders for trawl returns: the right one on the right working day, exactly once."""

import datetime as dt
import threading
from collections import Counter

import pytest
import time_machine

from portal.accounts.models import Role
from portal.jobs.runner import run_job
from portal.notifications.models import OutboxMessage
from portal.trawls.models import RequestStatus, TrawlReminder, TrawlRequest
from portal.trawls.reminders import ReminderRules, agency_stage, escalation_due
from portal.workdays.calendar import WorkingDayCalendar
from tests.factories import make_agency, make_user
from tests.helpers import send_queued_mail
from tests.trawls.builders import issue, make_review, make_subject

D = dt.date
CALENDAR = WorkingDayCalendar()
RULES = ReminderRules()
DUE = D(2026, 12, 7)  # a Monday


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (D(2026, 12, 1), None),  # 4 working days before
        (D(2026, 12, 3), "before_due"),  # Thursday: 2 working days before (Fri, Mon)
        (D(2026, 12, 4), "before_due"),  # still the latest stage that has come due
        (D(2026, 12, 7), "due_today"),
        (D(2026, 12, 9), "due_today"),  # 2 working days overdue: nothing new yet
        (D(2026, 12, 10), "overdue_3"),
        (D(2026, 12, 15), "overdue_6"),
        (D(2027, 1, 6), "overdue_18"),  # across Christmas: 25, 28 Dec and 1 Jan do not count
    ],
)
def test_stage_for_the_day(today, stage):
    assert agency_stage(DUE, today, CALENDAR, RULES) == stage


def test_escalation_after_five_working_days_overdue():
    assert not escalation_due(DUE, D(2026, 12, 11), CALENDAR, RULES)  # 4
    assert escalation_due(DUE, D(2026, 12, 14), CALENDAR, RULES)  # 5


def at(day: D, hour: int = 8):
    """A moment on a London day (UTC in winter)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def trawl_due_monday(app):
    officer = make_user(Role.REVIEW_OFFICER, email="officer@portal.example")
    review = make_review(officer=officer)
    make_subject(review)
    agencies = [make_agency(contact_email=f"shared{n}@agency.example") for n in range(3)]
    make_user(Role.AGENCY_LEAD, agency=agencies[0], email="lead0@agency.example")
    with at(D(2026, 11, 23)):
        issue(app, review, agencies)
    assert {r.due_date for r in TrawlRequest.select()} == {DUE}
    return review, agencies


def run_reminders(app):
    run = run_job(app, "trawl_reminders")
    assert run is not None and run.status.value == "succeeded", run and run.error
    return run.summary


def test_running_twice_the_same_day_sends_once(app, trawl_due_monday):
    with at(D(2026, 12, 3)):
        first = run_reminders(app)
        second = run_reminders(app)
    assert (first["reminders"], second["reminders"]) == (3, 0)
    recipients = sorted(m.recipient for m in OutboxMessage.select())
    # The agency with a lead gets it at the lead's address; the others at their shared mailbox.
    assert recipients == ["lead0@agency.example", "shared1@agency.example", "shared2@agency.example"]
    assert TrawlRequest.select().where(TrawlRequest.last_reminder_stage == "before_due").count() == 3


def test_no_reminders_on_weekends_answered_requests_or_closed_reviews(app, trawl_due_monday):
    review, agencies = trawl_due_monday
    with at(D(2026, 12, 5)):  # Saturday
        assert run_reminders(app)["reminders"] == 0
    TrawlRequest.update(status=RequestStatus.NIL_RETURN).where(TrawlRequest.agency == agencies[0]).execute()
    TrawlRequest.update(status=RequestStatus.EXTENSION_REQUESTED).where(
        TrawlRequest.agency == agencies[1]
    ).execute()
    with at(D(2026, 12, 7)):
        assert run_reminders(app)["reminders"] == 1
    review.is_open = False
    review.save()
    with at(D(2026, 12, 10)):
        assert run_reminders(app)["reminders"] == 0


def test_a_missed_week_catches_up_with_one_reminder(app, trawl_due_monday):
    with at(D(2026, 12, 3)):
        run_reminders(app)
    with at(D(2026, 12, 16)):  # server down for 8 working days: 7 overdue now
        summary = run_reminders(app)
    assert summary["reminders"] == 3 and summary["escalations"] == 3
    stages = Counter(r.stage for r in TrawlReminder.select())
    assert stages == Counter({"before_due": 3, "overdue_6": 3, "escalation": 3})
    escalations = OutboxMessage.select().where(OutboxMessage.template == "trawl_escalation")
    assert {m.recipient for m in escalations} == {"officer@portal.example"}


def test_an_extension_starts_a_new_series(app, trawl_due_monday):
    _, agencies = trawl_due_monday
    with at(D(2026, 12, 7)):
        run_reminders(app)
    TrawlRequest.update(due_date=D(2026, 12, 21), due_basis="extension").where(
        TrawlRequest.agency == agencies[0]
    ).execute()
    with at(D(2026, 12, 17)):
        summary = run_reminders(app)
    assert summary["reminders"] == 3  # agency 0: before the new date; the others: overdue_6
    assert TrawlReminder.get(TrawlReminder.due_date == D(2026, 12, 21)).stage == "before_due"


def test_two_schedulers_for_ten_working_days_send_each_reminder_exactly_once(
    app, trawl_due_monday, smtp_server
):
    app.config.update(
        MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_STARTTLS=False
    )
    day = D(2026, 12, 1)
    for _ in range(14):  # two weeks: ten working days and two weekends
        with at(day):
            workers = [threading.Thread(target=run_job, args=(app, "trawl_reminders")) for _ in range(2)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            send_queued_mail(app)
        day += dt.timedelta(days=1)
    stages = Counter((r.request_id, r.stage) for r in TrawlReminder.select())
    assert set(stages.values()) == {1}
    per_request = {stage for (_, stage) in stages}
    # 1-14 December: before_due on the 3rd, due_today on the 7th, overdue_3 on the 10th,
    # escalation on the 14th (5 working days overdue).
    assert per_request == {"before_due", "due_today", "overdue_3", "escalation"}
    received = Counter(message["Message-ID"] for message in smtp_server.handler.received)
    assert set(received.values()) == {1}
    assert len(received) == OutboxMessage.select().count() == 3 * 3 + 3  # 3 reminders each, 3 escalations


def test_reminder_emails_carry_no_case_detail(app, trawl_due_monday):
    with at(D(2026, 12, 14)):
        run_reminders(app)
    for message in OutboxMessage.select():
        body = message.text_body + message.html_body + message.subject
        assert "Rowan Testcase" not in body and "Testkase" not in body
        assert "https://portal.test/" in body
