"""Stage transitions: only allowed moves, each with what it records, on the timeline."""

import datetime as dt

import pytest

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.database import StaleRecordError
from portal.family_contact.models import ContactPurpose
from portal.lifecycle import service
from portal.lifecycle.models import HomeOfficeReturn, StageTransition, Suspension
from portal.lifecycle.stages import DecisionOutcome, Stage, SuspensionReason
from portal.reviews.models import Review
from tests.factories import make_agency, make_user
from tests.family_contact.builders import make_entry, make_member
from tests.helpers import error_summary, get_page, parse, post_form, sign_in
from tests.trawls.builders import make_review

D = dt.date


def fresh(review) -> Review:
    return Review.get_by_id(review.id)


def walk(review, actor, *steps):
    for target, values in steps:
        # The family milestones have their own tests (tests/family_contact); here they are waived.
        service.move(
            fresh(review), fresh(review).version, target, values, actor, accept_missing_milestones=True
        )
    return fresh(review)


def test_the_whole_life_of_a_review(ctx):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    agency = make_agency()
    # The family heard what they must before submission (portal/family_contact checks the log).
    family = make_member(review)
    make_entry(review, [family])
    make_entry(review, [family], ContactPurpose.DRAFT_REPORT_SHARED)
    review = walk(
        review,
        officer,
        (Stage.INITIAL_SCOPING, {}),
        (Stage.DECISION_PENDING, {}),
        (Stage.COMMISSIONED, {"decision_outcome": DecisionOutcome.REVIEW, "decision_on": D(2026, 3, 20)}),
        (Stage.TERMS_OF_REFERENCE_AGREED, {"tor_agreed_on": D(2026, 4, 2)}),
        (Stage.REPORT_IN_PROGRESS, {}),
        (Stage.FAMILY_REVIEW_OF_DRAFT, {}),
        (Stage.SUBMITTED_TO_HOME_OFFICE, {"report_submitted_on": D(2026, 9, 1)}),
        (
            Stage.RETURNED_FOR_AMENDMENT,
            {"returned_on": D(2026, 10, 1), "feedback_summary": "Tighten the action plan"},
        ),
        (Stage.RESUBMITTED, {"resubmitted_on": D(2026, 10, 20)}),
        (Stage.CLEARED, {"cleared_on": D(2026, 11, 2)}),
        (
            Stage.PUBLICATION_PLANNED,
            {"publication_planned_on": D(2026, 12, 1), "lead_press_office": agency.id},
        ),
    )
    assert review.stage is Stage.PUBLICATION_PLANNED
    assert (review.decision_outcome, review.decision_on, review.cleared_on) == (
        DecisionOutcome.REVIEW,
        D(2026, 3, 20),
        D(2026, 11, 2),
    )
    assert review.lead_press_office_id == agency.id
    assert HomeOfficeReturn.get().resubmitted_on == D(2026, 10, 20)
    moves = [(t.from_stage, t.to_stage) for t in StageTransition.select().order_by(StageTransition.id)]
    assert moves[0] == ("notified", "initial_scoping") and moves[-1] == ("cleared", "publication_planned")
    assert AuditEvent.select().where(AuditEvent.action == "review_stage_changed").count() == 11


def test_refused_moves(ctx):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    with pytest.raises(service.LifecycleError, match="cannot go from notified to published"):
        service.move(review, review.version, Stage.PUBLISHED, {}, officer)
    review = walk(review, officer, (Stage.INITIAL_SCOPING, {}), (Stage.DECISION_PENDING, {}))
    with pytest.raises(service.LifecycleError, match="Select the decision"):
        service.move(review, review.version, Stage.COMMISSIONED, {"decision_on": D(2026, 3, 1)}, officer)
    with pytest.raises(service.LifecycleError, match="does not commission"):
        service.move(
            review,
            review.version,
            Stage.COMMISSIONED,
            {"decision_outcome": DecisionOutcome.NO_REVIEW, "decision_on": D(2026, 3, 1)},
            officer,
        )
    with pytest.raises(service.LifecycleError, match="Home Office was told"):
        service.move(
            review,
            review.version,
            Stage.NOT_COMMISSIONED,
            {"decision_outcome": DecisionOutcome.NO_REVIEW, "decision_on": D(2026, 3, 1)},
            officer,
        )
    with pytest.raises(StaleRecordError):
        service.move(
            review,
            review.version - 1,
            Stage.NOT_COMMISSIONED,
            {
                "decision_outcome": "no_review",
                "decision_on": D(2026, 3, 1),
                "home_office_told_on": D(2026, 3, 3),
            },
            officer,
        )
    service.move(
        review,
        review.version,
        Stage.NOT_COMMISSIONED,
        {"decision_outcome": "no_review", "decision_on": D(2026, 3, 1), "home_office_told_on": D(2026, 3, 3)},
        officer,
    )
    review = fresh(review)
    assert review.stage is Stage.NOT_COMMISSIONED and review.is_open is False
    assert service.allowed_moves(review) == ()


def test_suspension_blocks_moves_and_is_recorded(ctx):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    service.suspend(
        review, review.version, SuspensionReason.TRIAL, "Trial listed", officer, started_on=D(2026, 5, 1)
    )
    review = fresh(review)
    assert service.allowed_moves(review) == ()
    with pytest.raises(service.LifecycleError, match="Resume the review"):
        service.move(review, review.version, Stage.INITIAL_SCOPING, {}, officer)
    with pytest.raises(service.LifecycleError, match="already suspended"):
        service.suspend(review, review.version, SuspensionReason.INQUEST, "", officer)
    service.resume(review, review.version, officer, ended_on=D(2026, 6, 10))
    review = fresh(review)
    assert review.suspended_since is None
    suspension = Suspension.get()
    assert (suspension.started_on, suspension.ended_on, suspension.reason) == (
        D(2026, 5, 1),
        D(2026, 6, 10),
        SuspensionReason.TRIAL,
    )
    assert AuditEvent.get(AuditEvent.action == "review_resumed").detail == {"suspended_days": 40}


def test_published_reviews_cannot_be_suspended(ctx):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer, stage=Stage.PUBLISHED)
    with pytest.raises(service.LifecycleError, match="before it is published"):
        service.suspend(review, review.version, SuspensionReason.OTHER, "", officer)


def test_move_through_the_pages(client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer, stage=Stage.DECISION_PENDING)
    sign_in(client, officer)
    page = get_page(client, f"/reviews/{review.id}/lifecycle", title="Stage and timescales")
    links = [a.get_text() for a in page.select("main ul.govuk-list a")]
    assert links == ["Commissioned", "Not commissioned (closed)"]
    assert client.get(f"/reviews/{review.id}/lifecycle/move/published").status_code == 404
    soup = parse(
        post_form(
            client,
            f"/reviews/{review.id}/lifecycle/move/commissioned",
            {"version": 1, "decision_outcome": "", "decision_on": ["", "", ""]},
        )
    )
    assert error_summary(soup) == ["Select the decision"]
    soup = parse(
        post_form(
            client,
            f"/reviews/{review.id}/lifecycle/move/commissioned",
            {"version": 1, "decision_outcome": "review", "decision_on": ["", "", ""]},
        )
    )
    assert error_summary(soup) == ["Enter the date of the decision"]
    assert soup.select_one("input[name=decision_outcome][value=review]").has_attr("checked")
    response = post_form(
        client,
        f"/reviews/{review.id}/lifecycle/move/commissioned",
        {
            "version": 1,
            "decision_outcome": "review",
            "decision_on": ["20", "3", "2026"],
            "note": "Chair agreed at the subgroup",
        },
    )
    assert response.status_code == 302
    timeline = get_page(client, f"/reviews/{review.id}/lifecycle").select_one(".app-timeline").get_text()
    assert "Commissioned" in timeline and "Chair agreed at the subgroup" in timeline


def test_suspend_and_resume_through_the_pages(client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    sign_in(client, officer)
    soup = parse(post_form(client, f"/reviews/{review.id}/lifecycle/suspend", {"version": 1, "reason": ""}))
    assert error_summary(soup) == ["Select why the review is suspended"]
    assert (
        post_form(
            client, f"/reviews/{review.id}/lifecycle/suspend", {"version": 1, "reason": "inquest"}
        ).status_code
        == 302
    )
    assert fresh(review).suspended_since is not None
    assert post_form(client, f"/reviews/{review.id}/lifecycle/resume", {"version": 2}).status_code == 302
    assert fresh(review).suspended_since is None


def test_key_dates(client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    sign_in(client, officer)
    soup = parse(
        post_form(
            client,
            f"/reviews/{review.id}/lifecycle/key-dates",
            {"version": 1, "chair_appointed_on": ["1", "2", "2099"]},
        )
    )
    assert error_summary(soup) == ["Date the chair was appointed must be today or in the past"]
    response = post_form(
        client,
        f"/reviews/{review.id}/lifecycle/key-dates",
        {"version": 1, "chair_appointed_on": ["1", "4", "2026"], "commissioner_copy_on": ["2", "4", "2026"]},
    )
    assert response.status_code == 302
    review = fresh(review)
    assert (review.chair_appointed_on, review.commissioner_copy_on) == (D(2026, 4, 1), D(2026, 4, 2))
    assert AuditEvent.get(AuditEvent.action == "review_key_dates_changed").detail == {
        "changed": ["chair_appointed_on", "commissioner_copy_on"]
    }
