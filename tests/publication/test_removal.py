"""Taking reports off the website: on the day a year after publication (never the day before), or
after a hold; verified through the app; the partnership reminded once, 30 days before; exactly once
with two schedulers."""

import datetime as dt
import threading
from collections import Counter

import pytest
import time_machine

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.jobs.registry import JOBS, DailyAt
from portal.jobs.runner import run_job
from portal.lifecycle import service as lifecycle
from portal.lifecycle.models import StageTransition
from portal.lifecycle.stages import Stage
from portal.notifications.models import OutboxMessage
from portal.prepared_queries import prepared
from portal.publication.models import DocumentKind, PublishedDocument, RemovalCheck
from portal.reviews.models import Review
from tests.factories import make_user
from tests.helpers import send_queued_mail
from tests.publication.builders import make_document, planned_review, published_review

D = dt.date


def at(day: D, hour: int = 6):
    """A moment on a London day (UTC in winter, so the same clock time)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC), tick=False)


def run_removal(app) -> dict:
    run = run_job(app, "publication_removal")
    assert run is not None and run.status.value == "succeeded", run and run.error
    return run.summary


def emails(template: str) -> list[str]:
    return sorted(m.recipient for m in OutboxMessage.select().where(OutboxMessage.template == template))


@pytest.fixture
def leap_day_review(app, family_told):
    """Published on 29 February 2028 through the real lifecycle move, with its partnership's CSP team."""
    review = planned_review(cleared_on=D(2028, 1, 10), publication_planned_on=D(2028, 2, 29))
    for kind in DocumentKind:
        make_document(app, review, kind)
    team = [
        make_user(Role.CSP_TEAM, partnership=review.partnership, email=f"csp{n}@council.example")
        for n in (1, 2)
    ]
    make_user(Role.CSP_TEAM, email="other.csp@council.example")  # another partnership's team
    make_user(Role.CSP_TEAM, partnership=review.partnership, email="gone@council.example", active=False)
    with at(D(2028, 2, 29), hour=10), app.test_request_context():
        lifecycle.move(review, review.version, Stage.PUBLISHED, {}, review.review_officer)
    review = Review.get_by_id(review.id)
    assert (review.published_on, review.removal_due_on) == (D(2028, 2, 29), D(2029, 2, 28))
    return review, [member.email for member in team] + [review.review_officer.email]


def test_the_job_is_scheduled_daily_and_catches_up_at_start():
    job = JOBS["publication_removal"]
    assert job.schedule == DailyAt(6, 0) and job.run_at_start


def test_published_29_february_comes_off_on_28_february_not_the_day_before(app, client, leap_day_review):
    review, partnership = leap_day_review
    with at(D(2029, 2, 27)):
        assert run_removal(app)["removed"] == 0
    assert Review.get_by_id(review.id).stage is Stage.PUBLISHED
    assert "data-reference" in client.get("/published").get_data(as_text=True)

    with at(D(2029, 2, 28)):
        summary = run_removal(app)
    assert (summary["removed"], summary["verified"], summary["verification_failed"]) == (1, 1, 0)
    review = Review.get_by_id(review.id)
    assert (review.stage, review.removed_on) == (Stage.REMOVED_FROM_WEBSITE, D(2029, 2, 28))
    assert review.report_available_at == "On request from the community safety partnership"
    transition = StageTransition.get(StageTransition.to_stage == "removed_from_website")
    assert transition.by_id is None and transition.note == "Taken off the website one year after publication"

    # Verified through the app: the list without it, each document gone.
    checks = list(RemovalCheck.select().where(RemovalCheck.review == review.id).order_by(RemovalCheck.id))
    assert [(c.url, c.status, c.passed) for c in checks] == [
        ("https://portal.test/published", 200, True),
        *[
            (f"https://portal.test/published/{d.id}.pdf", 410, True)
            for d in review.documents.order_by(PublishedDocument.id)
        ],
    ]
    assert AuditEvent.get(AuditEvent.action == "publication_removal_verified").detail == {"checks": 3}
    assert not client.get("/published").get_data(as_text=True).count("data-reference")
    assert emails("publication_removed") == sorted(partnership)

    with at(D(2029, 3, 1)):
        assert run_removal(app)["removed"] == 0  # nothing is removed twice
    assert StageTransition.select().where(StageTransition.to_stage == "removed_from_website").count() == 1


def test_the_reminder_goes_30_days_before_once_to_the_team_and_the_officer(app, leap_day_review):
    _, partnership = leap_day_review
    with at(D(2029, 1, 28)):  # 31 days before
        assert run_removal(app)["reminders"] == 0
    with at(D(2029, 1, 29)):  # 30 days before
        assert run_removal(app)["reminders"] == 1
        assert run_removal(app)["reminders"] == 0
    with at(D(2029, 2, 10)):
        assert run_removal(app)["reminders"] == 0
    assert emails("publication_removal_reminder") == sorted(partnership)
    message = OutboxMessage.get(OutboxMessage.template == "publication_removal_reminder")
    assert "28 February 2029" in message.subject and "https://portal.test/reviews/" in message.text_body


def test_a_scheduler_that_was_down_removes_late_without_a_stale_reminder(app, leap_day_review):
    with at(D(2029, 3, 9)):
        summary = run_removal(app)
    assert (summary["removed"], summary["reminders"]) == (1, 0)
    assert emails("publication_removal_reminder") == []


def test_a_hold_keeps_it_online_until_the_day_after(app, ctx, family_told):
    review = published_review(app, D(2026, 1, 10))
    member = make_user(Role.CSP_TEAM, partnership=review.partnership)
    from portal.publication import service

    with at(D(2026, 12, 1)):
        service.hold_online(review, review.version, D(2027, 3, 31), "Inquest findings due in March", member)
    assert AuditEvent.get(AuditEvent.action == "publication_held").detail == {"held_until": "2027-03-31"}
    with at(D(2027, 1, 10)):
        assert run_removal(app)["removed"] == 0
    with at(D(2027, 3, 2)):
        assert run_removal(app)["reminders"] == 1  # 30 days before 1 April
    with at(D(2027, 3, 31)):
        assert run_removal(app)["removed"] == 0
    with at(D(2027, 4, 1)):
        assert run_removal(app)["removed"] == 1
    note = StageTransition.get(StageTransition.to_stage == "removed_from_website").note
    assert note == "Taken off the website after being kept online until 31 March 2027"


def keep_on_the_public_list(review, monkeypatch) -> None:
    """A bug that keeps a removed review on the public list: the removal check must notice. The page
    runs the list as a prepared query, built once per process, so the bug goes into a fresh one."""
    from portal.publication import queries

    on_website = queries.public_reviews

    def buggy():
        return on_website().orwhere(Review.id == review.id)

    monkeypatch.setattr(queries, "public_reviews", buggy)
    monkeypatch.setattr(queries, "_public_reviews", prepared(buggy))


def test_a_failed_verification_alerts_the_admins(app, leap_day_review, monkeypatch):

    review, _ = leap_day_review
    admins = [make_user(Role.ADMIN, email=f"admin{n}@council.example") for n in (1, 2)]
    make_user(Role.ADMIN, email="former.admin@council.example", active=False)
    keep_on_the_public_list(review, monkeypatch)
    with at(D(2029, 2, 28)):
        summary = run_removal(app)
    assert (summary["removed"], summary["verification_failed"]) == (1, 1)
    listing = RemovalCheck.get(RemovalCheck.url == "https://portal.test/published")
    assert (listing.status, listing.passed) == (200, False)
    failed = AuditEvent.get(AuditEvent.action == "publication_removal_check_failed")
    assert failed.detail == {"failed_urls": ["https://portal.test/published"]}
    assert emails("publication_removal_check_failed") == sorted(a.email for a in admins)
    body = OutboxMessage.get(OutboxMessage.template == "publication_removal_check_failed").text_body
    assert "https://portal.test/published (answered 200)" in body


def test_two_schedulers_remove_and_remind_exactly_once(app, leap_day_review, smtp_server):
    review, partnership = leap_day_review
    app.config.update(
        MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_STARTTLS=False
    )
    days = [D(2029, 1, 28), D(2029, 1, 29), D(2029, 1, 30), D(2029, 2, 27), D(2029, 2, 28), D(2029, 3, 1)]
    for day in days:
        with at(day):
            workers = [threading.Thread(target=run_job, args=(app, "publication_removal")) for _ in range(2)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            send_queued_mail(app)
    assert StageTransition.select().where(StageTransition.to_stage == "removed_from_website").count() == 1
    assert emails("publication_removal_reminder") == sorted(partnership)
    assert emails("publication_removed") == sorted(partnership)
    received = Counter(message["Message-ID"] for message in smtp_server.handler.received)
    assert set(received.values()) == {1} and len(received) == 2 * len(partnership)
    assert len({c.checked_at for c in RemovalCheck.select()}) == 1  # verified once


def test_without_the_job_lock_the_database_still_allows_one_removal(app, leap_day_review):
    """Two processes past the lock (a lease that expired mid-run): the versioned move and the
    dedupe keys still let only one of them act."""
    from portal.extensions import db
    from portal.publication.removal import run_daily

    barrier = threading.Barrier(2)
    summaries = []

    def scheduler():
        with app.app_context(), db.database.connection_context():
            barrier.wait()
            summaries.append(run_daily(D(2029, 2, 28), app.config))

    with at(D(2029, 2, 28)):
        workers = [threading.Thread(target=scheduler) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert sorted(s["removed"] for s in summaries) == [0, 1]
    assert StageTransition.select().where(StageTransition.to_stage == "removed_from_website").count() == 1
    assert emails("publication_removed") == sorted(leap_day_review[1])


def test_the_check_reads_the_page_of_the_list_where_an_old_report_would_be(app, leap_day_review, monkeypatch):
    """Old reports sit on the last page of the public list: the check must read that page."""
    from portal.publication import queries
    from tests.trawls.builders import make_review

    review, _ = leap_day_review
    for n in range(queries.PUBLIC_PAGE_SIZE + 5):  # newer reports, still online on the day
        published_on = review.published_on + dt.timedelta(days=n + 1)
        make_review(
            review.partnership,
            review.review_officer,
            reference=f"DHR-2028-{n + 100:03d}",
            stage=Stage.PUBLISHED,
            cleared_on=published_on - dt.timedelta(days=30),
            published_on=published_on,
            removal_due_on=published_on + dt.timedelta(days=365),
        )
    keep_on_the_public_list(review, monkeypatch)
    with at(D(2029, 2, 28)):
        summary = run_removal(app)
    assert (summary["removed"], summary["verification_failed"]) == (1, 1)
    listing = RemovalCheck.get(RemovalCheck.url == "https://portal.test/published?page=2")
    assert (listing.status, listing.passed) == (200, False)
