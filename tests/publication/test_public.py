"""The public list and documents: only reviews on the website now, only what may be public,
served as downloads with safe headers; 410 once removed, 404 if never published. Staff keep access."""

import datetime as dt

import pytest

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.lifecycle.stages import Stage
from portal.publication.models import DocumentKind, PublishedDocument
from tests.factories import make_user
from tests.helpers import get_page, sign_in
from tests.publication.builders import make_document, planned_review, published_review
from tests.trawls.builders import make_subject

PUBLISHED_ON = dt.date(2026, 1, 10)


@pytest.fixture
def reviews(app):
    """One on the website, one taken off it, one planned with its documents."""
    live = published_review(app, PUBLISHED_ON, reference="DHR-2025-101", title="A.B. 2025")
    make_subject(live, full_name="Rowan Testcase")
    removed = published_review(
        app, dt.date(2024, 1, 10), reference="DHR-2023-102", stage=Stage.REMOVED_FROM_WEBSITE
    )
    removed.removed_on = dt.date(2025, 1, 10)
    removed.save()
    planned = planned_review(reference="DHR-2025-103")
    for kind in DocumentKind:
        make_document(app, planned, kind)
    return live, removed, planned


def document(review, kind=DocumentKind.OVERVIEW_REPORT) -> PublishedDocument:
    return PublishedDocument.get(PublishedDocument.review == review.id, PublishedDocument.kind == kind)


def test_the_list_shows_only_reviews_on_the_website_and_nothing_else_of_them(client, reviews):
    live, removed, planned = reviews
    soup = get_page(client, "/published", title="Published reviews")
    rows = soup.select("#published-reviews tbody tr")
    assert [row["data-reference"] for row in rows] == ["DHR-2025-101"]
    cells = [cell.get_text(" ", strip=True) for cell in rows[0].select("td")]
    assert cells[:4] == ["DHR-2025-101", live.partnership.name, "A.B. 2025", "10 January 2026"]
    links = [a["href"] for a in rows[0].select("a")]
    assert links == [f"/published/{document(live, kind).id}.pdf" for kind in DocumentKind]
    text = soup.select_one("main").get_text()
    for hidden in (
        "Rowan Testcase",
        "DHR-2023-102",
        "DHR-2025-103",
        live.review_officer.full_name,
        "overview_report.pdf",
    ):
        assert hidden not in text
    assert not soup.select("nav .govuk-service-navigation__link[href^='/reviews']")


def test_a_public_document_downloads_as_an_attachment_with_safe_headers(client, reviews):
    live, _, _ = reviews
    response = client.get(f"/published/{document(live).id}.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Type"] == "application/pdf"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="DHR-2025-101-overview-report.pdf"'
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert "Set-Cookie" not in response.headers
    etag = response.headers["ETag"]
    assert (
        client.get(f"/published/{document(live).id}.pdf", headers={"If-None-Match": etag}).status_code == 304
    )


def test_removed_documents_are_gone_and_never_published_ones_do_not_exist(client, reviews):
    _, removed, planned = reviews
    gone = client.get(f"/published/{document(removed).id}.pdf")
    assert gone.status_code == 410
    assert gone.headers["Cache-Control"] == "no-store"
    assert "no longer on the website" in gone.get_data(as_text=True)
    assert b"%PDF" not in gone.data
    for path in (
        f"/published/{document(planned).id}.pdf",
        "/published/9999.pdf",
        "/published/..%2f..%2fportal.db",
    ):
        response = client.get(path)
        assert response.status_code == 404, path


@pytest.mark.parametrize("role", [Role.REVIEW_OFFICER, Role.ADMIN, Role.CSP_TEAM])
def test_staff_download_any_document_even_after_removal_and_it_is_audited(app, client, reviews, role):
    _, removed, planned = reviews
    user = make_user(role, partnership=removed.partnership if role is Role.CSP_TEAM else None)
    sign_in(client, user)
    response = client.get(f"/reviews/{removed.id}/documents/{document(removed).id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="DHR-2023-102-overview-report.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    event = AuditEvent.get(AuditEvent.action == "publication_document_downloaded")
    assert (event.actor_id, event.object_id) == (user.id, str(removed.id))
    assert event.detail == {"kind": "overview_report", "document_id": document(removed).id}
    # A document is only reachable through its own review.
    assert client.get(f"/reviews/{removed.id}/documents/{document(planned).id}").status_code == 404


def test_another_partnerships_csp_team_and_agency_leads_cannot_download(app, reviews):
    live, _, _ = reviews
    url = f"/reviews/{live.id}/documents/{document(live).id}"
    for user, status in ((make_user(Role.CSP_TEAM), 404), (make_user(Role.AGENCY_LEAD), 403)):
        client = app.test_client()
        sign_in(client, user)
        assert client.get(url).status_code == status, user.role
    assert not AuditEvent.select().where(AuditEvent.action == "publication_document_downloaded").exists()
