"""The retention schedule and legal-hold pages (admins only): GOV.UK errors, input kept, conflicts."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.retention.models import HoldReason, LegalHold
from tests.factories import make_user
from tests.helpers import error_summary, field_error, get_page, parse, post_form, sign_in
from tests.retention.builders import closed_review
from tests.trawls.builders import make_review

LONG_AGO = utcnow() - dt.timedelta(days=365 * 7)


@pytest.fixture
def admin(app, client):
    user = make_user(Role.ADMIN)
    sign_in(client, user)
    return user


def _hold_url(review) -> str:
    return f"/admin/retention/reviews/{review.id}"


def test_schedule_shows_each_class_its_period_and_what_is_due_or_held(app, client, admin):
    due = closed_review(app, LONG_AGO, documents=False)
    held = closed_review(app, LONG_AGO, documents=False)
    LegalHold.create(review=held, active_for=held, reason=HoldReason.INQUEST, set_by=admin, reference="COR-1")
    app.config["RETENTION_MEDIA_INQUIRY_YEARS"] = 3

    page = get_page(client, "/admin/retention", title="Retention schedule")

    rows = {row["data-class"]: row for row in page.select("#retention-classes tbody tr")}
    assert set(rows) == {"review_personal_data", "published_report", "media_inquiry", "sign_in_records"}
    assert "6 years after the review closed" in rows["review_personal_data"].get_text(" ", strip=True)
    assert "3 years after" in rows["media_inquiry"].get_text(" ", strip=True)
    assert "90 days after" in rows["sign_in_records"].get_text(" ", strip=True)
    assert rows["review_personal_data"].select_one("[data-due]").get_text(strip=True) == "1"
    assert rows["review_personal_data"].select_one("[data-held]").get_text(strip=True) == "1"
    due_table = page.select_one("#retention-due").get_text(" ", strip=True)
    assert due.reference in due_table and "Deleted at the next run" in due_table
    assert "Legal hold: Inquest" in due_table
    assert held.reference in page.select_one("#retention-holds").get_text(" ", strip=True)
    # Reached from the administration menu.
    links = [a["href"] for a in get_page(client, "/admin").select("main a")]
    assert "/admin/retention" in links


def test_setting_a_hold_by_reference(app, client, admin):
    review = make_review()
    page = get_page(client, f"/admin/retention/holds/new?review={review.id}", title="Set a legal hold")
    assert page.select_one("#review_reference")["value"] == review.reference

    response = post_form(
        client,
        "/admin/retention/holds/new",
        {"review_reference": review.reference.lower(), "reason": "proceedings", "reference": "T2031/0042"},
    )

    assert response.status_code == 302 and response.headers["Location"] == _hold_url(review)
    hold = LegalHold.get(LegalHold.review == review)
    assert (hold.reason, hold.reference, hold.set_by_id, hold.is_active) == (
        HoldReason.PROCEEDINGS,
        "T2031/0042",
        admin.id,
        True,
    )
    event = AuditEvent.get(AuditEvent.action == "legal_hold_set")
    assert event.detail == {"review_id": review.id, "reason": "proceedings"}
    page = get_page(client, _hold_url(review))
    assert "On legal hold" in page.select_one("#hold-status").get_text()


def test_new_hold_errors_keep_what_was_typed(app, client, admin):
    response = post_form(client, "/admin/retention/holds/new", {"reference": "Kept ref"})
    page = parse(response)
    assert response.status_code == 200
    assert error_summary(page) == ["Enter the review reference", "Select why the records must be kept"]
    assert page.title.get_text().startswith("Error:")
    assert page.select_one("#reference")["value"] == "Kept ref"

    page = parse(
        post_form(
            client, "/admin/retention/holds/new", {"review_reference": "DHR-1999-999", "reason": "other"}
        )
    )
    assert field_error(page, "review_reference") == "Enter the reference of a review in the portal"
    assert field_error(page, "note") == "Enter the legal reason the records must be kept"
    assert page.select_one("#review_reference")["value"] == "DHR-1999-999"
    assert LegalHold.select().count() == 0


def test_a_second_hold_on_the_same_review_is_refused(app, client, admin):
    review = make_review()
    LegalHold.create(review=review, active_for=review, reason=HoldReason.INQUEST, set_by=admin)
    page = parse(
        post_form(
            client, "/admin/retention/holds/new", {"review_reference": review.reference, "reason": "inquest"}
        )
    )
    assert field_error(page, "review_reference") == (
        f"{review.reference} already has a legal hold: change or lift that one"
    )
    assert LegalHold.select().count() == 1


def test_changing_a_hold_that_someone_else_changed_is_a_conflict(app, client, admin):
    review = make_review()
    hold = LegalHold.create(review=review, active_for=review, reason=HoldReason.INQUEST, set_by=admin)
    page = get_page(client, _hold_url(review))
    version = page.select_one("form input[name=version]")["value"]
    LegalHold.update(version=LegalHold.version + 1, note="Changed by someone else").where(
        LegalHold.id == hold.id
    ).execute()

    response = post_form(
        client, _hold_url(review), {"version": version, "reason": "proceedings", "note": "My note"}
    )

    assert response.status_code == 409
    page = parse(response)
    assert "This record has changed" in page.select_one(".govuk-error-summary").get_text()
    assert page.select_one("#note").get_text() == "My note"
    assert LegalHold.get_by_id(hold.id).reason is HoldReason.INQUEST
    # Saving again from the refreshed form works.
    response = post_form(
        client,
        _hold_url(review),
        {
            "version": page.select_one("form input[name=version]")["value"],
            "reason": "proceedings",
            "note": "My note",
        },
    )
    assert response.status_code == 302
    assert LegalHold.get_by_id(hold.id).reason is HoldReason.PROCEEDINGS
    assert AuditEvent.get(AuditEvent.action == "legal_hold_changed").detail["changed"] == ["note", "reason"]


def test_lifting_a_hold_needs_a_reason_and_the_current_version(app, client, admin):
    review = make_review()
    hold = LegalHold.create(review=review, active_for=review, reason=HoldReason.INQUEST, set_by=admin)
    lift_url = f"{_hold_url(review)}/lift"

    page = parse(post_form(client, lift_url, {"version": str(hold.version)}))
    assert error_summary(page) == ["Enter why the hold can be lifted"]

    response = post_form(client, lift_url, {"version": "99", "lift_reason": "Inquest closed"})
    assert response.status_code == 409
    assert parse(response).select_one("#lift_reason").get_text() == "Inquest closed"
    assert LegalHold.get_by_id(hold.id).is_active

    response = post_form(client, lift_url, {"version": str(hold.version), "lift_reason": "Inquest closed"})
    assert response.status_code == 302
    lifted = LegalHold.get_by_id(hold.id)
    assert (lifted.is_active, lifted.active_for_id, lifted.lifted_by_id, lifted.lift_reason) == (
        False,
        None,
        admin.id,
        "Inquest closed",
    )
    page = get_page(client, _hold_url(review))
    assert "No legal hold" in page.select_one("#hold-status").get_text()
    assert "Inquest closed" in page.select_one("#hold-history").get_text()
    # A lift posted from a page opened before: a conflict, not an error page.
    assert (
        post_form(client, lift_url, {"version": str(hold.version), "lift_reason": "Again"}).status_code == 409
    )
    # And a new hold can be set once the old one is lifted.
    response = post_form(client, _hold_url(review), {"reason": "public_inquiry"})
    assert response.status_code == 302
    assert LegalHold.select().where(LegalHold.active_for == review).count() == 1


def test_review_page_shows_when_each_class_falls_due(app, client, admin):
    review = closed_review(app, dt.datetime(2020, 6, 30, 23, 30), documents=False)  # 1 July in London
    page = get_page(client, _hold_url(review))
    dates = page.select_one("#retention-dates").get_text(" ", strip=True)
    assert "1 July 2020" in dates and "1 July 2026" in dates and "1 July 2040" in dates
    assert get_page(client, "/admin/retention/reviews/987654", status=404)


@pytest.mark.parametrize("role", [Role.REVIEW_OFFICER, Role.CSP_TEAM, Role.AGENCY_LEAD])
def test_only_admins_manage_retention(app, client, role):
    review = make_review()
    sign_in(client, make_user(role))
    for url in ("/admin/retention", "/admin/retention/holds/new", _hold_url(review)):
        assert client.get(url).status_code == 403
    assert post_form(client, _hold_url(review), {"reason": "inquest"}).status_code == 403
    assert LegalHold.select().count() == 0
