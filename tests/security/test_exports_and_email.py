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
    '=HYPERLINK("https://evil.example","Click")',
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
            {
                "full_name": f"Person {number}\r\nBcc: x",
                "email": f"p{number}@portal.example",
                "role": "review_officer",
            },
            headers={"X-CSRFToken": csrf_token(client)},
        )
    send_queued_mail(app)
    messages = FileMailbox(app.config["MAIL_FILE_DIR"]).messages()
    assert messages
    for message in messages:
        assert message.get_all("To") and len(message.get_all("To")) == 1
        assert "," not in message["To"] and message["Bcc"] is None and message["Cc"] is None
        assert set(message.keys()) <= {
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "Auto-Submitted",
            "Content-Type",
            "Content-Transfer-Encoding",
            "MIME-Version",
        }


def test_media_inquiry_values_never_reach_a_header(app, client):
    """Every address a media inquiry can send to comes from a user: the panel chair's (typed on
    a form) and the lead press office's (an agency's). Neither form takes an injection; one
    stored some other way is left out of the routing, which says so; and nothing the journalist
    said (outlet, name, question) reaches a header."""
    from portal.media_inquiries.models import InquiryRecipient, ReviewMediaContact
    from portal.reviews.models import Review
    from tests.media_inquiries.builders import log, make_world

    world = make_world(app)
    review = world.review
    sign_in(client, world.officer)
    for value in HEADER_INJECTIONS:
        post_form(
            client,
            f"/media-inquiries/reviews/{review.id}/contact",
            {"version": "0", "panel_chair_name": "Dr Chair", "panel_chair_email": value},
        )
        post_form(
            client,
            "/media-inquiries/new",
            {
                "received_date": [str(part) for part in (1, 3, 2026)],
                "received_time": "9am",
                "received_by_name": "Pat Switchboard",
                "outlet": "Northvale Evening Post",
                "journalist_name": "Jo Inkwell",
                "journalist_email": value,
                "question": "Is there a review?",
                "deadline_date": ["1", "3", "2099"],
                "deadline_time": "5pm",
                "review": str(review.id),
                "topic": "infer",
            },
        )
    assert not ReviewMediaContact.select().exists()
    assert not OutboxMessage.select().where(OutboxMessage.recipient.contains("evil")).exists()

    # Stored some other way: the routing leaves both addresses out and names the gap.
    ReviewMediaContact.create(
        review=review, panel_chair_name="Dr Chair", panel_chair_email=HEADER_INJECTIONS[0]
    )
    Agency.update(contact_email=HEADER_INJECTIONS[1]).where(Agency.id == world.agency.id).execute()
    Review.update(lead_press_office=world.agency.id).where(Review.id == review.id).execute()
    injected = "Evening Post\r\nBcc: thief@evil.example"
    _, routing = log(
        app,
        world.officer,
        Review.get_by_id(review.id),
        outlet=injected,
        journalist_name=injected,
        question=injected,
    )
    assert len(routing.gaps) == 2, routing.gaps
    assert not InquiryRecipient.select().where(InquiryRecipient.email.contains("evil")).exists()
    send_queued_mail(app)
    messages = FileMailbox(app.config["MAIL_FILE_DIR"]).messages()
    assert messages, "the inquiry told nobody, so the test proves nothing"
    for message in messages:
        assert len(message.get_all("To")) == 1 and message["Bcc"] is None and message["Cc"] is None
        assert not [name for name, value in message.items() if "evil" in str(value)], message["Subject"]
