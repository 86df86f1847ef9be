"""A "next contact due" date reminds the review officer on that day, exactly once, with no family detail."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine

from portal.accounts.models import Role
from portal.family_contact.models import ContactPurpose, FamilyContactEntry, FamilyContactReminder
from portal.jobs.registry import JOBS
from portal.jobs.runner import run_job
from portal.notifications.models import OutboxMessage
from tests.factories import make_user
from tests.family_contact.builders import make_entry, make_member
from tests.helpers import send_queued_mail
from tests.trawls.builders import make_review

D = dt.date
DUE = D(2026, 12, 5)  # a Saturday: the reminder still comes on the day the officer chose


def at(day: D, hour: int = 8):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC), tick=False)


def run_reminders(app) -> dict:
    run = run_job(app, "family_contact_reminders")
    assert run is not None and run.status.value == "succeeded", run and run.error
    return run.summary


@pytest.fixture
def due_saturday(app):
    officer = make_user(Role.REVIEW_OFFICER, email="officer@portal.example")
    review = make_review(officer=officer)
    ada = make_member(review, "Ada Penrow")
    entry = make_entry(
        review,
        [ada],
        contacted_at=dt.datetime(2026, 11, 20, 10, 0),
        summary="Talked about the funeral arrangements.",
        next_contact_due=DUE,
    )
    return review, ada, entry


def test_the_job_is_daily_and_catches_up_at_start():
    job = JOBS["family_contact_reminders"]
    assert (job.schedule.hour, job.schedule.minute, job.run_at_start) == (7, 45, True)


def test_on_the_day_once_to_the_review_officer_with_no_family_detail(app, due_saturday, mailbox):
    review, _, entry = due_saturday
    with at(D(2026, 12, 4)):
        assert run_reminders(app)["reminders"] == 0
    with at(DUE):
        assert run_reminders(app)["reminders"] == 1
        assert run_reminders(app)["reminders"] == 0
    with at(D(2026, 12, 6)):
        assert run_reminders(app)["reminders"] == 0
        send_queued_mail(app)
    [message] = mailbox.messages()
    assert message["To"] == "officer@portal.example"
    assert message["Subject"] == f"Family contact due: {review.reference}"
    text = message.get_body(("plain",)).get_content()
    assert f"https://portal.test/reviews/{review.id}/family" in text
    assert "5 December 2026" in text
    for detail in ("Ada", "Penrow", "A.P.", "Sister", "funeral", "liaison"):
        assert detail not in message.as_string()
    assert [(r.entry_id, r.due_date, r.sent_on) for r in FamilyContactReminder.select()] == [
        (entry.id, DUE, DUE)
    ]


def test_a_scheduler_that_was_down_catches_up_once_within_a_week(app, due_saturday):
    with at(D(2026, 12, 8)):
        assert run_reminders(app)["reminders"] == 1
        assert run_reminders(app)["reminders"] == 0
    FamilyContactReminder.delete().execute()
    with at(D(2026, 12, 12)):  # a week late: history, not a reminder
        assert run_reminders(app)["candidates"] == 0


def test_a_new_date_gives_a_new_reminder(app, due_saturday):
    _, _, entry = due_saturday
    with at(DUE):
        run_reminders(app)
    FamilyContactEntry.update(next_contact_due=D(2026, 12, 9)).where(
        FamilyContactEntry.id == entry.id
    ).execute()
    with at(D(2026, 12, 9)):
        assert run_reminders(app)["reminders"] == 1
    assert OutboxMessage.select().count() == 2


def test_nothing_for_entries_in_error_closed_reviews_or_contact_that_has_happened(app, due_saturday):
    review, ada, entry = due_saturday
    ben = make_member(review, "Ben Penrow")
    # A later contact with someone else leaves Ada's reminder due.
    make_entry(review, [ben], ContactPurpose.PROGRESS_UPDATE, contacted_at=dt.datetime(2026, 12, 1, 10))
    # A later contact with Ada entered in error does not count either.
    make_entry(review, [ada], contacted_at=dt.datetime(2026, 12, 2, 10), entered_in_error=True)
    other = make_entry(review, [ben], next_contact_due=DUE, entered_in_error=True)
    with at(DUE):
        summary = run_reminders(app)
    assert (summary["candidates"], summary["reminders"]) == (1, 1)
    assert {r.entry_id for r in FamilyContactReminder.select()} == {entry.id} != {other.id}

    FamilyContactReminder.delete().execute()
    OutboxMessage.delete().execute()
    make_entry(review, [ada, ben], contacted_at=dt.datetime(2026, 12, 3, 10))
    with at(DUE):
        assert run_reminders(app) == {"candidates": 1, "reminders": 0, "overtaken": 1, "no_recipient": 0}

    closed = make_review(is_open=False)
    make_entry(closed, [make_member(closed)], next_contact_due=DUE)
    with at(DUE):
        assert run_reminders(app)["candidates"] == 1  # the closed review's entry is not even considered


def test_no_officer_means_no_reminder_until_one_is_assigned(app, due_saturday):
    review, _, _ = due_saturday
    review.review_officer.active = False
    review.review_officer.save()
    with at(DUE):
        assert run_reminders(app)["no_recipient"] == 1
    assert not OutboxMessage.select().exists()


def test_two_schedulers_at_once_queue_one_reminder(app, due_saturday):
    with at(DUE):
        workers = [threading.Thread(target=run_job, args=(app, "family_contact_reminders")) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert FamilyContactReminder.select().count() == OutboxMessage.select().count() == 1
