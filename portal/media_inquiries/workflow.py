"""The workflow of a media inquiry: who may take each step, and what each step requires.

received -> routed (on save, when notices were queued) -> response drafted -> approved
(partnership consent: who, when) -> responded -> closed; or closed with no comment from
any open state. No response is marked sent without an approval, and the approver is
never the person who drafted it. Every change names the version the user saw
(StaleRecordError otherwise), writes a history row and an audit event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.accounts.models import Role, User
from portal.audit.service import record
from portal.clock import utcnow
from portal.extensions import db
from portal.media_inquiries.models import InquiryEvent, InquiryStatus, MediaInquiry

if TYPE_CHECKING:
    from portal.media_inquiries.queries import InquiryRow

OFFICERS = (Role.ADMIN, Role.REVIEW_OFFICER)


class MediaRuleError(ValueError):
    """A step the rules do not allow now; the message is for the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# Who may do what ---------------------------------------------------------------------


def _in_own_partnership(user: User, inquiry: MediaInquiry | InquiryRow) -> bool:
    """A CSP team member, and the inquiry is about one of their partnership's reviews."""
    return (
        user.role is Role.CSP_TEAM
        and inquiry.review_id is not None
        and user.partnership_id is not None
        and inquiry.review_partnership_id == user.partnership_id
    )


def can_work_on(user: User, inquiry: MediaInquiry | InquiryRow) -> bool:
    """Draft, mark responded, close: review officers and admins; the CSP team for their partnership."""
    return user.role in OFFICERS or _in_own_partnership(user, inquiry)


def can_approve(user: User, inquiry: MediaInquiry | InquiryRow) -> bool:
    """Partnership consent: the review's partnership team or an admin; with no review, an admin."""
    return user.role is Role.ADMIN or _in_own_partnership(user, inquiry)


def can_reassign(user: User) -> bool:
    return user.role in OFFICERS


def available_actions(user: User, inquiry: MediaInquiry | InquiryRow) -> set[str]:
    """What this person can do to the inquiry now (the service checks again when they do it)."""
    actions: set[str] = set()
    status = inquiry.status
    if can_work_on(user, inquiry):
        if status.is_open:
            actions |= {"draft", "close_no_comment"}
        if status is InquiryStatus.APPROVED:
            actions.add("respond")
        if status is InquiryStatus.RESPONDED:
            actions.add("close")
    if status is InquiryStatus.RESPONSE_DRAFTED and can_approve(user, inquiry):
        actions.add("approve" if inquiry.drafted_by_id != user.id else "approve_blocked")
    if can_reassign(user) and status.is_open:
        actions.add("reassign")
    return actions


# The workflow ------------------------------------------------------------------------------


def transition(
    inquiry: MediaInquiry,
    expected_version: int,
    actor: User | None,
    to_status: InquiryStatus,
    note: str = "",
    **changes,
) -> None:
    from_status = inquiry.status
    inquiry.save_changes(expected_version, status=to_status, **changes)
    InquiryEvent.create(inquiry=inquiry, actor=actor, from_status=from_status, to_status=to_status, note=note)
    if actor is not None:
        record(
            "media_inquiry_status_changed",
            actor=actor,
            obj=inquiry,
            from_status=from_status.value,
            to_status=to_status.value,
        )


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise MediaRuleError(message)


def draft_response(inquiry: MediaInquiry, expected_version: int, actor: User, text: str) -> None:
    """Save (or revise) the draft; revising an approved draft withdraws the approval."""
    require(can_work_on(actor, inquiry), "You cannot draft a response to this inquiry")
    require(inquiry.status.is_open, "This inquiry is closed or has been answered")
    text = (text or "").strip()
    if not text:
        raise MediaRuleError("Enter the draft response", field="draft_response")
    note = "Approval withdrawn: the response changed" if inquiry.status is InquiryStatus.APPROVED else ""
    if inquiry.status is InquiryStatus.RESPONSE_DRAFTED:
        note = "Draft revised"
    with db.database.atomic():
        transition(
            inquiry,
            expected_version,
            actor,
            InquiryStatus.RESPONSE_DRAFTED,
            note,
            draft_response=text,
            drafted_at=utcnow(),
            drafted_by=actor.id,
            approved_at=None,
            approved_by=None,
            approval_note="",
        )


def approve(inquiry: MediaInquiry, expected_version: int, actor: User, note: str = "") -> None:
    """Record the partnership's consent to the drafted response: who and when."""
    require(
        inquiry.status is InquiryStatus.RESPONSE_DRAFTED, "There is no drafted response waiting for approval"
    )
    if not can_approve(actor, inquiry):
        raise MediaRuleError(
            "Only the community safety team of the review's partnership, or an admin, can approve a response"
            if inquiry.review_id
            else "Only an admin can approve a response to an inquiry with no identified review"
        )
    require(
        inquiry.drafted_by_id != actor.id,
        "Someone other than the person who drafted the response must approve it",
    )
    with db.database.atomic():
        transition(
            inquiry,
            expected_version,
            actor,
            InquiryStatus.APPROVED,
            (note or "").strip(),
            approved_at=utcnow(),
            approved_by=actor.id,
            approval_note=(note or "").strip(),
        )


def mark_responded(inquiry: MediaInquiry, expected_version: int, actor: User, note: str = "") -> None:
    """The approved response has gone to the journalist. Without an approval, it cannot be marked sent."""
    require(can_work_on(actor, inquiry), "You cannot mark a response to this inquiry as sent")
    require(
        inquiry.status is InquiryStatus.APPROVED and inquiry.approved_by_id is not None,
        "A response cannot be marked as sent until the partnership has approved it",
    )
    with db.database.atomic():
        transition(
            inquiry,
            expected_version,
            actor,
            InquiryStatus.RESPONDED,
            (note or "").strip(),
            sent_response=inquiry.draft_response,
            responded_at=utcnow(),
            responded_by=actor.id,
        )


def close(inquiry: MediaInquiry, expected_version: int, actor: User) -> None:
    require(can_work_on(actor, inquiry), "You cannot close this inquiry")
    require(
        inquiry.status is InquiryStatus.RESPONDED, "Only an inquiry that has been responded to can be closed"
    )
    with db.database.atomic():
        transition(
            inquiry, expected_version, actor, InquiryStatus.CLOSED, closed_at=utcnow(), closed_by=actor.id
        )


def close_no_comment(inquiry: MediaInquiry, expected_version: int, actor: User, reason: str) -> None:
    require(can_work_on(actor, inquiry), "You cannot close this inquiry")
    require(inquiry.status.is_open, "This inquiry is already closed or has been answered")
    reason = (reason or "").strip()
    if not reason:
        raise MediaRuleError("Enter why no comment is being made", field="reason")
    with db.database.atomic():
        transition(
            inquiry,
            expected_version,
            actor,
            InquiryStatus.CLOSED_NO_COMMENT,
            reason,
            closed_at=utcnow(),
            closed_by=actor.id,
            close_reason=reason,
        )
