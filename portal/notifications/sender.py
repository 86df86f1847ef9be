"""Sending what the outbox holds: the work of the deliver_outbox job.

A run, in order:
1. Messages left by a sender that stopped mid-run (a crash, kill -9, a power
   cut), OUTBOX_SENDING_LEASE_SECONDS after they were claimed:
   - `claimed` ones were never handed to the mail server: queued again, as
     if untouched;
   - the one `sending` when it stopped may or may not have been accepted, so
     it becomes `unknown` and is NOT sent again automatically: a second
     set-password link or reminder confuses people more than a missing one
     that an admin can see and resend from /admin/outbox. (Each message keeps
     its Message-ID on every attempt, so a copy can always be recognised.)
2. Claim a batch of due messages in one transaction (queued -> claimed). On
   PostgreSQL the rows are locked with SKIP LOCKED; on SQLite the transaction
   holds the write lock (BEGIN IMMEDIATE). Either way two senders never claim
   the same message, even without the job lock in portal/jobs/locks.py.
3. Mark each one `sending` (committed) just before handing it to the server,
   so a stop leaves at most one message in doubt, not the whole batch; send it
   and record the result:
   - accepted by the server: sent, and its bodies are blanked;
   - refused for good (a 5xx reply about this message, or an unsafe header):
     failed at once;
   - anything else (a 4xx reply, the server unreachable): queued again after
     OUTBOX_RETRY_BASE_SECONDS, doubled each attempt up to an hour; failed once
     OUTBOX_MAX_ATTEMPTS attempts are used up. When the server itself is the
     problem, the rest of the batch backs off with it and the run stops.
A run stops claiming and puts back what it has not reached after half the
lease, so a live sender's messages are never mistaken for a dead one's.

One gap no sender can close: if the connection drops after the server has
taken the message but before it says so, the message is retried and may
arrive twice, with the same Message-ID.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from dataclasses import dataclass

from flask import current_app

from portal.clock import utcnow
from portal.database import is_sqlite
from portal.extensions import db
from portal.notifications.mail import compose, open_transport
from portal.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

BATCH_SIZE = 50
IN_HAND = (OutboxStatus.CLAIMED, OutboxStatus.SENDING)  # a live sender's, until it records the result
MAX_RETRY_DELAY = dt.timedelta(hours=1)
ERROR_MAX_LENGTH = 500
INTERRUPTED = (
    "Sending was interrupted, so this may or may not have been delivered. "
    "It will not be sent again unless you retry it."
)


@dataclass(frozen=True)
class Problem:
    text: str
    permanent: bool  # this message will never be accepted as it is
    server_wide: bool  # the server, not this message, is the trouble: stop the run


def deliver_due() -> dict[str, int]:
    """Send every due message (within the time budget); counts of what happened."""
    config = current_app.config
    counts = {"sent": 0, "retrying": 0, "failed": 0, "unknown": mark_interrupted()}
    budget = min(config["OUTBOX_SENDING_LEASE_SECONDS"], config["JOB_LOCK_LEASE_SECONDS"]) / 2
    deadline = time.monotonic() + budget
    with open_transport() as transport:
        while time.monotonic() < deadline:
            batch = claim_due(BATCH_SIZE)
            if not batch or _send_batch(transport, batch, deadline, counts):
                break
    return counts


def mark_interrupted() -> int:
    lease = dt.timedelta(seconds=current_app.config["OUTBOX_SENDING_LEASE_SECONDS"])
    requeued = (
        OutboxMessage.update(status=OutboxStatus.QUEUED, claimed_at=None)
        .where(
            OutboxMessage.status == OutboxStatus.CLAIMED,
            OutboxMessage.claimed_at < utcnow() - lease,
        )
        .execute()
    )
    if requeued:
        log.warning("%d outbox message(s) claimed by a stopped sender, never tried: queued again", requeued)
    count = (
        OutboxMessage.update(
            status=OutboxStatus.UNKNOWN,
            attempts=OutboxMessage.attempts + 1,
            last_error=INTERRUPTED,
        )
        .where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_at < utcnow() - lease,
        )
        .execute()
    )
    if count:
        log.warning("%d outbox message(s) left mid-delivery are now 'unknown'", count)
    return count


def claim_due(limit: int) -> list[OutboxMessage]:
    now = utcnow()
    with db.database.atomic():
        due = (
            OutboxMessage.select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.QUEUED,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if not is_sqlite():
            due = due.for_update(skip_locked=True)
        ids = [row.id for row in due]
        if not ids:
            return []
        OutboxMessage.update(status=OutboxStatus.CLAIMED, claimed_at=now).where(
            OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.QUEUED
        ).execute()
        return list(
            OutboxMessage.select()
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.status == OutboxStatus.CLAIMED,
                OutboxMessage.claimed_at == now,
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        )


def _send_batch(transport, batch: list[OutboxMessage], deadline: float, counts: dict) -> bool:
    """Send a claimed batch; True when the run should stop (time is up, or the server is down)."""
    for position, message in enumerate(batch):
        if time.monotonic() >= deadline:
            release(batch[position:])
            return True
        try:
            email = compose(
                to=message.recipient,
                subject=message.subject,
                text=message.text_body,
                html=message.html_body,
                message_id=message.message_id,
                created_at=message.created_at,
            )
        except ValueError as error:  # UnsafeHeader, or EmailMessage's own refusal
            problem = Problem(f"Refused before sending: {error}", True, False)
            counts[record_problem(message, problem)] += 1
            continue
        if not mark_sending(message):
            continue  # a lease overtook this run and queued it again: not ours any more
        try:
            transport.send(email)
        except Exception as error:  # noqa: BLE001 - every failure is recorded on the message
            problem = diagnose(error)
            log.warning("outbox message %s not sent: %s", message.id, problem.text)
            counts[record_problem(message, problem)] += 1
            if problem.server_wide:
                # One transaction for the lot: on SQLite each write takes the database's write
                # lock, and a batch of them one by one would keep people's saves waiting.
                with db.database.atomic():
                    for waiting in batch[position + 1 :]:
                        counts[record_problem(waiting, problem)] += 1
                return True
        else:
            record_sent(message)
            counts["sent"] += 1
    return False


def mark_sending(message: OutboxMessage) -> bool:
    """Committed before the message goes to the server: from here on a stop leaves it in doubt."""
    return bool(
        OutboxMessage.update(status=OutboxStatus.SENDING)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == OutboxStatus.CLAIMED)
        .execute()
    )


def diagnose(error: BaseException) -> Problem:
    """Permanent or not, and whose fault. smtplib's errors are OSErrors: specific ones first."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        codes = [code for code, _ in replies]
        text = "; ".join(_reply(code, response) for code, response in replies)
        if 421 in codes:
            return Problem(text, permanent=False, server_wide=True)
        return Problem(text, permanent=all(500 <= c < 600 for c in codes), server_wide=False)
    if isinstance(error, smtplib.SMTPDataError):
        text = _reply(error.smtp_code, error.smtp_error)
        if error.smtp_code == 421:
            return Problem(text, permanent=False, server_wide=True)
        return Problem(text, permanent=500 <= error.smtp_code < 600, server_wide=False)
    if isinstance(error, smtplib.SMTPResponseException):
        # Connecting, greeting, signing in or the sender address: the same for every message.
        return Problem(_reply(error.smtp_code, error.smtp_error), False, server_wide=True)
    if isinstance(error, OSError):  # refused, timed out, TLS failed, disconnected
        return Problem(f"Mail server unavailable: {type(error).__name__}: {error}", False, True)
    return Problem(f"{type(error).__name__}: {error}", permanent=False, server_wide=False)


def _reply(code: int, response: bytes | str) -> str:
    if isinstance(response, bytes):
        response = response.decode("utf-8", errors="replace")
    return f"{code} {response}".strip()


def retry_delay(attempts: int) -> dt.timedelta:
    """Base, 2 x base, 4 x base... after the 1st, 2nd, 3rd attempt, never more than an hour."""
    base = current_app.config["OUTBOX_RETRY_BASE_SECONDS"]
    seconds = base * 2 ** min(max(attempts - 1, 0), 20)
    return min(dt.timedelta(seconds=seconds), MAX_RETRY_DELAY)


def record_sent(message: OutboxMessage) -> None:
    OutboxMessage.update(
        status=OutboxStatus.SENT,
        sent_at=utcnow(),
        attempts=OutboxMessage.attempts + 1,
        last_error=None,
        # Delivered: the database need not keep a copy of the link it carried.
        text_body="",
        html_body="",
    ).where(
        OutboxMessage.id == message.id,
        # "unknown" too: if a slow sender was overtaken by the lease, this is the truth.
        OutboxMessage.status.in_((OutboxStatus.SENDING, OutboxStatus.UNKNOWN)),
    ).execute()


def record_problem(message: OutboxMessage, problem: Problem) -> str:
    """Back off, or give up; returns "retrying" or "failed" for the run's counts."""
    attempts = message.attempts + 1
    gave_up = not problem.permanent and attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
    text = f"{problem.text} (gave up after {attempts} attempts)" if gave_up else problem.text
    if problem.permanent or gave_up:
        status, outcome, next_attempt_at = OutboxStatus.FAILED, "failed", message.next_attempt_at
    else:
        status, outcome = OutboxStatus.QUEUED, "retrying"
        next_attempt_at = utcnow() + retry_delay(attempts)
    OutboxMessage.update(
        status=status,
        attempts=attempts,
        next_attempt_at=next_attempt_at,
        last_error=_truncate(text),
    ).where(OutboxMessage.id == message.id, OutboxMessage.status.in_(IN_HAND)).execute()
    return outcome


def release(messages: list[OutboxMessage]) -> None:
    """Put back, untried and due, what a run claimed but had no time to send."""
    OutboxMessage.update(status=OutboxStatus.QUEUED, claimed_at=None).where(
        OutboxMessage.id.in_([m.id for m in messages]),
        OutboxMessage.status == OutboxStatus.CLAIMED,
    ).execute()


def _truncate(text: str) -> str:
    return text if len(text) <= ERROR_MAX_LENGTH else text[: ERROR_MAX_LENGTH - 1] + "…"
