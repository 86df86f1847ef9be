"""Uploading the two documents through the publication page: only real PDFs within the limit are
stored, under names the server chose, outside static/; anything else is refused and leaves no trace."""

import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal import ROOT
from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.lifecycle.stages import Stage
from portal.publication.models import DocumentKind, PublishedDocument
from tests.factories import make_user
from tests.helpers import csrf_token, field_error, parse, sign_in
from tests.publication.builders import pdf_bytes, planned_review
from tests.publication.test_storage import encrypted_pdf, polyglot

LIMIT = 64 * 1024


@pytest.fixture
def officer_page(app, client):
    app.config["MAX_PUBLICATION_BYTES"] = LIMIT
    review = planned_review()
    sign_in(client, review.review_officer)
    return review


def upload(client, review, data: bytes, filename: str = "report.pdf", kind: str = "overview-report"):
    """POST the form as a browser would. Encoded in memory: the test client would spool a large
    body to a temporary file that it never closes."""
    boundary, body = encode_multipart(
        {
            f"{kind}-csrf_token": csrf_token(client),
            f"{kind}-document": FileStorage(io.BytesIO(data), filename, content_type="application/pdf"),
        }
    )
    return client.post(
        f"/reviews/{review.id}/publication/documents/{kind}",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def stored_files(app) -> list[Path]:
    folder = Path(app.config["DOCUMENTS_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_real_pdf_is_stored_under_a_server_name_outside_static(app, client, officer_page):
    data = pdf_bytes("Anonymised overview report")
    response = upload(client, officer_page, data, filename="../../static/dist/portal.js")
    assert response.status_code == 302
    document = PublishedDocument.get()
    assert document.kind is DocumentKind.OVERVIEW_REPORT
    assert document.original_name == "portal.js"  # shown only; never part of a path
    assert document.stored_name.endswith(".pdf") and len(document.stored_name) == 36
    [path] = stored_files(app)
    assert path.name == document.stored_name and path.read_bytes() == data
    assert ROOT / "static" not in path.parents
    assert not (ROOT / "static" / "dist" / document.stored_name).exists()
    event = AuditEvent.get(AuditEvent.action == "publication_document_uploaded")
    assert event.detail == {
        "kind": "overview_report",
        "size_bytes": len(data),
        "sha256": document.sha256,
        "replaced_sha256": "",
    }
    page = parse(client.get(f"/reviews/{officer_page.id}/publication"))
    assert "portal.js" in page.select_one("#documents ~ .govuk-summary-card").get_text()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (
            b"<html><body><script>alert(1)</script></body></html>",
            "report.pdf",
            "The selected file must be a PDF",
        ),
        (polyglot(), "report.pdf", "The selected file must be a PDF"),
        (b"", "report.pdf", "The selected file is empty"),
        (pdf_bytes() + b"\n" * LIMIT, "report.pdf", "The selected file must be smaller than 64 KB"),
        (encrypted_pdf(), "report.pdf", "The selected file must not be password protected"),
        (b"MZ\x90\x00 an executable", "report.exe\x00.pdf", "The selected file must be a PDF"),
    ],
    ids=["html-renamed", "polyglot", "empty", "limit-plus-one", "encrypted", "nul-in-name"],
)
def test_anything_but_a_pdf_within_the_limit_is_refused_and_nothing_is_kept(
    app, client, officer_page, data, filename, message
):
    response = upload(client, officer_page, data, filename=filename)
    assert response.status_code == 422
    soup = parse(response)
    assert soup.title.get_text().startswith("Error: ")
    assert field_error(soup, "overview-report-document") == message
    assert not PublishedDocument.select().exists()
    assert stored_files(app) == []
    assert not AuditEvent.select().where(AuditEvent.action == "publication_document_uploaded").exists()


def test_no_file_chosen_says_which_document(client, officer_page):
    response = client.post(
        f"/reviews/{officer_page.id}/publication/documents/executive-summary",
        data={"executive-summary-csrf_token": csrf_token(client)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert (
        field_error(parse(response), "executive-summary-document")
        == "Select the anonymised executive summary"
    )


def test_a_body_over_the_request_limit_gets_a_gov_uk_error_page(app, client, officer_page):
    app.config["MAX_CONTENT_LENGTH"] = 200 * 1024
    response = upload(client, officer_page, pdf_bytes() + b"\n" * (300 * 1024))
    assert response.status_code == 413
    soup = parse(response)
    assert soup.select_one("h1").get_text(strip=True) == "The file is too large"
    assert soup.select_one(".govuk-header, .app-header") is not None  # the portal's own layout
    assert not PublishedDocument.select().exists()


def test_the_default_limit_is_ten_megabytes(app, client):
    assert app.config["MAX_PUBLICATION_BYTES"] == 10 * 1024 * 1024
    review = planned_review()
    sign_in(client, review.review_officer)
    response = upload(client, review, pdf_bytes() + b"\n" * (10 * 1024 * 1024))
    assert response.status_code == 422
    assert (
        field_error(parse(response), "overview-report-document")
        == "The selected file must be smaller than 10 MB"
    )


def test_replacing_keeps_the_history_in_the_audit_log_and_deletes_the_old_file(app, client, officer_page):
    first, second = pdf_bytes("First version"), pdf_bytes("Corrected version")
    assert upload(client, officer_page, first).status_code == 302
    old = PublishedDocument.get()
    assert upload(client, officer_page, second, filename="corrected.pdf").status_code == 302
    new = PublishedDocument.get()
    assert new.id == old.id  # the public link stays the same
    assert new.stored_name != old.stored_name and new.original_name == "corrected.pdf"
    assert [p.read_bytes() for p in stored_files(app)] == [second]
    events = (
        AuditEvent.select()
        .where(AuditEvent.action == "publication_document_uploaded")
        .order_by(AuditEvent.id)
    )
    assert [(e.detail["sha256"], e.detail["replaced_sha256"]) for e in events] == [
        (old.sha256, ""),
        (new.sha256, old.sha256),
    ]


def test_documents_cannot_be_replaced_once_the_report_is_removed(app, client):
    review = planned_review(stage=Stage.REMOVED_FROM_WEBSITE, removed_on=planned_review().cleared_on)
    sign_in(client, review.review_officer)
    response = upload(client, review, pdf_bytes())
    assert response.status_code == 422
    soup = parse(response)
    assert not soup.select("form[enctype='multipart/form-data']")  # no upload form is offered either
    assert "can no longer be replaced" in " ".join(
        e.get_text() for e in soup.select(".govuk-error-summary a")
    )
    assert not PublishedDocument.select().exists()


def test_not_before_the_home_office_has_cleared_the_report(client):
    review = planned_review(stage=Stage.REPORT_IN_PROGRESS, cleared_on=None)
    sign_in(client, review.review_officer)
    response = upload(client, review, pdf_bytes())
    assert response.status_code == 422
    assert not PublishedDocument.select().exists()


@pytest.mark.parametrize("role", [Role.CSP_TEAM, Role.AGENCY_LEAD])
def test_only_officers_and_admins_upload(app, client, role):
    review = planned_review()
    member = make_user(role, partnership=review.partnership if role is Role.CSP_TEAM else None)
    sign_in(client, member)
    assert upload(client, review, pdf_bytes()).status_code == 403
    assert stored_files(app) == []
