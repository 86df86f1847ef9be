"""Deadline reminders: to the owner 24 hours before the journalist's deadline (at once if it is
closer), exactly once per inquiry and deadline, never after an answer."""

import datetime as dt
import threading

import pytest
import time_machine

from portal.extensions import db
from portal.jobs.runner import run_job
from portal.media_inquiries import reminders, service, workflow
from portal.media_inquiries.models import DeadlineReminder, InquiryEvent
from portal.notifications.models import OutboxMessage
from tests.media_inquiries.builders import fresh, log, make_world, step

START = dt.datetime(2026, 11, 16, 9, 0)  # naive UTC, as stored


def at(moment: dt.datetime):
    return time_machine.travel(moment.replace(tzinfo=dt.UTC), tick=False)


def reminders_sent() -> list[str]:
    return sorted(
        m.recipient for m in OutboxMessage.select().where(OutboxMessage.template == "media_deadline_reminder")
    )


def run_reminder_job(app) -> dict:
    run = run_job(app, "media_deadline_reminders")
    assert run is not None and run.status.value == "succeeded", run and run.error
    return run.summary


@pytest.fixture
def world(app):
    return make_world(app)


def test_24_hours_before_the_deadline_once(app, world):
    deadline = START + dt.timedelta(days=3)
    with at(START):
        log(app, world.lead, world.review, received_at=START - dt.timedelta(hours=1), deadline_at=deadline)
        assert run_reminder_job(app)["reminders"] == 0
    with at(deadline - dt.timedelta(hours=24, minutes=5)):
        assert run_reminder_job(app)["reminders"] == 0
    with at(deadline - dt.timedelta(hours=23, minutes=55)):
        assert run_reminder_job(app)["reminders"] == 1
        assert run_reminder_job(app)["reminders"] == 0
    with at(deadline + dt.timedelta(hours=2)):  # even after the deadline: nothing more
        assert run_reminder_job(app) == {"candidates": 0, "reminders": 0, "no_recipient": 0}
    assert reminders_sent() == ["officer@portal.example"]
    assert InquiryEvent.select().where(InquiryEvent.note.startswith("Deadline reminder")).count() == 1


def test_at_once_when_logged_closer_than_24_hours(app, world):
    with at(START):
        inquiry, _ = log(
            app, world.lead, world.review, received_at=START, deadline_at=START + dt.timedelta(hours=5)
        )
        assert reminders_sent() == ["officer@portal.example"]  # queued in the same transaction as the inquiry
        assert run_reminder_job(app)["reminders"] == 0
    message = OutboxMessage.get(OutboxMessage.template == "media_deadline_reminder")
    assert message.dedupe_key == f"media-deadline:{inquiry.id}:{inquiry.deadline_at.isoformat()}"
    assert "deadline is near" in message.subject


def test_the_unique_row_makes_a_second_attempt_a_no_op(app, world):
    with at(START):
        inquiry, _ = log(
            app, world.lead, world.review, received_at=START, deadline_at=START + dt.timedelta(hours=5)
        )
        with app.test_request_context():
            assert reminders.remind_if_due(fresh(inquiry), START, app.config) is False
    assert DeadlineReminder.select().count() == 1 and len(reminders_sent()) == 1


def test_a_new_deadline_gets_its_own_reminder(app, world):
    with at(START):
        inquiry, _ = log(
            app, world.lead, world.review, received_at=START, deadline_at=START + dt.timedelta(hours=5)
        )
        current = fresh(inquiry)
        with app.test_request_context():
            service.reassign(
                current,
                current.version,
                world.officer,
                {
                    "review": world.review,
                    "topic": current.topic,
                    "deadline_at": START + dt.timedelta(hours=8),
                },
                app.config,
            )
    assert len(reminders_sent()) == 2
    assert DeadlineReminder.select().count() == 2


def test_answered_and_closed_inquiries_are_not_reminded(app, world):
    deadline = START + dt.timedelta(days=2)
    with at(START):
        answered, _ = log(app, world.lead, world.review, received_at=START, deadline_at=deadline)
        declined, _ = log(app, world.lead, world.review, received_at=START, deadline_at=deadline)
        answered = step(app, workflow.draft_response, answered, world.officer, "Words")
        answered = step(app, workflow.approve, answered, world.csp, "")
        step(app, workflow.mark_responded, answered, world.officer, "")
        step(app, workflow.close_no_comment, declined, world.officer, "Inquest opens next week")
    with at(deadline - dt.timedelta(hours=1)):
        assert run_reminder_job(app)["candidates"] == 0
    assert reminders_sent() == []


def test_with_no_owner_the_business_office_is_reminded(app, world):
    with at(START):
        log(app, world.lead, None, received_at=START, deadline_at=START + dt.timedelta(days=1, hours=1))
    with at(START + dt.timedelta(hours=2)):
        assert run_reminder_job(app)["reminders"] == 1
    assert reminders_sent() == ["business.office@northvale.example"]


def test_two_senders_at_the_same_moment_send_one_reminder(app, world):
    """Bypassing the job lock, as two processes with a broken lock would: the unique index still holds."""
    deadline = START + dt.timedelta(days=3)
    with at(START):
        log(app, world.lead, world.review, received_at=START, deadline_at=deadline)
    results = []

    def sender():
        with app.app_context(), db.database.connection_context():
            results.append(reminders.send_due_reminders(deadline - dt.timedelta(hours=1), app.config))

    workers = [threading.Thread(target=sender) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(r["reminders"] for r in results) == [0, 1]
    assert DeadlineReminder.select().count() == 1 and reminders_sent() == ["officer@portal.example"]
