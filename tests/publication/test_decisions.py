"""The partnership's decisions: take a report off the website now (verified like the job's removal),
or keep it online longer with a reason. CSP team of that partnership, and admins, only."""

import datetime as dt

import pytest
import time_machine

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.lifecycle.models import StageTransition
from portal.lifecycle.stages import Stage
from portal.notifications.models import OutboxMessage
from portal.publication.models import RemovalCheck
from portal.reviews.models import Review
from tests.factories import make_user
from tests.helpers import field_error, get_page, parse, post_form, sign_in
from tests.publication.builders import planned_review, published_review

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def on_website(app, client):
    review = published_review(app, D(2026, 1, 10))
    member = make_user(Role.CSP_TEAM, partnership=review.partnership)
    sign_in(client, member)
    return review, member


def test_the_csp_team_takes_it_down_early_and_it_is_verified(client, on_website):
    review, member = on_website
    page = get_page(client, f"/reviews/{review.id}/publication")
    assert page.select_one(f"a[href='/reviews/{review.id}/publication/remove']")
    form = get_page(client, f"/reviews/{review.id}/publication/remove", title="Take off the website")
    assert (
        form.select_one("#report_available_at").get_text()
        == "On request from the community safety partnership"
    )
    url = f"/reviews/{review.id}/publication/remove"
    missing = post_form(client, url, {"version": str(review.version), "reason": " "})
    assert missing.status_code == 422
    assert field_error(parse(missing), "reason") == "Enter why the report is coming off the website now"
    response = post_form(
        client,
        url,
        {
            "version": str(review.version),
            "reason": "The family asked for it to come down after the inquest",
            "report_available_at": "On request from Brookfield CSP: csp@brookfield.example",
        },
    )
    assert response.status_code == 302
    review = Review.get_by_id(review.id)
    assert (review.stage, review.removed_on) == (Stage.REMOVED_FROM_WEBSITE, D(2026, 6, 15))
    assert review.report_available_at == "On request from Brookfield CSP: csp@brookfield.example"
    transition = StageTransition.get(StageTransition.to_stage == "removed_from_website")
    assert transition.by_id == member.id
    assert (
        transition.note
        == "Taken off the website early: The family asked for it to come down after the inquest"
    )
    assert RemovalCheck.select().where(RemovalCheck.review == review.id, RemovalCheck.passed).count() == 3
    shown = get_page(client, f"/reviews/{review.id}/publication")
    assert (
        "The public list and its documents were checked"
        in shown.select_one(".govuk-notification-banner").get_text()
    )
    assert len(shown.select("#removal-checks ~ table tbody tr")) == 3
    assert member.email in [m.recipient for m in OutboxMessage.select()]
    assert client.get(f"/published/{review.documents[0].id}.pdf").status_code == 410


def test_keeping_it_online_longer_needs_a_later_date_and_a_reason(client, on_website):
    review, member = on_website
    url = f"/reviews/{review.id}/publication/hold"
    assert get_page(client, url, title="Keep online longer").select_one("#held_until")

    def hold(day, reason="The inquest reports in March"):
        return post_form(
            client,
            url,
            {
                "version": str(review.version),
                "held_until": [str(day.day), str(day.month), str(day.year)],
                "reason": reason,
            },
        )

    for day, message in (
        (D(2026, 6, 15), "Keep online until must be a date in the future"),
        (
            D(2026, 12, 1),
            "Keep online until must be on or after 10 January 2027, when the report is due to come off the website",
        ),
    ):
        refused = hold(day)
        assert refused.status_code == 422
        assert field_error(parse(refused), "held_until") == message
    assert (
        field_error(parse(hold(D(2027, 3, 31), reason="")), "reason")
        == "Enter why the report should stay online longer"
    )
    assert hold(D(2027, 3, 31)).status_code == 302
    review = Review.get_by_id(review.id)
    assert (review.held_until, review.hold_reason) == (D(2027, 3, 31), "The inquest reports in March")
    assert AuditEvent.get(AuditEvent.action == "publication_held").actor_id == member.id
    page = get_page(client, f"/reviews/{review.id}/publication")
    assert (
        "1 April 2027 (kept online until 31 March 2027" in page.select_one(".govuk-summary-list").get_text()
    )


def test_nothing_to_decide_for_a_report_not_on_the_website(client, app):
    review = planned_review()
    member = make_user(Role.CSP_TEAM, partnership=review.partnership)
    sign_in(client, member)
    for action in ("remove", "hold"):
        page = get_page(client, f"/reviews/{review.id}/publication/{action}")
        assert not page.select("form[method='post'] textarea")
        response = post_form(
            client,
            f"/reviews/{review.id}/publication/{action}",
            {"version": str(review.version), "reason": "x"},
        )
        assert response.status_code == 422
    assert Review.get_by_id(review.id).stage is Stage.PUBLICATION_PLANNED


def test_only_the_partnerships_team_and_admins_decide(app, on_website):
    review, _ = on_website
    for user, status in (
        (make_user(Role.CSP_TEAM), 404),  # another partnership's team: as if it did not exist
        (review.review_officer, 403),
        (make_user(Role.AGENCY_LEAD), 403),
        (make_user(Role.ADMIN), 200),
    ):
        client = app.test_client()
        sign_in(client, user)
        for action in ("remove", "hold"):
            assert client.get(f"/reviews/{review.id}/publication/{action}").status_code == status, (
                user.role,
                action,
            )
    assert Review.get_by_id(review.id).stage is Stage.PUBLISHED
