"""Named reads: when reviews closed, which holds stand, and what is past retention."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from peewee import fn

from portal.audit.models import AuditEvent
from portal.clock import to_local
from portal.family_contact.models import FamilyContactEntry, FamilyMember
from portal.lifecycle.models import StageTransition
from portal.lifecycle.stages import Stage
from portal.media_inquiries.models import OPEN_STATUSES, MediaInquiry, ReviewMediaContact
from portal.publication.models import PublishedDocument
from portal.retention.models import LegalHold
from portal.retention.schedule import RULES, RecordClass
from portal.reviews.models import Review, Subject
from portal.trawls.models import Trawl, TrawlRequest, TrawlReturn

CLOSED_STAGES = (Stage.CONCLUDED.value, Stage.NOT_COMMISSIONED.value)
# What the review's title becomes once its personal data is deleted.
DELETED_TITLE = "Details deleted under the retention schedule"
RETENTION_EVENTS = (
    "retention_review_personal_data_deleted",
    "retention_published_report_deleted",
    "retention_media_inquiry_deleted",
    "retention_sign_in_records_deleted",
)


@dataclass
class DueReview:
    review: Review
    closed_on: dt.date
    due_on: dt.date
    hold: LegalHold | None


def closure_dates() -> dict[int, dt.date]:
    """Each closed review's closing date (London), from the timeline's last move to a closed stage."""
    rows = (
        StageTransition.select(StageTransition.review, fn.MAX(StageTransition.occurred_at).alias("closed_at"))
        .join(Review)
        .where(StageTransition.to_stage.in_(CLOSED_STAGES), Review.is_open == False)  # noqa: E712
        .group_by(StageTransition.review)
        .tuples()
    )
    return {review_id: to_local(_as_datetime(closed_at)).date() for review_id, closed_at in rows}


def _as_datetime(value) -> dt.datetime:
    # SQLite hands an aggregate back as text.
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def active_holds() -> dict[int, LegalHold]:
    """The standing hold of each held review, by review id."""
    return {hold.review_id: hold for hold in LegalHold.select().where(LegalHold.lifted_at.is_null())}


def active_hold(review: Review) -> LegalHold | None:
    return LegalHold.select().where(LegalHold.review == review, LegalHold.lifted_at.is_null()).first()


def holds_of(review: Review) -> list[LegalHold]:
    return list(
        LegalHold.select(LegalHold)
        .where(LegalHold.review == review)
        .order_by(LegalHold.set_at.desc(), LegalHold.id.desc())
    )


def has_personal_data(review_id: int) -> bool:
    """Anything the personal-data class deletes is still there."""
    checks = (
        Subject.select().where(Subject.review == review_id),
        FamilyMember.select().where(FamilyMember.review == review_id),
        FamilyContactEntry.select().where(FamilyContactEntry.review == review_id),
        ReviewMediaContact.select().where(ReviewMediaContact.review == review_id),
        TrawlReturn.select()
        .join(TrawlRequest)
        .where(
            TrawlRequest.review == review_id,
            (TrawlReturn.summary != "")
            | (TrawlReturn.contact_outside_scope_note != "")
            | (TrawlReturn.personal_interest_note != ""),
        ),
        Review.select().where(Review.id == review_id, Review.title != DELETED_TITLE),
    )
    if any(query.exists() for query in checks):
        return True
    # JSON is compared in Python: PostgreSQL's json type has no equality operator.
    trawls = Trawl.select(Trawl.instructions, Trawl.subjects_snapshot).where(Trawl.review == review_id)
    return any(trawl.instructions or trawl.subjects_snapshot for trawl in trawls)


def reviews_due(record_class: RecordClass, today: dt.date, config: Mapping) -> list[DueReview]:
    """Closed reviews past this class's retention that still have something of it, held or not."""
    rule = RULES[record_class]
    closed = closure_dates()
    past = {rid: (on, rule.due_after(on, config)) for rid, on in closed.items()}
    past = {rid: dates for rid, dates in past.items() if dates[1] <= today}
    if not past:
        return []
    if record_class is RecordClass.PUBLISHED_REPORT:
        with_files = set(
            PublishedDocument.select(PublishedDocument.review)
            .where(PublishedDocument.review.in_(list(past)))
            .distinct()
            .scalars()
        )
        past = {rid: dates for rid, dates in past.items() if rid in with_files}
    else:
        past = {rid: dates for rid, dates in past.items() if has_personal_data(rid)}
    holds = active_holds()
    reviews = Review.select().where(Review.id.in_(list(past))).order_by(Review.reference) if past else []
    return [
        DueReview(
            review=review, closed_on=past[review.id][0], due_on=past[review.id][1], hold=holds.get(review.id)
        )
        for review in reviews
    ]


@dataclass
class DueInquiry:
    inquiry_id: int
    review_id: int | None
    review_reference: str | None
    finished_on: dt.date
    due_on: dt.date
    hold: LegalHold | None


def inquiries_due(today: dt.date, config: Mapping) -> list[DueInquiry]:
    """Answered or closed media inquiries past retention, held (through their review) or not."""
    rule = RULES[RecordClass.MEDIA_INQUIRY]
    holds = active_holds()
    query = (
        MediaInquiry.select(
            MediaInquiry.id, MediaInquiry.review, MediaInquiry.responded_at, MediaInquiry.closed_at
        )
        .where(
            MediaInquiry.status.not_in(list(OPEN_STATUSES)),
            MediaInquiry.responded_at.is_null(False) | MediaInquiry.closed_at.is_null(False),
        )
        .order_by(MediaInquiry.id)
        .tuples()
    )
    due = []
    for inquiry_id, review_id, responded_at, closed_at in query:
        finished_on = to_local(max(value for value in (responded_at, closed_at) if value is not None)).date()
        due_on = rule.due_after(finished_on, config)
        if due_on <= today:
            due.append(
                DueInquiry(
                    inquiry_id=inquiry_id,
                    review_id=review_id,
                    review_reference=None,
                    finished_on=finished_on,
                    due_on=due_on,
                    hold=holds.get(review_id) if review_id else None,
                )
            )
    references = (
        dict(
            Review.select(Review.id, Review.reference)
            .where(Review.id.in_({item.review_id for item in due if item.review_id}))
            .tuples()
        )
        if due
        else {}
    )
    for item in due:
        item.review_reference = references.get(item.review_id)
    return due


def held_reviews() -> list[tuple[LegalHold, Review]]:
    query = (
        LegalHold.select(LegalHold, Review)
        .join(Review, on=(LegalHold.review == Review.id))
        .where(LegalHold.lifted_at.is_null())
        .order_by(LegalHold.set_at.desc())
    )
    return [(hold, hold.review) for hold in query]


def recent_deletions(limit: int = 20) -> list[AuditEvent]:
    return list(
        AuditEvent.select()
        .where(AuditEvent.action.in_(RETENTION_EVENTS))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
