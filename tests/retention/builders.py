"""Builders for retention tests: a closed review with something of every kind. Every name is invented."""

from __future__ import annotations

import datetime as dt

from portal.lifecycle.models import HomeOfficeReturn, StageTransition, Suspension
from portal.lifecycle.stages import Stage, SuspensionReason
from portal.media_inquiries.models import InquiryStatus, MediaInquiry, ReviewMediaContact
from portal.publication.models import DocumentKind
from portal.trawls.models import ExtensionRequest, ReturnKind, TrawlRequest, TrawlReturn
from tests.family_contact.builders import make_entry, make_member
from tests.media_inquiries.builders import log as log_media_inquiry
from tests.publication.builders import make_document
from tests.trawls.builders import make_subject, review_with_trawl

# Words that must never outlive the deletion, nor reach the audit log.
SUBJECT_NAME = "Rowan Testcase"
SUBJECT_ALIAS = "Rowan Testkase"
MEMBER_NAME = "Ada Penrow"
TITLE = "R.T."
CHAIR_NAME = "Chris Chairperson"
JOURNALIST = "Jo Inkwell"
PERSONAL = (SUBJECT_NAME, SUBJECT_ALIAS, MEMBER_NAME, TITLE, CHAIR_NAME, JOURNALIST, "A.P.", "Penrow")


def closed_review(app, closed_at: dt.datetime, *, stage: Stage = Stage.CONCLUDED, documents: bool = True):
    """A review closed at `closed_at` (naive UTC) with personal data of every kind, and its files."""
    review, agencies, trawl = review_with_trawl(app, agency_count=2, title=TITLE)
    make_subject(review, full_name="Sam Otherperson", aliases="")
    officer = review.review_officer
    review.stage, review.is_open = stage, False
    review.save()
    StageTransition.create(
        review=review,
        from_stage=Stage.ACTION_PLAN_MONITORING.value,
        to_stage=stage.value,
        occurred_at=closed_at,
        by=officer,
        note=f"Every action complete; {SUBJECT_NAME}'s family told",
    )
    Suspension.create(
        review=review,
        reason=SuspensionReason.TRIAL,
        note=f"Trial of {SUBJECT_NAME}",
        started_on=dt.date(2019, 1, 1),
        ended_on=dt.date(2019, 6, 1),
        started_by=officer,
    )
    HomeOfficeReturn.create(
        review=review,
        returned_on=dt.date(2019, 9, 1),
        feedback_summary="Say more about A.P.",
        recorded_by=officer,
    )
    request = TrawlRequest.select().where(TrawlRequest.review == review).first()
    TrawlReturn.create(
        request=request,
        number=1,
        kind=ReturnKind.INVOLVEMENT,
        submitted_by=officer,
        summary=f"{SUBJECT_NAME} attended the emergency department twice",
        personal_interest_note="",
    )
    ExtensionRequest.create(
        request=request,
        reason=f"Records of {SUBJECT_NAME} are archived",
        proposed_date=dt.date(2019, 3, 1),
        requested_by=officer,
    )
    member = make_member(review, referred_to_as=MEMBER_NAME)
    make_entry(review, [member])
    ReviewMediaContact.create(
        review=review, panel_chair_name=CHAIR_NAME, panel_chair_email="chair@chairs.example"
    )
    if documents:
        for kind in DocumentKind:
            make_document(app, review, kind)
    return review


def closed_inquiry(app, actor, review, closed_at: dt.datetime) -> MediaInquiry:
    inquiry, _ = log_media_inquiry(app, actor, review, journalist_name=JOURNALIST)
    MediaInquiry.update(
        status=InquiryStatus.CLOSED_NO_COMMENT, closed_at=closed_at, close_reason="No comment"
    ).where(MediaInquiry.id == inquiry.id).execute()
    return MediaInquiry.get_by_id(inquiry.id)
