"""Delivery through a real SMTP server: retries, refusals, crashes, and two senders at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from portal.clock import utcnow
from portal.extensions import db
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.notifications.outbox import enqueue
from portal.notifications.sender import claim_due, deliver_due, mark_sending
from tests.factories import make_outbox_message

LINK = "https://portal.test/set-password/abc"


def queue(app, count: int = 1, **kwargs) -> list[OutboxMessage]:
    with app.app_context():
        return [
            enqueue(
                kwargs.get("to", f"person{n}@agency.example"),
                "Set your password for the review portal",
                "set_password",
                link=LINK,
                full_name=f"Person {n}",
            )
            for n in range(count)
        ]


def deliver(app) -> dict:
    with app.app_context():
        return deliver_due()


def statuses() -> list[OutboxStatus]:
    return [m.status for m in OutboxMessage.select().order_by(OutboxMessage.id)]


def test_delivers_plain_and_html_parts_with_the_rows_message_id(app, smtp_server):
    [queued] = queue(app, to="quinn@agency.example")
    assert deliver(app) == {"sent": 1, "retrying": 0, "failed": 0, "unknown": 0}

    [received] = smtp_server.received
    assert smtp_server.handler.envelopes == [("review-portal@northvale.example", ["quinn@agency.example"])]
    assert received["Message-ID"] == queued.message_id
    assert received["To"] == "quinn@agency.example"
    assert received["From"] == "review-portal@northvale.example"
    assert received["Subject"] == "Set your password for the review portal"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_content_type() == "multipart/alternative"
    assert LINK in received.get_body(("plain",)).get_content()
    assert f'href="{LINK}"' in received.get_body(("html",)).get_content()

    row = OutboxMessage.get_by_id(queued.id)
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 1, None)
    assert row.sent_at is not None
    assert (row.text_body, row.html_body) == ("", "")  # no copy of the link is kept
    assert deliver(app)["sent"] == 0  # nothing is sent twice


def test_smtp_down_loses_nothing_and_sends_nothing_twice(app, smtp_server, time_machine):
    time_machine.move_to(utcnow().replace(tzinfo=dt.UTC))
    queued = queue(app, 5)
    smtp_server.stop()

    assert deliver(app) == {"sent": 0, "retrying": 5, "failed": 0, "unknown": 0}
    rows = list(OutboxMessage.select())
    assert {(m.status, m.attempts) for m in rows} == {(OutboxStatus.QUEUED, 1)}
    assert all("Mail server unavailable" in m.last_error for m in rows)
    assert all(m.next_attempt_at >= utcnow() + dt.timedelta(seconds=59) for m in rows)

    assert deliver(app)["retrying"] == 0  # backing off: nothing is due yet
    time_machine.shift(dt.timedelta(seconds=61))
    assert deliver(app)["retrying"] == 5  # still down: the second attempt backs off for longer
    assert {m.next_attempt_at - utcnow() > dt.timedelta(seconds=119) for m in OutboxMessage.select()} == {
        True
    }

    smtp_server.start()  # back again
    time_machine.shift(dt.timedelta(seconds=121))
    assert deliver(app) == {"sent": 5, "retrying": 0, "failed": 0, "unknown": 0}
    assert deliver(app)["sent"] == 0
    copies = smtp_server.copies_by_message_id()
    assert copies == {m.message_id: 1 for m in queued}
    assert set(statuses()) == {OutboxStatus.SENT}


def test_a_421_reply_backs_off_the_whole_batch(app, smtp_server, time_machine):
    time_machine.move_to(utcnow().replace(tzinfo=dt.UTC))
    queued = queue(app, 3)
    smtp_server.handler.data_reply = "421 4.3.2 Service not available, try later"

    assert deliver(app) == {"sent": 0, "retrying": 3, "failed": 0, "unknown": 0}
    assert smtp_server.received == []
    assert all(m.last_error.startswith("421") for m in OutboxMessage.select())

    smtp_server.handler.data_reply = None
    time_machine.shift(dt.timedelta(seconds=61))
    assert deliver(app)["sent"] == 3
    assert smtp_server.copies_by_message_id() == {m.message_id: 1 for m in queued}


def test_transient_refusals_back_off_exponentially_then_fail(app, smtp_server, time_machine):
    app.config.update(OUTBOX_MAX_ATTEMPTS=3, OUTBOX_RETRY_BASE_SECONDS=60)
    time_machine.move_to(utcnow().replace(tzinfo=dt.UTC))
    [queued] = queue(app)
    smtp_server.handler.rcpt_reply = "451 4.2.0 Mailbox busy, try later"

    waits = []
    for _ in range(2):
        assert deliver(app)["retrying"] == 1
        row = OutboxMessage.get_by_id(queued.id)
        waits.append(round((row.next_attempt_at - utcnow()).total_seconds()))
        time_machine.shift(row.next_attempt_at - utcnow() + dt.timedelta(seconds=1))
    assert waits == [60, 120]

    assert deliver(app)["failed"] == 1
    row = OutboxMessage.get_by_id(queued.id)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    assert row.last_error == "451 4.2.0 Mailbox busy, try later (gave up after 3 attempts)"
    assert row.text_body  # kept, so an admin can retry it


def test_a_permanent_refusal_fails_at_once_and_the_rest_still_go(app, smtp_server):
    refused, accepted = queue(app, 2)

    class RefuseOne(type(smtp_server.handler)):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == refused.recipient:
                return "550 5.1.1 No such mailbox here"
            return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    smtp_server.handler.__class__ = RefuseOne
    assert deliver(app) == {"sent": 1, "retrying": 0, "failed": 1, "unknown": 0}
    row = OutboxMessage.get_by_id(refused.id)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert row.last_error == "550 5.1.1 No such mailbox here"
    assert OutboxMessage.get_by_id(accepted.id).status == OutboxStatus.SENT
    assert deliver(app)["failed"] == 0  # failed stays failed until an admin retries


def test_a_crash_mid_delivery_leaves_unknown_which_is_not_resent(app, smtp_server, time_machine):
    time_machine.move_to(utcnow().replace(tzinfo=dt.UTC))
    [queued] = queue(app)
    with app.app_context():
        [claimed] = claim_due(10)  # a sender claims it, starts handing it over... and dies
        assert mark_sending(claimed)
    assert claimed.id == queued.id

    assert deliver(app) == {"sent": 0, "retrying": 0, "failed": 0, "unknown": 0}
    assert statuses() == [OutboxStatus.SENDING]  # within the lease: perhaps still being sent

    time_machine.shift(dt.timedelta(seconds=app.config["OUTBOX_SENDING_LEASE_SECONDS"] + 1))
    assert deliver(app) == {"sent": 0, "retrying": 0, "failed": 0, "unknown": 1}
    row = OutboxMessage.get_by_id(queued.id)
    assert (row.status, row.attempts) == (OutboxStatus.UNKNOWN, 1)
    assert "may or may not have been delivered" in row.last_error

    time_machine.shift(dt.timedelta(hours=2))
    assert deliver(app)["sent"] == 0
    assert smtp_server.received == []  # never resent by itself (retrying is in test_views)


def test_a_crash_leaves_in_doubt_only_the_message_being_handed_over(app, smtp_server, time_machine):
    """The rest of the dead sender's batch was never tried: it is sent, once, after the lease."""
    time_machine.move_to(utcnow().replace(tzinfo=dt.UTC))
    queued = queue(app, 5)
    with app.app_context():
        batch = claim_due(10)
        assert mark_sending(batch[0])  # ...and the sender is killed here

    assert deliver(app)["sent"] == 0  # all still in a live sender's hands, as far as anyone knows
    time_machine.shift(dt.timedelta(seconds=app.config["OUTBOX_SENDING_LEASE_SECONDS"] + 1))
    assert deliver(app) == {"sent": 4, "retrying": 0, "failed": 0, "unknown": 1}
    assert sorted(m["Message-ID"] for m in smtp_server.received) == sorted(q.message_id for q in queued[1:])
    assert OutboxMessage.get_by_id(batch[0].id).status == OutboxStatus.UNKNOWN


def test_a_message_with_an_injected_header_is_refused_not_sent(app, smtp_server):
    """Even a row that somehow holds CR/LF never reaches the server or grows a header."""
    bad = make_outbox_message(subject="Hello\r\nBcc: everyone@elsewhere.example")
    worse = make_outbox_message(recipient="lead@agency.example\r\nBcc: everyone@elsewhere.example")
    good = make_outbox_message()

    assert deliver(app) == {"sent": 1, "retrying": 0, "failed": 2, "unknown": 0}
    for row in (bad, worse):
        row = OutboxMessage.get_by_id(row.id)
        assert row.status == OutboxStatus.FAILED
        assert row.last_error.startswith("Refused before sending")
    [received] = smtp_server.received
    assert received["Message-ID"] == good.message_id
    assert received.get_all("Bcc") is None
    assert [to for _, to in smtp_server.handler.envelopes] == [[good.recipient]]


def test_two_senders_at_once_deliver_each_message_exactly_once(app, smtp_server):
    """The claim alone (no job lock here) stops two senders taking the same message."""
    queued = queue(app, 30)
    smtp_server.handler.delay = 0.01
    start = threading.Barrier(2)
    counts = []

    def sender():
        with app.app_context(), db.database.connection_context():
            start.wait(10)
            counts.append(deliver_due())

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sum(c["sent"] for c in counts) == 30
    assert smtp_server.copies_by_message_id() == {m.message_id: 1 for m in queued}
    assert set(statuses()) == {OutboxStatus.SENT}


def test_a_sender_out_of_time_puts_back_what_it_has_not_sent(app, smtp_server):
    # Half the lease is the budget: 0.5s here, and the server takes 0.2s a message.
    app.config.update(OUTBOX_SENDING_LEASE_SECONDS=1)
    smtp_server.handler.delay = 0.2
    queue(app, 6)

    counts = deliver(app)
    rows = list(OutboxMessage.select())
    sent = [m for m in rows if m.status == OutboxStatus.SENT]
    waiting = [m for m in rows if m.status == OutboxStatus.QUEUED]
    assert 1 <= counts["sent"] == len(sent) < 6
    assert len(sent) + len(waiting) == 6  # none left "sending" for the lease to catch
    assert {(m.attempts, m.claimed_at) for m in waiting} == {(0, None)}


@pytest.mark.parametrize("backend", ["nonsense"])
def test_an_unknown_backend_leaves_everything_queued(app, backend):
    queue(app, 2)
    app.config["MAIL_BACKEND"] = backend
    with pytest.raises(ValueError, match="unknown MAIL_BACKEND"):
        deliver(app)
    assert statuses() == [OutboxStatus.QUEUED, OutboxStatus.QUEUED]
