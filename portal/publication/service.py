"""Publishing a review's anonymised report and executive summary, and taking them down again.

- Review officers upload the two PDFs (checked by content: storage.py) once the Home
  Office has cleared the report, replace them until the report comes off the website,
  and publish: a lifecycle move to PUBLISHED, which needs both documents (registered
  below as a precondition of that move).
- PUBLICATION_DAYS after the publication date the scheduled job (removal.py) takes the
  review off the public list; the partnership's CSP team can take it down earlier, or
  keep it online longer with a reason.
- Every removal is a lifecycle move, then verified through the app itself: the public
  list and each document URL are requested as the public would, and each answer is
  recorded (RemovalCheck). A failed verification is audited and emailed to the admins.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from peewee import IntegrityError

from portal.accounts.models import Role, User
from portal.audit.service import record
from portal.clock import local_today, utcnow
from portal.database import StaleRecordError
from portal.extensions import db
from portal.lifecycle import service as lifecycle
from portal.lifecycle.stages import Stage
from portal.notifications.mail import portal_url
from portal.notifications.outbox import enqueue
from portal.publication import storage
from portal.publication.models import DocumentKind, PublishedDocument
from portal.publication.verification import Verification, verify_removal
from portal.reviews.models import Review

REQUIRED_KINDS = (DocumentKind.OVERVIEW_REPORT, DocumentKind.EXECUTIVE_SUMMARY)
# Documents can be uploaded once the Home Office has cleared the report, until it comes down.
UPLOAD_STAGES = frozenset({Stage.CLEARED, Stage.PUBLICATION_PLANNED, Stage.PUBLISHED})
AVAILABLE_ON_REQUEST = "On request from the community safety partnership"


class PublicationError(ValueError):
    """A publication rule refused the change; `field` names the form field when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# The lifecycle's precondition for publishing -------------------------------------------


def both_documents_uploaded(review: Review) -> str | None:
    kinds = {
        DocumentKind(kind)
        for (kind,) in PublishedDocument.select(PublishedDocument.kind)
        .where(PublishedDocument.review == review.id)
        .tuples()
    }
    missing = [kind.label.lower() for kind in REQUIRED_KINDS if kind not in kinds]
    if missing:
        return "Upload the " + " and the ".join(missing) + " before publishing"
    return None


# Registered when this module is first imported (the publication views import it at app start).
if both_documents_uploaded not in lifecycle.PRECONDITIONS.setdefault(Stage.PUBLISHED, []):
    lifecycle.PRECONDITIONS[Stage.PUBLISHED].append(both_documents_uploaded)


# Who may do what -------------------------------------------------------------------------


def may_view(user: User, review: Review) -> bool:
    """Officers and admins see every review's publication; the CSP team their partnership's."""
    if user.role in (Role.ADMIN, Role.REVIEW_OFFICER):
        return True
    return user.role is Role.CSP_TEAM and user.partnership_id == review.partnership_id


def may_decide_removal(user: User, review: Review) -> bool:
    """Taking a report down early, or keeping it up longer, is the partnership's decision."""
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.CSP_TEAM and user.partnership_id == review.partnership_id


def is_removed(review: Review) -> bool:
    return review.removed_on is not None


def is_on_website(review: Review) -> bool:
    return review.stage is Stage.PUBLISHED and review.removed_on is None


# Uploading -------------------------------------------------------------------------------


def upload_document(
    review: Review, kind: DocumentKind, data: bytes, original_name: str | None, actor
) -> PublishedDocument:
    """Store a checked PDF as the review's document of this kind, replacing any earlier one.

    The audit log keeps every upload (size and SHA-256, and the replaced file's hash);
    the replaced file itself is deleted once the new one is committed.
    """
    if is_removed(review):
        raise PublicationError(
            "The report has been taken off the website: its documents can no longer be replaced",
            field="document",
        )
    if review.stage not in UPLOAD_STAGES:
        raise PublicationError(
            "Documents can be uploaded once the Home Office has cleared the report", field="document"
        )
    try:
        checked = storage.check_pdf(data, current_app.config["MAX_PUBLICATION_BYTES"])
    except storage.InvalidDocument as invalid:
        raise PublicationError(str(invalid), field="document") from invalid
    values = {
        "stored_name": storage.save(checked.data),
        "original_name": storage.clean_original_name(original_name),
        "size_bytes": checked.size_bytes,
        "sha256": checked.sha256,
        "uploaded_at": utcnow(),
        "uploaded_by": actor,
    }
    try:
        document, replaced = _store_row(review, kind, values, actor)
    except BaseException:
        storage.delete(values["stored_name"])
        raise
    if replaced is not None:
        storage.delete(replaced.stored_name)
    return document


def _store_row(review: Review, kind: DocumentKind, values: dict, actor):
    try:
        with db.database.atomic():
            existing = PublishedDocument.get_or_none(
                PublishedDocument.review == review.id, PublishedDocument.kind == kind
            )
            if existing is None:
                document = PublishedDocument.create(review=review, kind=kind, **values)
            else:
                # Only if nobody replaced it since we looked: the unique name is the version.
                changed = (
                    PublishedDocument.update(**values)
                    .where(
                        PublishedDocument.id == existing.id,
                        PublishedDocument.stored_name == existing.stored_name,
                    )
                    .execute()
                )
                if changed != 1:
                    raise StaleRecordError(f"published document {existing.id} was replaced meanwhile")
                document = PublishedDocument.get_by_id(existing.id)
            record(
                "publication_document_uploaded",
                actor=actor,
                obj=review,
                kind=kind.value,
                size_bytes=values["size_bytes"],
                sha256=values["sha256"],
                replaced_sha256=existing.sha256 if existing else "",
            )
    except IntegrityError as clash:  # another upload of the same kind was first
        raise StaleRecordError(f"a {kind.value} was uploaded meanwhile for review {review.id}") from clash
    return document, existing


# Publishing ------------------------------------------------------------------------------


def publish(
    review: Review,
    expected_version: int,
    published_on: dt.date,
    actor,
    *,
    report_available_at: str = "",
    accept_missing_milestones: bool = False,
) -> Review:
    """Record publication: the lifecycle move (which needs both documents), and where the
    report will remain available once it comes off the website."""
    if published_on > local_today():
        raise PublicationError("Date published must be today or in the past", field="published_on")
    if review.cleared_on and published_on < review.cleared_on:
        raise PublicationError(
            "Date published must be on or after the date the Home Office cleared the report",
            field="published_on",
        )
    with db.database.atomic():
        lifecycle.move(
            review,
            expected_version,
            Stage.PUBLISHED,
            {"published_on": published_on},
            actor,
            accept_missing_milestones=accept_missing_milestones,
        )
        if report_available_at.strip():
            review.save_changes(review.version, report_available_at=report_available_at.strip())
    return review


# Keeping it online longer, or taking it down early ---------------------------------------


def hold_online(review: Review, expected_version: int, held_until: dt.date, reason: str, actor) -> None:
    if not is_on_website(review):
        raise PublicationError("This review's report is not on the website")
    if not reason.strip():
        raise PublicationError("Enter why the report should stay online longer", field="reason")
    if held_until <= local_today():
        raise PublicationError("Keep online until must be a date in the future", field="held_until")
    if review.removal_due_on and held_until < review.removal_due_on:
        raise PublicationError(
            f"Keep online until must be on or after {review.removal_due_on.day} "
            f"{review.removal_due_on:%B %Y}, when the report is due to come off the website",
            field="held_until",
        )
    with db.database.atomic():
        review.save_changes(expected_version, held_until=held_until, hold_reason=reason.strip())
        record("publication_held", actor=actor, obj=review, held_until=held_until.isoformat())


def remove_early(
    review: Review, expected_version: int, reason: str, actor, *, report_available_at: str = ""
) -> Verification:
    if not is_on_website(review):
        raise PublicationError("This review's report is not on the website")
    if not reason.strip():
        raise PublicationError("Enter why the report is coming off the website now", field="reason")
    return take_down(
        review,
        expected_version,
        actor,
        note=f"Taken off the website early: {reason.strip()}",
        report_available_at=report_available_at,
    )


def take_down(
    review: Review, expected_version: int, actor, *, note: str, report_available_at: str = ""
) -> Verification:
    """Move the review off the website, tell the partnership, then check it is really gone.

    The move and its emails commit together; the verification runs after the commit,
    so the app answers the check from what is stored. `actor` None: the scheduled job.
    """
    with db.database.atomic():
        lifecycle.move(
            review,
            expected_version,
            Stage.REMOVED_FROM_WEBSITE,
            {"report_available_at": report_available_at.strip() or None},
            actor,
            note=note,
        )
        for address in partnership_recipients(review):
            enqueue(
                address,
                f"{review.reference} has been taken off the public website",
                "publication_removed",
                dedupe_key=f"removed:{review.id}:{address}",
                reference=review.reference,
                removed_on=review.removed_on,
                report_available_at=review.report_available_at,
                link=portal_url("publication.show", review_id=review.id),
            )
    return verify_removal(review)


# Who is told ------------------------------------------------------------------------------


def partnership_recipients(review: Review) -> list[str]:
    """The partnership's CSP team, and the review officer."""
    team = User.select(User.email).where(
        User.role == Role.CSP_TEAM, User.partnership == review.partnership_id, User.active
    )
    addresses = [user.email for user in team.order_by(User.email)]
    if review.review_officer_id:
        officer = User.get_or_none(User.id == review.review_officer_id, User.active)
        if officer is not None and officer.email not in addresses:
            addresses.append(officer.email)
    return addresses
