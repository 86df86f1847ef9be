"""Test 10: CSV cells a spreadsheet would run are neutralised, the CSV round-trips exactly
(RFC 4180), and no user value can add an email header or recipient."""

from __future__ import annotations

import csv
import io

import pytest

from portal.accounts.models import Role, User
from portal.notifications.mail import UnsafeHeader
from portal.notifications.models import OutboxMessage
from portal.notifications.outbox import enqueue
from portal.organisations.models import Agency
from portal.web.exports import FORMULA_TRIGGERS, csv_response, neutralise
from tests.factories import make_agency, make_user
from tests.helpers import FileMailbox, csrf_token, post_form, send_queued_mail, sign_in
from tests.trawls.builders import issue, make_review, make_subject

DANGEROUS_CELLS = [
    "=HYPERLINK(\"https://evil.example\",\"Click\")",
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]
AWKWARD_CELLS = ['Quoted "agency", with a comma', "Two\r\nlines", "Trailing space ", "", "O'Brien & Co"]


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_every_formula_trigger_is_neutralised_and_the_csv_round_trips(app):
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}
    cells = DANGEROUS_CELLS + AWKWARD_CELLS
    with app.test_request_context():
        response = csv_response("x.csv", ["Header"], [[cell] for cell in cells])
    text = response.get_data(as_text=True)
    rows = parse_csv(text)
    assert [row[0] for row in rows[1:]] == [neutralise(cell) for cell in cells]  # exact round trip
    for row in rows[1:]:
        assert not row[0].startswith(FORMULA_TRIGGERS)
    assert text.endswith("\r\n") and "\r\n" in text.split('"Two\r\nlines"')[0]


def test_the_returns_export_neutralises_agency_names(app, client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    make_subject(review)
    agencies = [make_agency(name) for name in DANGEROUS_CELLS + AWKWARD_CELLS[:2]]
    issue(app, review, agencies)
    sign_in(client, officer)
    response = client.get(f"/reviews/{review.id}/trawl-requests.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = parse_csv(response.get_data(as_text=True))
    names = sorted(row[2] for row in rows[1:])
    assert names == sorted(neutralise(agency.name) for agency in agencies)
    assert all(not cell.startswith(FORMULA_TRIGGERS) for row in rows for cell in row)


HEADER_INJECTIONS = [
    "person@portal.example\r\nBcc: thief@evil.example",
    "person@portal.example\nBcc: thief@evil.example",
    "person@portal.example\rBcc: thief@evil.example",
    "person@portal.example, thief@evil.example",
    "person@portal.example;thief@evil.example",
    "Person <person@portal.example>",
    "person@portal.example%0d%0aBcc:thief@evil.example",
    "person@portal.example\x00thief@evil.example",
    "person@portal.example\u2028Bcc: thief@evil.example",
]


@pytest.mark.parametrize("value", HEADER_INJECTIONS)
def test_the_outbox_refuses_injected_recipients_and_subjects(ctx, value):
    with pytest.raises(UnsafeHeader):
        enqueue(value, "A subject", "set_password", link="https://portal.test/x", full_name="A")
    if any(ch in value for ch in "\r\n\x00"):
        with pytest.raises(UnsafeHeader):
            enqueue("person@portal.example", f"Subject {value}", "set_password", link="x", full_name="A")
    assert not OutboxMessage.select().exists()


def test_forms_refuse_addresses_that_would_inject_headers(app, client):
    sign_in(client, make_user(Role.ADMIN))
    agency = make_agency("Agency With Mailbox")
    for value in HEADER_INJECTIONS:
        post_form(
            client,
            "/admin/users/new",
            {"full_name": "Injected", "email": value, "role": Role.REVIEW_OFFICER.value},
        )
        post_form(
            client,
            f"/admin/agencies/{agency.id}",
            {"version": "1", "name": agency.name, "sector": "police", "contact_email": value, "active": "y"},
        )
    assert not User.select().where(User.full_name == "Injected").exists()
    assert Agency.get_by_id(agency.id).contact_email == agency.contact_email
    assert not any("evil" in m.recipient for m in OutboxMessage.select())


def test_every_sent_email_has_one_recipient_and_no_extra_headers(app, client):
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    for number in range(3):
        post_form(
            client,
            "/admin/users/new",
            {"full_name": f"Person {number}\r\nBcc: x", "email": f"p{number}@portal.example", "role": "review_officer"},
            headers={"X-CSRFToken": csrf_token(client)},
        )
    send_queued_mail(app)
    messages = FileMailbox(app.config["MAIL_FILE_DIR"]).messages()
    assert messages
    for message in messages:
        assert message.get_all("To") and len(message.get_all("To")) == 1
        assert "," not in message["To"] and message["Bcc"] is None and message["Cc"] is None
        assert set(message.keys()) <= {
            "From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "Content-Type",
            "Content-Transfer-Encoding", "MIME-Version",
        }
