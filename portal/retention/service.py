"""Deleting what is past retention, and setting or lifting legal holds. Rules live here.

Each deletion is one transaction with one audit entry that names the class, the record's
id (a review's reference is not personal data) and how many rows were deleted: never
what they said. A run that finds nothing left to delete writes nothing, so the job is
safe to run again at any time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from peewee import IntegrityError

from portal.accounts.models import SetPasswordToken, UserSession
from portal.audit.service import record
from portal.clock import local_today, utcnow
from portal.database import StaleRecordError, changed_fields
from portal.extensions import db
from portal.family_contact.models import (
    FamilyContactEntry,
    FamilyContactEntryMember,
    FamilyContactEntryVersion,
    FamilyContactReminder,
    FamilyMember,
)
from portal.lifecycle.models import HomeOfficeReturn, StageTransition, Suspension
from portal.media_inquiries.models import (
    DeadlineReminder,
    InquiryEvent,
    InquiryRecipient,
    MediaInquiry,
    ReviewMediaContact,
)
from portal.publication import storage
from portal.publication.models import PublishedDocument
from portal.retention import queries
from portal.retention.models import HoldReason, LegalHold
from portal.retention.schedule import RULES, RecordClass
from portal.reviews.models import Review, Subject
from portal.trawls.models import ExtensionRequest, Trawl, TrawlRequest, TrawlReturn

log = logging.getLogger(__name__)


# Deletion -----------------------------------------------------------------------------


def delete_review_personal_data(review: Review, closed_on: dt.date, config: Mapping) -> dict[str, int]:
    """Delete a closed review's personal data, keeping its non-identifying shell. Counts, by kind."""
    counts: dict[str, int] = {}
    with db.database.atomic():
        entries = FamilyContactEntry.select(FamilyContactEntry.id).where(FamilyContactEntry.review == review)
        FamilyContactReminder.delete().where(FamilyContactReminder.entry.in_(entries)).execute()
        FamilyContactEntryVersion.delete().where(FamilyContactEntryVersion.entry.in_(entries)).execute()
        FamilyContactEntryMember.delete().where(FamilyContactEntryMember.entry.in_(entries)).execute()
        counts["family_contact_entries"] = (
            FamilyContactEntry.delete().where(FamilyContactEntry.review == review).execute()
        )
        counts["family_members"] = FamilyMember.delete().where(FamilyMember.review == review).execute()
        counts["subjects"] = Subject.delete().where(Subject.review == review).execute()
        counts["panel_chair_contacts"] = (
            ReviewMediaContact.delete().where(ReviewMediaContact.review == review).execute()
        )
        trawl_ids = [
            trawl.id
            for trawl in Trawl.select(Trawl.id, Trawl.instructions, Trawl.subjects_snapshot).where(
                Trawl.review == review
            )
            if trawl.instructions or trawl.subjects_snapshot
        ]
        if trawl_ids:
            Trawl.update(subjects_snapshot=[], instructions="").where(Trawl.id.in_(trawl_ids)).execute()
        counts["trawl_subject_copies"] = len(trawl_ids)
        requests = TrawlRequest.select(TrawlRequest.id).where(TrawlRequest.review == review)
        counts["return_texts"] = (
            TrawlReturn.update(summary="", contact_outside_scope_note="", personal_interest_note="")
            .where(
                TrawlReturn.request.in_(requests),
                (TrawlReturn.summary != "")
                | (TrawlReturn.contact_outside_scope_note != "")
                | (TrawlReturn.personal_interest_note != ""),
            )
            .execute()
        )
        counts["extension_reasons"] = (
            ExtensionRequest.update(reason="", decision_note="")
            .where(
                ExtensionRequest.request.in_(requests),
                (ExtensionRequest.reason != "") | (ExtensionRequest.decision_note != ""),
            )
            .execute()
        )
        counts["notes"] = (
            StageTransition.update(note="")
            .where(StageTransition.review == review, StageTransition.note != "")
            .execute()
            + Suspension.update(note="").where(Suspension.review == review, Suspension.note != "").execute()
            + HomeOfficeReturn.update(feedback_summary="")
            .where(HomeOfficeReturn.review == review, HomeOfficeReturn.feedback_summary != "")
            .execute()
        )
        # The title is short but often the deceased's initials. Bumping the version makes
        # anyone with the review open get a conflict rather than write the old title back.
        counts["title"] = (
            Review.update(title=queries.DELETED_TITLE, version=Review.version + 1)
            .where(Review.id == review.id, Review.title != queries.DELETED_TITLE)
            .execute()
        )
        counts = {kind: count for kind, count in counts.items() if count}
        if counts:
            record(
                "retention_review_personal_data_deleted",
                obj=review,
                reference=review.reference,
                closed_on=closed_on.isoformat(),
                retention=RULES[RecordClass.REVIEW_PERSONAL_DATA].describe(config),
                counts=counts,
            )
    return counts


def delete_published_report(review: Review, closed_on: dt.date, config: Mapping) -> dict[str, int]:
    """Delete a closed review's published PDFs: the files first, then their rows and one audit entry.

    Files go first so that a run stopped half-way leaves rows that the next run finishes
    (unlinking a missing file is not an error), never a file that nothing points to.
    """
    documents = list(PublishedDocument.select().where(PublishedDocument.review == review))
    if not documents:
        return {}
    for document in documents:
        storage.path_for(document.stored_name, config).unlink(missing_ok=True)
    with db.database.atomic():
        deleted = (
            PublishedDocument.delete()
            .where(PublishedDocument.id.in_([document.id for document in documents]))
            .execute()
        )
        record(
            "retention_published_report_deleted",
            obj=review,
            reference=review.reference,
            closed_on=closed_on.isoformat(),
            retention=RULES[RecordClass.PUBLISHED_REPORT].describe(config),
            counts={"documents": deleted, "files": len(documents)},
        )
    return {"documents": deleted}


def delete_media_inquiry(due: queries.DueInquiry, config: Mapping) -> dict[str, int]:
    with db.database.atomic():
        inquiry_id = due.inquiry_id
        counts = {
            "recipients": InquiryRecipient.delete().where(InquiryRecipient.inquiry == inquiry_id).execute(),
            "history": InquiryEvent.delete().where(InquiryEvent.inquiry == inquiry_id).execute(),
            "reminders": DeadlineReminder.delete().where(DeadlineReminder.inquiry == inquiry_id).execute(),
            "inquiries": MediaInquiry.delete().where(MediaInquiry.id == inquiry_id).execute(),
        }
        if not counts["inquiries"]:
            return {}  # another run got there first
        record(
            "retention_media_inquiry_deleted",
            object_type=MediaInquiry._meta.table_name,
            object_id=due.inquiry_id,
            review_id=due.review_id,
            finished_on=due.finished_on.isoformat(),
            retention=RULES[RecordClass.MEDIA_INQUIRY].describe(config),
            counts={kind: count for kind, count in counts.items() if count},
        )
    return counts


def delete_sign_in_records(now: dt.datetime, config: Mapping) -> dict[str, int]:
    rule = RULES[RecordClass.SIGN_IN_RECORDS]
    cutoff = now - dt.timedelta(days=rule.period(config))
    with db.database.atomic():
        counts = {
            "sessions": UserSession.delete()
            .where(
                (UserSession.ended_at.is_null(False) & (UserSession.ended_at < cutoff))
                | (UserSession.last_seen_at < cutoff)
            )
            .execute(),
            "set_password_links": SetPasswordToken.delete()
            .where(
                (SetPasswordToken.expires_at < cutoff)
                | (SetPasswordToken.used_at.is_null(False) & (SetPasswordToken.used_at < cutoff))
            )
            .execute(),
        }
        counts = {kind: count for kind, count in counts.items() if count}
        if counts:
            record(
                "retention_sign_in_records_deleted",
                object_type="retention",
                object_id=rule.record_class.value,
                before=cutoff.isoformat(timespec="seconds"),
                retention=rule.describe(config),
                counts=counts,
            )
    return counts


def run_retention(today: dt.date, config: Mapping) -> dict[str, int]:
    """Delete everything past retention that no legal hold keeps. Counts for the job's run record."""
    for rule in RULES.values():
        rule.period(config)  # a bad setting stops the run before anything is deleted
    summary = {
        "reviews_personal_data_deleted": 0,
        "reviews_report_files_deleted": 0,
        "media_inquiries_deleted": 0,
        "sign_in_records_deleted": 0,
        "kept_by_legal_hold": 0,
    }
    held: set[tuple[str, int]] = set()
    for due in queries.reviews_due(RecordClass.REVIEW_PERSONAL_DATA, today, config):
        if due.hold is not None:
            held.add(("review", due.review.id))
            continue
        if delete_review_personal_data(due.review, due.closed_on, config):
            summary["reviews_personal_data_deleted"] += 1
    for due in queries.reviews_due(RecordClass.PUBLISHED_REPORT, today, config):
        if due.hold is not None:
            held.add(("review", due.review.id))
            continue
        if delete_published_report(due.review, due.closed_on, config):
            summary["reviews_report_files_deleted"] += 1
    for due in queries.inquiries_due(today, config):
        if due.hold is not None:
            held.add(("media_inquiry", due.inquiry_id))
            continue
        if delete_media_inquiry(due, config):
            summary["media_inquiries_deleted"] += 1
    summary["sign_in_records_deleted"] = sum(delete_sign_in_records(utcnow(), config).values())
    summary["kept_by_legal_hold"] = len(held)
    return summary


# Legal holds --------------------------------------------------------------------------


class HoldError(ValueError):
    """A hold the rules refuse; `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def find_review(reference: str) -> Review | None:
    return Review.get_or_none(Review.reference == reference.strip().upper())


def set_hold(review: Review, values: Mapping, actor) -> LegalHold:
    """Put a hold on a review; refused if one already stands (change that one instead)."""
    try:
        with db.database.atomic():
            hold = LegalHold.create(
                review=review,
                active_for=review,
                reason=HoldReason(values["reason"]),
                reference=values.get("reference", "").strip(),
                note=values.get("note", "").strip(),
                set_by=actor,
            )
            record("legal_hold_set", actor=actor, obj=hold, review_id=review.id, reason=hold.reason.value)
    except IntegrityError as error:
        raise HoldError(
            f"{review.reference} already has a legal hold: change or lift that one", field="review_reference"
        ) from error
    return hold


def change_hold(hold: LegalHold, expected_version: int, values: Mapping, actor) -> LegalHold:
    if not hold.is_active:
        raise StaleRecordError(f"legal hold {hold.id} has been lifted")
    changes = {
        "reason": HoldReason(values["reason"]),
        "reference": values.get("reference", "").strip(),
        "note": values.get("note", "").strip(),
    }
    changed = changed_fields(hold, changes)
    if not changed:
        if hold.version != expected_version:
            raise StaleRecordError(f"legal hold {hold.id} changed since version {expected_version}")
        return hold
    with db.database.atomic():
        hold.save_changes(expected_version, **changes)
        record("legal_hold_changed", actor=actor, obj=hold, review_id=hold.review_id, changed=changed)
    return hold


def lift_hold(hold: LegalHold, expected_version: int, reason: str, actor) -> LegalHold:
    """Lift a standing hold: the next retention run deletes whatever of the review is due."""
    with db.database.atomic():
        hold.save_changes(
            expected_version,
            active_for=None,
            lifted_by=actor,
            lifted_at=utcnow(),
            lift_reason=reason.strip(),
        )
        record("legal_hold_lifted", actor=actor, obj=hold, review_id=hold.review_id, reason=hold.reason.value)
    return hold


def retention_status(review: Review, config: Mapping) -> dict:
    """For one review's hold page: when it closed and when each of its classes falls due."""
    closed_on = queries.closure_dates().get(review.id)
    status = {"closed_on": closed_on, "due": []}
    if closed_on is not None:
        today = local_today()
        for record_class in (RecordClass.REVIEW_PERSONAL_DATA, RecordClass.PUBLISHED_REPORT):
            rule = RULES[record_class]
            due_on = rule.due_after(closed_on, config)
            status["due"].append({"rule": rule, "due_on": due_on, "past": due_on <= today})
    return status
