"""Two fictional media inquiries for the demo council: one just routed, one waiting for approval.

Created directly (no emails are queued for demo data). Every outlet, journalist
and person here is invented.
"""

from __future__ import annotations

import datetime as dt

from portal.accounts.models import Role, User
from portal.clock import utcnow
from portal.media_inquiries.models import (
    InquiryEvent,
    InquiryRecipient,
    InquiryStatus,
    MediaInquiry,
    RecipientKind,
    ReviewMediaContact,
    Topic,
)
from portal.reviews.models import Review


def load_demo_media_inquiries(config) -> int:
    now = utcnow().replace(second=0, microsecond=0)
    officer = User.get(User.role == Role.REVIEW_OFFICER)
    lead = User.get(User.email == "police.lead@northvale.example")
    team = list(User.select().where(User.role == Role.CSP_TEAM))
    in_progress = Review.get(Review.reference == "DARDR-2026-001")
    # The demo CSP team's own partnership, so they have a response to approve.
    partnership = User.get(User.role == Role.CSP_TEAM).partnership_id
    older = Review.select().where(Review.partnership == partnership).order_by(
        Review.reference
    ).first() or Review.get(Review.reference == "DHR-2025-007")
    chair = ReviewMediaContact.create(
        review=in_progress,
        panel_chair_name="Dr Elaine Marsh",
        panel_chair_email="e.marsh@independent-chairs.example",
    )

    # Received by the police this morning, about a review in progress: routed, nothing drafted yet.
    routed = MediaInquiry.create(
        received_at=now - dt.timedelta(hours=3),
        received_by_agency=lead.agency,
        received_by_name=lead.full_name,
        outlet="Northvale Evening Post",
        journalist_name="Mina Calloway",
        journalist_email="m.calloway@evening-post.example",
        journalist_phone="01632 960 418",
        question="Will the review into the death in Northvale City be finished before the inquest opens?",
        deadline_at=now + dt.timedelta(hours=20),
        review=in_progress,
        topic=Topic.REVIEW_IN_PROGRESS,
        logged_by=lead,
        logged_by_agency=lead.agency,
        owner=officer,
        status=InquiryStatus.ROUTED,
        routed_at=now - dt.timedelta(hours=3),
        version=2,
    )
    _told(routed, RecipientKind.REVIEW_OFFICER, officer.email, officer.full_name, officer)
    _told(routed, RecipientKind.PANEL_CHAIR, chair.panel_chair_email, chair.panel_chair_name, None)
    _history(routed, lead, (None, InquiryStatus.RECEIVED, ""), routed.routed_at)
    _history(
        routed,
        None,
        (InquiryStatus.RECEIVED, InquiryStatus.ROUTED, "Sent to the review officer and the panel chair"),
        routed.routed_at,
    )

    # Taken by the business office, about the review process: drafted, waiting for the partnership.
    drafted = MediaInquiry.create(
        received_at=now - dt.timedelta(days=1),
        received_by_agency=None,
        received_by_name=officer.full_name,
        outlet="Radio Northvale",
        journalist_name="Theo Vance",
        journalist_email="theo.vance@radionorthvale.example",
        question="How long do domestic homicide reviews take in Northvale, and why?",
        deadline_at=now + dt.timedelta(days=3),
        review=older,
        topic=Topic.REVIEW_PROCESS,
        logged_by=officer,
        owner=officer,
        status=InquiryStatus.RESPONSE_DRAFTED,
        routed_at=now - dt.timedelta(days=1),
        draft_response=(
            "Reviews follow Home Office statutory guidance. Each is led by an independent chair and "
            "takes as long as it needs to learn lessons properly; we do not comment on individual reviews."
        ),
        drafted_at=now - dt.timedelta(hours=20),
        drafted_by=officer,
        version=3,
    )
    _told(
        drafted,
        RecipientKind.BUSINESS_OFFICE,
        config["BUSINESS_OFFICE_EMAIL"] or officer.email,
        "Business office",
    )
    for member in team:
        if member.partnership_id == older.partnership_id:
            _told(drafted, RecipientKind.CSP_TEAM_MANAGER, member.email, member.full_name, member)
    _history(drafted, officer, (None, InquiryStatus.RECEIVED, ""), drafted.routed_at)
    _history(
        drafted,
        None,
        (
            InquiryStatus.RECEIVED,
            InquiryStatus.ROUTED,
            "Sent to the business office and the partnership's team",
        ),
        drafted.routed_at,
    )
    _history(drafted, officer, (InquiryStatus.ROUTED, InquiryStatus.RESPONSE_DRAFTED, ""), drafted.drafted_at)
    return 2


def _told(inquiry, kind, email, name, user=None) -> None:
    InquiryRecipient.create(
        inquiry=inquiry, kind=kind, email=email, name=name, user=user, notified_at=inquiry.routed_at
    )


def _history(inquiry, actor, change, at) -> None:
    from_status, to_status, note = change
    InquiryEvent.create(
        inquiry=inquiry, actor=actor, from_status=from_status, to_status=to_status, note=note, occurred_at=at
    )
