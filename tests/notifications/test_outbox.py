"""Queueing: in the caller's transaction, at most once per dedupe key, no header injection."""

from __future__ import annotations

import re
import threading
import time

import pytest
from peewee import IntegrityError

from portal.extensions import db
from portal.notifications.mail import UnsafeHeader
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.notifications.outbox import enqueue
from tests.factories import make_outbox_message, make_user


def queue(to="lead@agency.example", subject="Set your password for the review portal", **kwargs):
    kwargs.setdefault("link", "https://portal.test/set-password/abc")
    kwargs.setdefault("full_name", "Quinn Example")
    return enqueue(to, subject, "set_password", **kwargs)


def test_enqueue_renders_both_parts_now_without_a_request(app):
    with app.app_context():  # as a job has it: no request
        message = queue()
    row = OutboxMessage.get_by_id(message.id)
    assert (row.status, row.attempts, row.recipient, row.template) == (
        OutboxStatus.QUEUED,
        0,
        "lead@agency.example",
        "set_password",
    )
    assert "https://portal.test/set-password/abc" in row.text_body
    assert 'href="https://portal.test/set-password/abc"' in row.html_body
    assert "Quinn Example" in row.text_body
    assert re.fullmatch(r"<[0-9a-f]{32}@northvale\.example>", row.message_id)
    assert row.next_attempt_at <= row.created_at


def test_enqueue_is_part_of_the_callers_transaction(app):
    with app.app_context():
        with pytest.raises(RuntimeError), db.database.atomic():
            user = make_user()
            queue(to=user.email)
            raise RuntimeError("the change failed after the email was queued")
        assert OutboxMessage.select().count() == 0  # rolled back with the change

        with db.database.atomic():
            user = make_user()
            queue(to=user.email)
        assert [m.recipient for m in OutboxMessage.select()] == [user.email]


def test_message_ids_are_unique(app):
    with app.app_context():
        ids = {queue().message_id for _ in range(5)}
    assert len(ids) == 5


def test_a_dedupe_key_queues_at_most_once(app):
    with app.app_context():
        first = queue(dedupe_key="reminder:17:first")
        again = queue(dedupe_key="reminder:17:first", subject="A different subject")
        other = queue(dedupe_key="reminder:17:second")
        without_key = [queue(), queue()]
    assert first is not None and other is not None and all(without_key)
    assert again is None
    keys = [m.dedupe_key for m in OutboxMessage.select().order_by(OutboxMessage.id)]
    assert keys == ["reminder:17:first", "reminder:17:second", None, None]
    assert OutboxMessage.get(OutboxMessage.dedupe_key == "reminder:17:first").subject == (
        "Set your password for the review portal"
    )


def test_the_database_enforces_the_dedupe_key(app):
    make_outbox_message(dedupe_key="reminder:1:first")
    with pytest.raises(IntegrityError), db.database.atomic():
        make_outbox_message(dedupe_key="reminder:1:first")
    make_outbox_message(dedupe_key=None)
    make_outbox_message(dedupe_key=None)  # NULLs never clash
    assert OutboxMessage.select().count() == 3


def test_a_dedupe_key_holds_between_concurrent_transactions(app):
    """A second writer that queues the same key while the first has not committed gets nothing."""
    first_queued, release = threading.Event(), threading.Event()
    results = {}

    def first_writer():
        with app.app_context(), db.database.connection_context(), db.database.atomic():
            results["first"] = queue(dedupe_key="reminder:9:first")
            first_queued.set()
            release.wait(10)

    def second_writer():
        with app.app_context(), db.database.connection_context():
            results["second"] = queue(dedupe_key="reminder:9:first")

    threads = [threading.Thread(target=first_writer)]
    threads[0].start()
    assert first_queued.wait(10)
    threads.append(threading.Thread(target=second_writer))
    threads[1].start()
    time.sleep(0.2)  # the second writer is now waiting on the first's lock
    release.set()
    for thread in threads:
        thread.join(15)
    assert results["first"] is not None and results["second"] is None
    assert OutboxMessage.select().count() == 1


@pytest.mark.parametrize(
    "to, subject",
    [
        ("lead@agency.example", "Set your password\r\nBcc: everyone@elsewhere.example"),
        ("lead@agency.example", "Set your password\nX-Injected: yes"),
        ("lead@agency.example\r\nBcc: everyone@elsewhere.example", "Set your password"),
        ("lead@agency.example, everyone@elsewhere.example", "Set your password"),
        ("Lead <lead@agency.example>", "Set your password"),
        ("not-an-address", "Set your password"),
        ("lead@agency.example", ""),
    ],
)
def test_unsafe_recipients_and_subjects_are_refused_when_queued(app, to, subject):
    with app.app_context(), pytest.raises(UnsafeHeader):
        queue(to=to, subject=subject)
    assert OutboxMessage.select().count() == 0
