"""Opening and editing reviews and their subjects. Every write is audited."""

from __future__ import annotations

from peewee import IntegrityError, fn

from portal.audit.service import record
from portal.database import changed_fields
from portal.extensions import db
from portal.reviews.models import Review, ReviewKind, Subject

REVIEW_FIELDS = ("kind", "title", "partnership", "review_officer", "date_of_death", "date_notified")
SUBJECT_FIELDS = (
    "role",
    "full_name",
    "aliases",
    "date_of_birth",
    "address_at_time",
    "previous_addresses",
    "relationship_to_deceased",
    "scope_from",
    "scope_to",
)


def next_reference(kind: ReviewKind, year: int) -> str:
    """DHR-2026-004: the prefix's next number in the year the death was notified."""
    prefix = f"{kind.reference_prefix}-{year}-"
    last = Review.select(fn.MAX(Review.reference)).where(Review.reference.startswith(prefix)).scalar()
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:03d}"


def create_review(values: dict, actor) -> Review:
    values = {k: values[k] for k in REVIEW_FIELDS}
    kind = ReviewKind(values["kind"])
    for _attempt in range(5):
        try:
            with db.database.atomic():
                review = Review.create(
                    reference=next_reference(kind, values["date_notified"].year), created_by=actor, **values
                )
                record("review_created", actor=actor, obj=review, kind=kind.value)
            return review
        except IntegrityError:
            continue  # someone took the same number at the same moment: take the next
    raise RuntimeError("could not allocate a review reference")


def update_review(review: Review, expected_version: int, values: dict, actor) -> Review:
    values = {k: values[k] for k in REVIEW_FIELDS}
    changed = changed_fields(review, values)
    with db.database.atomic():
        review.save_changes(expected_version, **values)
        record("review_updated", actor=actor, obj=review, changed=changed)
    return review


def add_subject(review: Review, values: dict, actor) -> Subject:
    with db.database.atomic():
        subject = Subject.create(review=review, **{k: values[k] for k in SUBJECT_FIELDS})
        record("subject_added", actor=actor, obj=subject, review_id=review.id)
    return subject


def update_subject(subject: Subject, expected_version: int, values: dict, actor) -> Subject:
    values = {k: values[k] for k in SUBJECT_FIELDS}
    changed = changed_fields(subject, values)
    with db.database.atomic():
        subject.save_changes(expected_version, **values)
        record("subject_updated", actor=actor, obj=subject, review_id=subject.review_id, changed=changed)
    return subject


def remove_subject(subject: Subject, actor) -> None:
    """Trawls already issued keep their own copy of the subject; only the review's list changes."""
    with db.database.atomic():
        record("subject_removed", actor=actor, obj=subject, review_id=subject.review_id)
        Subject.delete().where(Subject.id == subject.id).execute()
