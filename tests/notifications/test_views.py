"""The admin outbox page: what it shows (never bodies), filtering, and retrying."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.notifications.models import OutboxMessage, OutboxStatus
from tests.factories import make_outbox_message, make_user
from tests.helpers import get_page, parse, post_form, send_queued_mail, sign_in


def signed_in_admin(client):
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    return admin


def rows(soup) -> dict[str, list[str]]:
    """Recipient -> the row's cells."""
    table = {}
    for row in soup.select("#outbox-messages tbody tr[id^=message-]"):
        cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
        table[cells[1]] = cells
    return table


def test_admins_see_every_status_with_errors_but_never_bodies(client):
    signed_in_admin(client)
    make_outbox_message(recipient="queued@agency.example", text_body="SECRET-BODY", html_body="SECRET-HTML")
    make_outbox_message(OutboxStatus.SENT, recipient="sent@agency.example")
    make_outbox_message(
        OutboxStatus.FAILED,
        recipient="failed@agency.example",
        attempts=1,
        last_error="550 5.1.1 No such mailbox",
    )
    make_outbox_message(
        OutboxStatus.UNKNOWN, recipient="unknown@agency.example", last_error="Sending was interrupted"
    )

    soup = get_page(client, "/admin/outbox", title="Outbox")
    table = rows(soup)
    assert {email: cells[3] for email, cells in table.items()} == {
        "queued@agency.example": "Queued",
        "sent@agency.example": "Sent",
        "failed@agency.example": "Failed",
        "unknown@agency.example": "Unknown",
    }
    assert "Last error: 550 5.1.1 No such mailbox" in table["failed@agency.example"][5]
    assert "SECRET" not in soup.get_text() and "SECRET" not in str(soup)
    retry_buttons = {form["action"] for form in soup.select("#outbox-messages form[action$='/retry']")}
    assert len(retry_buttons) == 2  # failed and unknown only
    labels = [option.get_text() for option in soup.select("#status option")]
    assert labels == [
        "Any status (4)",
        "Queued (1)",
        "About to send (0)",
        "Sending (0)",
        "Sent (1)",
        "Failed (1)",
        "Unknown (1)",
    ]


def test_the_status_filter_returns_a_fragment_for_htmx(client):
    signed_in_admin(client)
    make_outbox_message(OutboxStatus.SENT, recipient="sent@agency.example")
    make_outbox_message(OutboxStatus.FAILED, recipient="failed@agency.example")

    response = client.get("/admin/outbox?status=failed", headers={"HX-Request": "true"})
    assert "HX-Request" in response.headers["Vary"]
    fragment = parse(response)
    assert fragment.select_one("#outbox-messages") and not fragment.select_one("html")
    assert list(rows(fragment)) == ["failed@agency.example"]

    full = get_page(client, "/admin/outbox?status=failed", title="Outbox")
    assert list(rows(full)) == ["failed@agency.example"]
    assert full.select_one("#status option[selected]")["value"] == "failed"

    nonsense = get_page(client, "/admin/outbox?status=lost", title="Outbox")
    assert "Select a status from the list" in nonsense.select_one("#outbox-messages").get_text()
    assert len(rows(nonsense)) == 2


def test_a_failed_message_can_be_retried_and_is_audited(app, client, mailbox):
    admin = signed_in_admin(client)
    message = make_outbox_message(
        OutboxStatus.FAILED, recipient="failed@agency.example", attempts=10, last_error="gave up"
    )
    response = post_form(client, f"/admin/outbox/{message.id}/retry", {"status": "failed"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/outbox?status=failed"  # back to the same filter

    row = OutboxMessage.get_by_id(message.id)
    assert (row.status, row.attempts) == (OutboxStatus.QUEUED, 0)  # a fresh set of attempts
    event = AuditEvent.get(AuditEvent.action == "outbox_message_retried")
    assert (event.actor_id, event.object_type, event.object_id) == (
        admin.id,
        "outbox_message",
        str(message.id),
    )
    assert event.detail == {"previous_status": "failed", "attempts": 10}
    banner = get_page(client, "/admin/outbox").select_one(".govuk-notification-banner")
    assert "The message to failed@agency.example is queued" in banner.get_text()

    assert send_queued_mail(app)["sent"] == 1
    [sent] = mailbox.messages()
    assert sent["Message-ID"] == message.message_id


def test_an_unknown_message_is_only_sent_again_when_an_admin_retries(app, client, smtp_server):
    signed_in_admin(client)
    message = make_outbox_message(OutboxStatus.UNKNOWN, attempts=1, last_error="Sending was interrupted")
    send_queued_mail(app)
    assert smtp_server.received == []

    assert post_form(client, f"/admin/outbox/{message.id}/retry").status_code == 302
    send_queued_mail(app)
    assert smtp_server.copies_by_message_id() == {message.message_id: 1}  # the same Message-ID
    assert OutboxMessage.get_by_id(message.id).status == OutboxStatus.SENT


def test_a_message_that_is_not_failed_or_unknown_is_not_retried(client):
    signed_in_admin(client)
    message = make_outbox_message(OutboxStatus.SENT, recipient="sent@agency.example")
    response = post_form(client, f"/admin/outbox/{message.id}/retry", {"status": "nonsense"})
    assert response.headers["Location"] == "/admin/outbox"
    assert OutboxMessage.get_by_id(message.id).status == OutboxStatus.SENT
    assert not AuditEvent.select().where(AuditEvent.action == "outbox_message_retried").exists()
    banner = get_page(client, "/admin/outbox").select_one(".govuk-notification-banner")
    assert "was not queued again" in banner.get_text()
    assert client.post("/admin/outbox/999999/retry", data={}).status_code in (400, 404)
    assert post_form(client, "/admin/outbox/999999/retry").status_code == 404


def test_retry_needs_a_csrf_token(client):
    signed_in_admin(client)
    message = make_outbox_message(OutboxStatus.FAILED)
    client.post(f"/admin/outbox/{message.id}/retry", data={})
    assert OutboxMessage.get_by_id(message.id).status == OutboxStatus.FAILED


@contextmanager
def counting_queries():
    queries = []

    class Collector(logging.Handler):
        def emit(self, record):
            queries.append(record.getMessage())

    logger, handler = logging.getLogger("peewee"), Collector(level=logging.DEBUG)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield queries
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def test_the_outbox_page_runs_the_same_queries_however_many_messages(client):
    signed_in_admin(client)
    counts = []
    for total in (3, 40):
        while OutboxMessage.select().count() < total:
            make_outbox_message(OutboxStatus.FAILED, last_error="550 no")
        with counting_queries() as queries:
            get_page(client, "/admin/outbox")
        counts.append(len(queries))
    assert counts[0] == counts[1]
