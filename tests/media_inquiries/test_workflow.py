"""The workflow: no response is marked sent without the partnership's approval, the approver is
someone else, and every step leaves a history row and an audit event."""

import pytest

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.database import StaleRecordError
from portal.media_inquiries import workflow
from portal.media_inquiries.models import InquiryEvent, InquiryStatus
from tests.factories import make_user
from tests.media_inquiries.builders import fresh, log, make_world, step

S = InquiryStatus


@pytest.fixture
def world(app):
    return make_world(app)


@pytest.fixture
def routed(app, world):
    inquiry, _ = log(app, world.lead, world.review)
    return fresh(inquiry)


def test_from_routed_to_closed(app, world, routed):
    inquiry = step(
        app, workflow.draft_response, routed, world.officer, "The partnership will not comment yet."
    )
    assert inquiry.status is S.RESPONSE_DRAFTED and inquiry.drafted_by_id == world.officer.id
    inquiry = step(app, workflow.approve, inquiry, world.csp, "Agreed by the CSP chair by phone")
    assert inquiry.status is S.APPROVED
    assert (inquiry.approved_by_id, inquiry.approval_note) == (
        world.csp.id,
        "Agreed by the CSP chair by phone",
    )
    assert inquiry.approved_at is not None
    inquiry = step(app, workflow.mark_responded, inquiry, world.officer, "Emailed to the journalist")
    assert inquiry.status is S.RESPONDED and inquiry.responded_by_id == world.officer.id
    assert inquiry.sent_response == "The partnership will not comment yet."
    inquiry = step(app, workflow.close, inquiry, world.officer)
    assert inquiry.status is S.CLOSED and inquiry.closed_at is not None

    history = list(InquiryEvent.select().where(InquiryEvent.inquiry == inquiry.id).order_by(InquiryEvent.id))
    assert [(e.from_status, e.to_status) for e in history] == [
        (None, S.RECEIVED),
        (S.RECEIVED, S.ROUTED),
        (S.ROUTED, S.RESPONSE_DRAFTED),
        (S.RESPONSE_DRAFTED, S.APPROVED),
        (S.APPROVED, S.RESPONDED),
        (S.RESPONDED, S.CLOSED),
    ]
    assert [e.actor_id for e in history[2:]] == [
        world.officer.id,
        world.csp.id,
        world.officer.id,
        world.officer.id,
    ]
    changes = [
        (e.detail["from_status"], e.detail["to_status"])
        for e in AuditEvent.select()
        .where(AuditEvent.action == "media_inquiry_status_changed")
        .order_by(AuditEvent.id)
    ]
    assert changes == [
        ("routed", "response_drafted"),
        ("response_drafted", "approved"),
        ("approved", "responded"),
        ("responded", "closed"),
    ]


@pytest.mark.parametrize("drafted", [False, True])
def test_a_response_cannot_be_marked_sent_without_approval(app, world, routed, drafted):
    if drafted:
        routed = step(app, workflow.draft_response, routed, world.officer, "A draft")
    with pytest.raises(workflow.MediaRuleError, match="until the partnership has approved it"):
        step(app, workflow.mark_responded, routed, world.officer, "")
    assert fresh(routed).status is (S.RESPONSE_DRAFTED if drafted else S.ROUTED)
    assert fresh(routed).responded_at is None


def test_revising_an_approved_draft_withdraws_the_approval(app, world, routed):
    inquiry = step(app, workflow.draft_response, routed, world.officer, "First words")
    inquiry = step(app, workflow.approve, inquiry, world.csp, "")
    inquiry = step(app, workflow.draft_response, inquiry, world.officer, "Different words")
    assert inquiry.status is S.RESPONSE_DRAFTED and inquiry.approved_by_id is None
    with pytest.raises(workflow.MediaRuleError):
        step(app, workflow.mark_responded, inquiry, world.officer, "")
    last = InquiryEvent.select().order_by(InquiryEvent.id.desc()).get()
    assert last.note == "Approval withdrawn: the response changed"


def test_who_may_approve(app, world, routed):
    inquiry = step(app, workflow.draft_response, routed, world.csp, "Drafted by the team")
    with pytest.raises(workflow.MediaRuleError, match="Someone other than the person who drafted"):
        step(app, workflow.approve, inquiry, world.csp, "")
    for outsider in (
        make_user(Role.CSP_TEAM),  # another partnership's team
        make_user(Role.REVIEW_OFFICER),  # officers draft and send; consent is the partnership's
    ):
        with pytest.raises(workflow.MediaRuleError, match="Only the community safety team"):
            step(app, workflow.approve, inquiry, outsider, "")
    assert step(app, workflow.approve, inquiry, world.admin, "").status is S.APPROVED


def test_with_no_review_only_an_admin_approves(app, world):
    inquiry, _ = log(app, world.csp, None)
    inquiry = step(app, workflow.draft_response, inquiry, world.officer, "No comment at this time.")
    with pytest.raises(workflow.MediaRuleError, match="Only an admin"):
        step(app, workflow.approve, inquiry, world.csp, "")
    assert step(app, workflow.approve, inquiry, world.admin, "").status is S.APPROVED


def test_agency_leads_and_other_partnerships_cannot_work_on_it(app, world, routed):
    with pytest.raises(workflow.MediaRuleError):
        step(app, workflow.draft_response, routed, world.lead, "Our own statement")
    with pytest.raises(workflow.MediaRuleError):
        step(app, workflow.draft_response, routed, make_user(Role.CSP_TEAM), "Not ours")
    assert fresh(routed).status is S.ROUTED


def test_close_with_no_comment_needs_a_reason_and_an_open_inquiry(app, world, routed):
    with pytest.raises(workflow.MediaRuleError, match="Enter why"):
        step(app, workflow.close_no_comment, routed, world.officer, "  ")
    inquiry = step(
        app, workflow.close_no_comment, routed, world.officer, "Trial under way: nothing can be said"
    )
    assert inquiry.status is S.CLOSED_NO_COMMENT and inquiry.close_reason.startswith("Trial")
    with pytest.raises(workflow.MediaRuleError):
        step(app, workflow.close_no_comment, inquiry, world.officer, "Again")
    with pytest.raises(workflow.MediaRuleError):
        step(app, workflow.draft_response, inquiry, world.officer, "Too late")


def test_only_a_responded_inquiry_can_be_closed(app, world, routed):
    with pytest.raises(workflow.MediaRuleError, match="responded to"):
        step(app, workflow.close, routed, world.officer)


def test_a_stale_version_changes_nothing(app, world, routed):
    with app.test_request_context(), pytest.raises(StaleRecordError):
        workflow.draft_response(routed, routed.version - 1, world.officer, "Based on an old page")
    assert fresh(routed).draft_response == ""
    assert not InquiryEvent.select().where(InquiryEvent.to_status == S.RESPONSE_DRAFTED).exists()
