"""What the retention job deletes, what it keeps, legal holds, and the one audit entry per deletion."""

from __future__ import annotations

import datetime as dt
import json

from portal.accounts.models import Role, SetPasswordToken, UserSession
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.family_contact.models import (
    FamilyContactEntry,
    FamilyMember,
)
from portal.jobs.models import JobRun, RunStatus
from portal.jobs.registry import JOBS
from portal.jobs.runner import run_job
from portal.lifecycle.models import HomeOfficeReturn, StageTransition, Suspension
from portal.lifecycle.stages import Stage
from portal.media_inquiries.models import InquiryEvent, InquiryRecipient, MediaInquiry, ReviewMediaContact
from portal.publication import storage
from portal.publication.models import PublishedDocument
from portal.retention import queries, service
from portal.retention.models import HoldReason
from portal.retention.schedule import RULES, RecordClass, add_years
from portal.reviews.models import Review, Subject
from portal.trawls.models import ExtensionRequest, Trawl, TrawlRequest, TrawlReturn
from tests.factories import make_user
from tests.media_inquiries.builders import log as log_media_inquiry
from tests.retention.builders import PERSONAL, TITLE, closed_inquiry, closed_review

LONG_AGO = utcnow() - dt.timedelta(days=365 * 7)  # past the 6-year default
RECENTLY = utcnow() - dt.timedelta(days=365 * 5)  # within it


def _retention_events() -> list[AuditEvent]:
    return list(
        AuditEvent.select().where(AuditEvent.action.in_(queries.RETENTION_EVENTS)).order_by(AuditEvent.id)
    )


def _assert_no_personal_data(events) -> None:
    for event in events:
        text = json.dumps({"detail": event.detail, "object": [event.object_type, event.object_id]})
        for word in PERSONAL:
            assert word not in text, f"{word!r} in the audit entry {event.action}: {text}"


def _personal_data_left(review: Review) -> dict:
    requests = TrawlRequest.select(TrawlRequest.id).where(TrawlRequest.review == review)
    return {
        "subjects": Subject.select().where(Subject.review == review).count(),
        "members": FamilyMember.select().where(FamilyMember.review == review).count(),
        "entries": FamilyContactEntry.select().where(FamilyContactEntry.review == review).count(),
        "chair": ReviewMediaContact.select().where(ReviewMediaContact.review == review).count(),
        "snapshots": sum(bool(t.subjects_snapshot) for t in Trawl.select().where(Trawl.review == review)),
        "summaries": TrawlReturn.select()
        .where(TrawlReturn.request.in_(requests), TrawlReturn.summary != "")
        .count(),
        "extension_reasons": ExtensionRequest.select()
        .where(ExtensionRequest.request.in_(requests), ExtensionRequest.reason != "")
        .count(),
        "notes": StageTransition.select()
        .where(StageTransition.review == review, StageTransition.note != "")
        .count()
        + Suspension.select().where(Suspension.review == review, Suspension.note != "").count()
        + HomeOfficeReturn.select()
        .where(HomeOfficeReturn.review == review, HomeOfficeReturn.feedback_summary != "")
        .count(),
        "title": int(Review.get_by_id(review.id).title == TITLE),
    }


def _files(app, review) -> list:
    return [
        storage.path_for(d.stored_name, app.config)
        for d in PublishedDocument.select().where(PublishedDocument.review == review)
    ]


def test_personal_data_past_retention_is_deleted_and_the_shell_kept(app):
    review = closed_review(app, LONG_AGO)
    requests_before = TrawlRequest.select().where(TrawlRequest.review == review).count()

    run = run_job(app, "retention")

    assert run.status is RunStatus.SUCCEEDED
    assert run.summary["reviews_personal_data_deleted"] == 1
    assert set(_personal_data_left(review).values()) == {0}
    kept = Review.get_by_id(review.id)
    assert (kept.reference, kept.stage, kept.is_open) == (review.reference, Stage.CONCLUDED, False)
    assert kept.title == queries.DELETED_TITLE
    # Which agencies were asked, and how each answered, stay for the record.
    assert TrawlRequest.select().where(TrawlRequest.review == review).count() == requests_before
    assert TrawlReturn.select().count() == 1
    assert StageTransition.select().where(StageTransition.review == review).count() == 1
    # The published report is kept far longer (20 years by default).
    assert all(path.exists() for path in _files(app, review)) and len(_files(app, review)) == 2


def test_exactly_one_audit_entry_per_deletion_without_personal_data(app):
    review = closed_review(app, LONG_AGO)
    run_job(app, "retention")
    run_job(app, "retention")  # again: nothing left, nothing written

    events = _retention_events()
    assert [e.action for e in events] == ["retention_review_personal_data_deleted"]
    event = events[0]
    assert (event.object_type, event.object_id, event.actor_id) == ("review", str(review.id), None)
    assert event.detail["reference"] == review.reference
    assert event.detail["retention"] == "6 years"
    assert event.detail["counts"]["subjects"] == 2
    assert event.detail["counts"]["family_members"] == 1
    _assert_no_personal_data(events)


def test_within_retention_is_kept_until_its_day_comes(app, time_machine):
    review = closed_review(app, RECENTLY)
    run_job(app, "retention")
    assert _personal_data_left(review)["subjects"] == 2
    assert not _retention_events()

    closed_on = queries.closure_dates()[review.id]
    time_machine.move_to(dt.datetime.combine(add_years(closed_on, 6), dt.time(2, 30), tzinfo=dt.UTC))
    run = run_job(app, "retention")

    assert run.summary["reviews_personal_data_deleted"] == 1
    assert set(_personal_data_left(review).values()) == {0}


def test_a_legal_hold_keeps_everything_until_it_is_lifted(app, ctx):
    review = closed_review(app, utcnow() - dt.timedelta(days=365 * 21))
    admin = make_user(Role.ADMIN)
    hold = service.set_hold(
        review, {"reason": HoldReason.PUBLIC_INQUIRY.value, "reference": "PI/2031/7"}, admin
    )
    inquiry = closed_inquiry(app, review.review_officer, review, utcnow() - dt.timedelta(days=365 * 3))
    files = _files(app, review)

    run = run_job(app, "retention")

    assert run.summary["kept_by_legal_hold"] == 2, (run.summary, list(MediaInquiry.select().dicts()))
    assert _personal_data_left(review)["subjects"] == 2
    assert all(path.exists() for path in files) and len(files) == 2
    assert MediaInquiry.get_or_none(MediaInquiry.id == inquiry.id) is not None
    assert not _retention_events()

    service.lift_hold(hold, hold.version, "The inquiry has reported", admin)
    run = run_job(app, "retention")

    assert run.summary == {
        "reviews_personal_data_deleted": 1,
        "reviews_report_files_deleted": 1,
        "media_inquiries_deleted": 1,
        "sign_in_records_deleted": 0,
        "kept_by_legal_hold": 0,
    }
    assert set(_personal_data_left(review).values()) == {0}
    assert not any(path.exists() for path in files)
    assert PublishedDocument.select().where(PublishedDocument.review == review).count() == 0
    assert MediaInquiry.get_or_none(MediaInquiry.id == inquiry.id) is None
    assert InquiryEvent.select().where(InquiryEvent.inquiry == inquiry.id).count() == 0
    assert InquiryRecipient.select().where(InquiryRecipient.inquiry == inquiry.id).count() == 0
    events = _retention_events()
    assert sorted(e.action for e in events) == [
        "retention_media_inquiry_deleted",
        "retention_published_report_deleted",
        "retention_review_personal_data_deleted",
    ]
    _assert_no_personal_data(events)
    holds = AuditEvent.select().where(AuditEvent.action.in_(["legal_hold_set", "legal_hold_lifted"])).count()
    assert holds == 2


def test_report_files_go_after_their_own_period_and_a_missing_file_is_no_error(app):
    review = closed_review(app, utcnow() - dt.timedelta(days=365 * 21))
    files = _files(app, review)
    files[0].unlink()  # as if a run had stopped half-way

    run_job(app, "retention")

    assert not any(path.exists() for path in files)
    assert PublishedDocument.select().count() == 0
    event = AuditEvent.get(AuditEvent.action == "retention_published_report_deleted")
    assert event.detail["counts"] == {"documents": 2, "files": 2}


def test_an_open_review_is_never_due_however_old(app):
    review = closed_review(app, LONG_AGO)
    Review.update(is_open=True, stage=Stage.ACTION_PLAN_MONITORING).where(Review.id == review.id).execute()
    run_job(app, "retention")
    assert _personal_data_left(review)["subjects"] == 2


def test_a_review_not_commissioned_counts_from_its_closure(app):
    review = closed_review(app, LONG_AGO, stage=Stage.NOT_COMMISSIONED, documents=False)
    run_job(app, "retention")
    assert set(_personal_data_left(review).values()) == {0}


def test_media_inquiries_past_retention_are_deleted_and_recent_ones_kept(app):
    review = closed_review(app, RECENTLY, documents=False)
    old = closed_inquiry(app, review.review_officer, review, utcnow() - dt.timedelta(days=365 * 3))
    recent = closed_inquiry(app, review.review_officer, review, utcnow() - dt.timedelta(days=300))
    open_one, _ = log_media_inquiry(app, review.review_officer, review)
    MediaInquiry.update(created_at=LONG_AGO, received_at=LONG_AGO).where(
        MediaInquiry.id == open_one.id
    ).execute()

    run = run_job(app, "retention")

    assert run.summary["media_inquiries_deleted"] == 1
    assert MediaInquiry.get_or_none(MediaInquiry.id == old.id) is None
    assert MediaInquiry.get_or_none(MediaInquiry.id == recent.id) is not None
    assert MediaInquiry.get_or_none(MediaInquiry.id == open_one.id) is not None
    event = AuditEvent.get(AuditEvent.action == "retention_media_inquiry_deleted")
    assert (event.object_type, event.object_id) == ("media_inquiry", str(old.id))
    assert event.detail["review_id"] == review.id
    _assert_no_personal_data([event])


def test_old_sign_in_records_are_deleted_in_one_entry(app):
    user = make_user(Role.REVIEW_OFFICER)
    old = utcnow() - dt.timedelta(days=91)
    UserSession.create(key_hash="a" * 64, user=user, created_at=old, last_seen_at=old, ended_at=old)
    UserSession.create(key_hash="b" * 64, user=user, client_address="192.0.2.1")
    SetPasswordToken.create(token_hash="c" * 64, user=user, expires_at=old)
    SetPasswordToken.create(token_hash="d" * 64, user=user, expires_at=utcnow() + dt.timedelta(days=1))

    run = run_job(app, "retention")

    assert run.summary["sign_in_records_deleted"] == 2
    assert [s.key_hash[0] for s in UserSession.select()] == ["b"]
    assert [t.token_hash[0] for t in SetPasswordToken.select()] == ["d"]
    event = AuditEvent.get(AuditEvent.action == "retention_sign_in_records_deleted")
    assert event.detail["counts"] == {"sessions": 1, "set_password_links": 1}
    assert "192.0.2" not in json.dumps(event.detail) and user.email not in json.dumps(event.detail)


def test_a_bad_setting_fails_the_run_before_deleting_anything(app):
    review = closed_review(app, LONG_AGO)
    app.config["RETENTION_MEDIA_INQUIRY_YEARS"] = 0
    run = run_job(app, "retention")
    assert run.status is RunStatus.FAILED and "RETENTION_MEDIA_INQUIRY_YEARS" in run.error
    assert _personal_data_left(review)["subjects"] == 2


def test_the_job_is_registered_daily_at_a_quiet_hour(app):
    job = JOBS["retention"]
    assert job.schedule.describe(app.config) == "Every day at 2:30am"
    assert not job.run_at_start
    assert JobRun.select().count() == 0


def test_twenty_ninth_of_february_falls_due_on_the_twenty_eighth():
    assert add_years(dt.date(2028, 2, 29), 6) == dt.date(2034, 2, 28)
    assert RULES[RecordClass.SIGN_IN_RECORDS].due_after(
        dt.date(2026, 1, 1), {"RETENTION_SIGN_IN_RECORDS_DAYS": 90}
    ) == dt.date(2026, 4, 1)
