"""Publishing: the lifecycle move to "published" needs both documents, and the publication page
records it with the date, from which the removal date follows."""

import datetime as dt

import pytest
import time_machine

from portal.accounts.models import Role
from portal.lifecycle import service as lifecycle
from portal.lifecycle.models import StageTransition
from portal.lifecycle.stages import Stage
from portal.publication.models import DocumentKind
from portal.reviews.models import Review
from tests.factories import make_user
from tests.helpers import error_summary, field_error, get_page, parse, post_form, sign_in
from tests.publication.builders import make_document, planned_review

TODAY = dt.date(2026, 4, 20)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def publish_form(review, **values):
    return {
        "version": str(review.version),
        "published_on": ["20", "4", "2026"],
        "report_available_at": "",
        **values,
    }


@pytest.mark.parametrize(
    ("uploaded", "message"),
    [
        ((), "Upload the overview report and the executive summary before publishing"),
        ((DocumentKind.OVERVIEW_REPORT,), "Upload the executive summary before publishing"),
    ],
)
def test_the_lifecycle_move_needs_both_documents(app, ctx, family_told, uploaded, message):
    review = planned_review()
    for kind in uploaded:
        make_document(app, review, kind)
    with pytest.raises(lifecycle.LifecycleError, match=message):
        lifecycle.move(review, review.version, Stage.PUBLISHED, {}, review.review_officer)
    assert Review.get_by_id(review.id).stage is Stage.PUBLICATION_PLANNED


def test_publishing_sets_the_dates_and_the_timeline(app, client, family_told):
    review = planned_review()
    for kind in DocumentKind:
        make_document(app, review, kind)
    sign_in(client, review.review_officer)
    response = post_form(
        client,
        f"/reviews/{review.id}/publication/publish",
        publish_form(
            review,
            published_on=["16", "4", "2026"],
            report_available_at="https://www.gov.uk/government/collections/domestic-homicide-review-library",
        ),
    )
    assert response.status_code == 302, error_summary(parse(response))
    review = Review.get_by_id(review.id)
    assert review.stage is Stage.PUBLISHED
    assert (review.published_on, review.removal_due_on) == (dt.date(2026, 4, 16), dt.date(2027, 4, 16))
    assert review.report_available_at.startswith("https://www.gov.uk/")
    transition = StageTransition.get(StageTransition.to_stage == "published")
    assert transition.by_id == review.review_officer_id
    page = get_page(client, f"/reviews/{review.id}/publication")
    assert "16 April 2027" in page.select_one(".govuk-summary-list").get_text()
    assert "Publish" not in [b.get_text(strip=True) for b in page.select("button")]


def test_publishing_without_the_documents_says_what_is_missing(app, client, family_told):
    review = planned_review()
    make_document(app, review, DocumentKind.EXECUTIVE_SUMMARY)
    sign_in(client, review.review_officer)
    response = post_form(client, f"/reviews/{review.id}/publication/publish", publish_form(review))
    assert response.status_code == 422
    assert (
        "Upload the overview report before publishing"
        in parse(response).select_one(".govuk-error-summary").get_text()
    )
    assert Review.get_by_id(review.id).stage is Stage.PUBLICATION_PLANNED


def test_the_family_warning_needs_a_confirmation_and_is_kept_on_the_timeline(app, client, monkeypatch):
    monkeypatch.setattr(
        lifecycle, "missing_family_milestones", lambda review, target: ["Family told the publication date"]
    )
    review = planned_review()
    for kind in DocumentKind:
        make_document(app, review, kind)
    sign_in(client, review.review_officer)
    page = get_page(client, f"/reviews/{review.id}/publication")
    assert "Family told the publication date" in page.select_one(".govuk-warning-text").get_text()
    url = f"/reviews/{review.id}/publication/publish"
    refused = post_form(client, url, publish_form(review))
    assert refused.status_code == 422
    assert "Confirm to continue" in field_error(parse(refused), "accept_missing_milestones")
    accepted = post_form(client, url, publish_form(review, accept_missing_milestones="y"))
    assert accepted.status_code == 302
    note = StageTransition.get(StageTransition.to_stage == "published").note
    assert "Family told the publication date" in note


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (["21", "4", "2026"], "Date published must be today or in the past"),
        (
            ["14", "1", "2026"],
            "Date published must be on or after the date the Home Office cleared the report",
        ),
        (["", "", ""], "Enter the date published"),
        (["31", "2", "2026"], "Date published must be a real date"),
    ],
)
def test_the_date_published_is_checked(app, client, family_told, date, message):
    review = planned_review(cleared_on=dt.date(2026, 1, 15))
    for kind in DocumentKind:
        make_document(app, review, kind)
    sign_in(client, review.review_officer)
    response = post_form(
        client, f"/reviews/{review.id}/publication/publish", publish_form(review, published_on=date)
    )
    assert response.status_code == 422
    assert field_error(parse(response), "published_on") == message
    assert Review.get_by_id(review.id).stage is Stage.PUBLICATION_PLANNED


def test_a_stale_form_is_a_conflict_not_an_overwrite(app, client, family_told):
    review = planned_review()
    for kind in DocumentKind:
        make_document(app, review, kind)
    sign_in(client, review.review_officer)
    response = post_form(
        client,
        f"/reviews/{review.id}/publication/publish",
        publish_form(review, version=str(review.version - 1)),
    )
    assert response.status_code == 409
    assert Review.get_by_id(review.id).stage is Stage.PUBLICATION_PLANNED


def test_the_csp_team_sees_its_own_reviews_publication_page_without_officer_forms(app, client):
    review = planned_review()
    make_document(app, review, DocumentKind.OVERVIEW_REPORT)
    member = make_user(Role.CSP_TEAM, partnership=review.partnership)
    sign_in(client, member)
    page = get_page(client, f"/reviews/{review.id}/publication", title="Publication")
    assert not page.select("form[enctype='multipart/form-data']")
    assert not page.select(f"form[action='/reviews/{review.id}/publication/publish']")
    assert page.select_one(f"a[href='/reviews/{review.id}/documents/1']")
    other = planned_review()
    assert client.get(f"/reviews/{other.id}/publication").status_code == 404
