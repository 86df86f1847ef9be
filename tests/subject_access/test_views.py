"""/admin/subject-access through HTTP, on both engines: the form, results, downloads and the audit log."""

from __future__ import annotations

import csv
import io
import json

import pytest

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.subject_access.service import name_fingerprint
from portal.web.exports import FORMULA_TRIGGERS
from tests.factories import make_user
from tests.helpers import error_summary, field_error, get_page, parse, post_form, sign_in
from tests.subject_access.builders import make_world

URL = "/admin/subject-access"
EXPORT_URL = "/admin/subject-access/export"


@pytest.fixture
def world(app):
    return make_world(app)


@pytest.fixture
def admin_client(client, world):
    sign_in(client, world.admin)
    return client


def search_form(name: str = "Rowan Testcase", **values) -> dict:
    return {"name": name, "alternatives": "", "request_reference": "SAR-2026-014", **values}


def test_the_administration_menu_links_to_the_search(admin_client):
    soup = get_page(admin_client, "/admin", title="Administration")
    assert soup.select_one(f'main a[href="{URL}"]').get_text(strip=True) == "Subject access"
    form = get_page(admin_client, URL, title="Subject access search").select_one("main form")
    assert form["method"] == "post" and not form.select_one("button[name=format]")  # nothing to download yet


def test_results_are_grouped_by_record_type_with_links(admin_client, world):
    response = post_form(admin_client, URL, search_form("  rowan   TESTCASE "))
    assert response.status_code == 200
    soup = parse(response)
    links = {
        section["id"]: [a["href"] for a in section.select("tbody a")]
        for section in soup.select("#subject-access-results section")
    }
    review, member = world.review.id, world.member.id
    assert links == {
        "subject": [f"/reviews/{review}/subjects/{world.subject.id}/edit"],
        "trawl-subject": [f"/reviews/{review}/returns"],
        "agency-return": [f"/trawl-requests/{world.agency_return.request_id}"],
        "family-member": [f"/reviews/{review}/family/members/{member}/edit"],
        "family-contact-entry": [
            f"/reviews/{review}/family/entries/{world.entry_with_member.id}/history",
            f"/reviews/{review}/family/entries/{world.entry_mentioning.id}/history",
        ],
        "media-inquiry": [
            f"/media-inquiries/{world.inquiry_about.id}",
            f"/media-inquiries/{world.inquiry_by_alias.id}",
        ],
    }
    # The input is kept, and the downloads post the same form.
    assert soup.select_one("#name")["value"] == "  rowan   TESTCASE "
    assert [b["value"] for b in soup.select("button[name=format]")] == ["csv", "json"]


def test_each_search_is_audited_with_counts_and_never_the_name(admin_client, world, app):
    post_form(admin_client, URL, search_form(alternatives="Rowan Testkase"))
    event = AuditEvent.select().where(AuditEvent.action == "subject_access_searched").get()
    assert event.actor_id == world.admin.id
    assert event.detail["request_reference"] == "SAR-2026-014"
    assert event.detail["spellings"] == 2 and event.detail["date_of_birth_given"] is False
    assert event.detail["counts"] == {
        "subject": 1,
        "trawl_subject": 1,
        "agency_return": 1,
        "family_member": 1,
        "family_contact_entry": 2,
        "media_inquiry": 2,
    }
    with app.app_context():
        assert event.detail["name_fingerprint"] == name_fingerprint("ROWAN testcase")
    assert "rowan" not in json.dumps(event.detail).lower() and "testk" not in json.dumps(event.detail).lower()


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_the_csv_download_holds_every_record_found_and_is_not_cached(admin_client, world):
    response = post_form(admin_client, EXPORT_URL, {**search_form(), "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="subject-access-SAR-2026-014.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    rows = _csv(response)
    assert rows[0][:4] == ["Record type", "Record id", "Review", "Record"]
    records = {(row[0], row[1]) for row in rows[1:]}
    assert ("People in reviews", str(world.subject.id)) in records
    assert ("Media inquiries", str(world.other_inquiry.id)) not in records
    assert len(records) == 8
    fields = {(row[0], row[7]): row[8] for row in rows[1:]}
    assert fields[("People in reviews", "Date of birth")] == "1980-05-17"
    assert fields[("Agencies' returns that mention the name", "Summary of involvement")].startswith("Rowan")
    # A value a spreadsheet would run as a formula is neutralised.
    assert (
        fields[("People in reviews", "Known previous addresses")]
        == '\'=HYPERLINK("https://evil.example","Click")'
    )
    assert all(not cell.startswith(FORMULA_TRIGGERS) for row in rows for cell in row)
    event = AuditEvent.select().where(AuditEvent.action == "subject_access_exported").get()
    assert event.detail["format"] == "csv" and event.detail["counts"]["subject"] == 1


def test_the_json_download_keeps_each_record_whole(admin_client, world):
    response = post_form(admin_client, EXPORT_URL, {**search_form(request_reference=""), "format": "json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="subject-access-20')
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.get_data(as_text=True))
    assert document["searched_for"]["name"] == "Rowan Testcase"
    assert document["searched_for"]["other_names_recorded_for_people_found"] == ["Rowan Testkase", "Ro Tesco"]
    [subject] = document["records"]["subject"]
    assert subject["fields"]["Alternative spellings and aliases"] == "Rowan Testkase; Ro Tesco"
    assert subject["match"] == "Whole name"
    assert {r["record_id"] for r in document["records"]["media_inquiry"]} == {
        world.inquiry_about.id,
        world.inquiry_by_alias.id,
    }
    assert (
        AuditEvent.select().where(AuditEvent.action == "subject_access_exported").get().detail["format"]
        == "json"
    )


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"name": ""}, "name", "Enter the person's name"),
        ({"name": "   "}, "name", "Enter the person's name"),
        ({"name": "x" * 10_000}, "name", "Name must be 120 characters or fewer"),
        (
            {"name": "Rowan\x00Testcase"},
            "name",
            "Name must not include tabs, line breaks or other control characters",
        ),
        (
            {"name": "Rowan\tTestcase"},
            "name",
            "Name must not include tabs, line breaks or other control characters",
        ),
        ({"name": "%_%"}, "name", "Name must include at least one letter or number"),
        ({"name": "a b c d e f g h i"}, "name", "Name must be 8 words or fewer"),
        (
            {"alternatives": "\n".join(f"Name {n}" for n in range(21))},
            "alternatives",
            "Enter 20 alternative spellings or fewer",
        ),
        (
            {"alternatives": "Ro Tesco\n%%"},
            "alternatives",
            "Alternative spelling 2 must include at least one letter or number",
        ),
        (
            {"alternatives": "Ro\x1bTesco"},
            "alternatives",
            "Alternative spellings must not include tabs or other control characters",
        ),
        (
            {"alternatives": "y" * 5000},
            "alternatives",
            "Alternative spellings must be 3000 characters or fewer",
        ),
        (
            {"request_reference": "<script>"},
            "request_reference",
            "Request reference must only include letters, numbers, spaces, hyphens, full stops and slashes",
        ),
        (
            {"date_of_birth": ["31", "2", "1980"]},
            "date_of_birth",
            "Date of birth must be a real date",
        ),
    ],
)
def test_bad_input_gets_gov_uk_errors_keeps_the_input_and_is_not_audited(client, values, field, message):
    sign_in(client, make_user(Role.ADMIN))
    for url in (URL, EXPORT_URL):
        response = post_form(client, url, {**search_form(), "format": "csv", **values})
        assert response.status_code == 422 and response.mimetype == "text/html", url
        soup = parse(response)
        assert soup.title.get_text().startswith("Error: ")
        assert message in error_summary(soup)
        assert field_error(soup, field) == message
        if field == "name" and values["name"].strip() and "\x00" not in values["name"]:
            assert soup.select_one("#name")["value"] == values["name"]
        assert soup.select_one("#request_reference")["value"] == values.get(
            "request_reference", "SAR-2026-014"
        )
    assert not AuditEvent.select().where(AuditEvent.action.startswith("subject_access")).exists()


@pytest.mark.parametrize("role", [Role.REVIEW_OFFICER, Role.AGENCY_LEAD, Role.CSP_TEAM])
def test_everyone_but_admins_is_refused(client, world, role):
    sign_in(client, make_user(role))
    assert client.get(URL).status_code == 403
    assert post_form(client, URL, search_form()).status_code == 403
    assert post_form(client, EXPORT_URL, {**search_form(), "format": "json"}).status_code == 403
    assert not AuditEvent.select().where(AuditEvent.action.startswith("subject_access")).exists()
    assert AuditEvent.select().where(AuditEvent.action == "access_refused").count() == 3


def test_signed_out_people_are_sent_to_sign_in(client, world):
    assert client.get(URL).headers["Location"].startswith("/sign-in")
