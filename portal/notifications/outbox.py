"""The outbox: every email the portal sends is queued here first.

enqueue() renders the email and inserts it in the caller's transaction, so an
email exists exactly when the change that caused it was committed. The
deliver_outbox job sends it (sender.py says how, and what happens when a
sender dies mid-delivery). Admins see the outbox at /admin/outbox and can
send a failed or unknown message again.

What an email may say: what needs doing and a link to the portal page. Never
the names of the people a review is about, never a summary of a case; the
page behind the link checks who is signed in.
"""

from __future__ import annotations

from portal.audit.service import record
from portal.clock import utcnow
from portal.extensions import db
from portal.notifications.mail import check_recipient, check_subject, new_message_id, render_bodies
from portal.notifications.models import RETRYABLE, OutboxMessage, OutboxStatus


def enqueue(
    to: str, subject: str, template: str, dedupe_key: str | None = None, **context
) -> OutboxMessage | None:
    """Queue an email from templates/emails/<template>.txt and .html, rendered now.

    Runs in the caller's transaction: call it inside the `db.atomic()` block
    that makes the change, and a rollback takes the email with it.

    With a dedupe_key, the email is queued at most once per key, ever: a
    second call with the same key (from a job that runs again, or a second
    process) does nothing and returns None. The database's unique index
    enforces it, so it holds between processes too.

    Raises UnsafeHeader for a recipient or subject that could inject headers.
    """
    to = check_recipient(to)
    subject = check_subject(subject)
    text, html = render_bodies(template, **context)
    now = utcnow()
    message_id = new_message_id()
    insert = OutboxMessage.insert(
        message_id=message_id,
        dedupe_key=dedupe_key,
        recipient=to,
        subject=subject,
        template=template,
        text_body=text,
        html_body=html,
        status=OutboxStatus.QUEUED,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    if dedupe_key is not None:
        insert = insert.on_conflict(action="NOTHING", conflict_target=[OutboxMessage.dedupe_key])
    insert.execute()
    return OutboxMessage.get_or_none(OutboxMessage.message_id == message_id)


class NotRetryable(Exception):
    """Only failed and unknown messages can be sent again (someone may have just done it)."""


def retry_message(message_id: int, actor) -> OutboxMessage:
    """An admin's decision to send a failed or unknown message again, with fresh attempts.

    The Message-ID is kept, so if an "unknown" message had in fact arrived,
    the copy can be recognised as the same message.
    """
    with db.database.atomic():
        message = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
        if message is None or message.status not in RETRYABLE:
            raise NotRetryable(message_id)
        queued = (
            OutboxMessage.update(
                status=OutboxStatus.QUEUED, attempts=0, next_attempt_at=utcnow(), claimed_at=None
            )
            .where(OutboxMessage.id == message.id, OutboxMessage.status.in_(RETRYABLE))
            .execute()
        )
        if queued != 1:
            raise NotRetryable(message_id)
        record(
            "outbox_message_retried",
            actor=actor,
            obj=message,
            previous_status=message.status.value,
            attempts=message.attempts,
        )
    return message
