"""Who sees family records: the review's own officer and admins; every view is audited."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.family_contact.models import ContactPurpose, FamilyContactEntry, FamilyMember
from tests.factories import make_user
from tests.family_contact.builders import make_entry, make_member
from tests.helpers import get_page, post_form, sign_in
from tests.trawls.builders import make_review


@pytest.fixture
def family(app):
    review = make_review()
    ada = make_member(review, "Ada Penrow")
    entry = make_entry(review, [ada])
    return review, ada, entry


def family_urls(review, member, entry) -> list[tuple[str, str]]:
    base = f"/reviews/{review.id}/family"
    pages = ["", "/record", "/members/new", f"/members/{member.id}/edit", "/entries/new",
             f"/entries/{entry.id}/edit", f"/entries/{entry.id}/entered-in-error", f"/entries/{entry.id}/history"]  # fmt: skip
    forms = ["/members/new", f"/members/{member.id}/edit", "/entries/new", f"/entries/{entry.id}/edit",
             f"/entries/{entry.id}/entered-in-error"]  # fmt: skip
    return [("GET", base + page) for page in pages] + [("POST", base + form) for form in forms]


def test_another_officers_review_is_404_like_a_missing_one(client, family):
    review, ada, entry = family
    sign_in(client, make_user(Role.REVIEW_OFFICER))
    for method, url in family_urls(review, ada, entry):
        missing = url.replace(f"/reviews/{review.id}/", "/reviews/999999/", 1)
        if method == "GET":
            assert client.get(url).status_code == client.get(missing).status_code == 404, url
        else:
            data = {"version": 1, "reason": "Trying", "summary": "Trying"}
            assert (
                post_form(client, url, data).status_code
                == post_form(client, missing, data).status_code
                == 404
            )
    entry = FamilyContactEntry.get_by_id(entry.id)
    assert (entry.version, entry.entered_in_error, FamilyMember.select().count()) == (1, False, 1)
    assert not AuditEvent.select().where(AuditEvent.action == "family_contact_viewed").exists()


def test_the_council_can_let_every_review_officer_see_family_records(app, client, family):
    review, _, _ = family
    app.config["FAMILY_CONTACT_ALL_OFFICERS"] = True
    sign_in(client, make_user(Role.REVIEW_OFFICER))
    get_page(client, f"/reviews/{review.id}/family", title="Family contact")


def test_admins_see_every_review(client, family):
    review, _, _ = family
    sign_in(client, make_user(Role.ADMIN))
    get_page(client, f"/reviews/{review.id}/family", title="Family contact")


@pytest.mark.parametrize("role", [Role.AGENCY_LEAD, Role.CSP_TEAM])
def test_agency_leads_and_the_csp_team_never_do(client, family, role):
    review, ada, entry = family
    sign_in(
        client, make_user(role, partnership=review.partnership) if role is Role.CSP_TEAM else make_user(role)
    )
    for method, url in family_urls(review, ada, entry):
        response = client.get(url) if method == "GET" else post_form(client, url)
        assert response.status_code == 403, url
    refused = AuditEvent.select().where(AuditEvent.action == "access_refused").count()
    assert refused == len(family_urls(review, ada, entry))


def test_every_view_is_audited_with_who_and_when(client, family):
    review, _, entry = family
    officer = review.review_officer
    sign_in(client, officer)
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
    get_page(client, f"/reviews/{review.id}/family")
    client.get(f"/reviews/{review.id}/family/entries/new", headers={"HX-Request": "true"})
    get_page(client, f"/reviews/{review.id}/family/record")
    get_page(client, f"/reviews/{review.id}/family/entries/{entry.id}/history")
    views = list(
        AuditEvent.select().where(AuditEvent.action == "family_contact_viewed").order_by(AuditEvent.id)
    )
    assert [v.detail["page"] for v in views] == ["family", "family", "record", "entry_history"]
    assert {(v.actor_id, v.object_type, v.object_id) for v in views} == {
        (officer.id, "review", str(review.id))
    }
    assert all(v.occurred_at >= before for v in views)


def test_the_review_page_shows_milestones_to_those_who_may_see_them(app, client, family):
    review, _, _ = family
    sign_in(client, review.review_officer)
    page = get_page(client, f"/reviews/{review.id}")
    section = page.select_one("#family-contact-summary")
    assert section.select_one(f"a[href='/reviews/{review.id}/family']")
    done = [
        li.select_one(".govuk-task-list__name-and-hint div").get_text(strip=True)
        for li in section.select(".app-milestone--done")
    ]
    assert done == ["First contact made and the Home Office leaflet given"]

    another = app.test_client()
    sign_in(another, make_user(Role.REVIEW_OFFICER))
    page = get_page(another, f"/reviews/{review.id}")
    assert page.select_one("h1") and not page.select_one("#family-contact-summary")


def test_the_printable_record_is_chronological_initials_only_without_entries_in_error(client, family):
    review, ada, _ = family
    ben = make_member(review, "Ben Orrin Penrow", relationship="Brother")
    make_entry(review, [ada, ben], ContactPurpose.PROGRESS_UPDATE, contacted_at=dt.datetime(2026, 2, 1, 9, 0))
    make_entry(
        review, [ben], ContactPurpose.OTHER, contacted_at=dt.datetime(2026, 4, 1, 9), entered_in_error=True
    )
    sign_in(client, review.review_officer)
    page = get_page(client, f"/reviews/{review.id}/family/record", title="Family-contact record")
    assert page.select_one("main.app-letter")
    rows = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in page.select("#family-record tbody tr")
    ]
    assert [(row[1], row[3]) for row in rows] == [
        ("A.P., B.O.P.", "Progress update"),
        ("A.P.", "First contact and Home Office leaflet given"),
    ]
    assert "Penrow" not in page.select_one("main").get_text()
