from __future__ import annotations

from enum import StrEnum

from peewee import BigAutoField, CharField, DateTimeField, IntegerField, TextField
from playhouse.fields import EnumField

from portal.clock import utcnow
from portal.database import BaseModel


class OutboxStatus(StrEnum):
    QUEUED = "queued"  # waiting to be sent, at or after next_attempt_at
    CLAIMED = "claimed"  # taken by a sender in a batch, not yet handed to the mail server
    SENDING = "sending"  # being handed to the mail server; the sender has not reported back yet
    SENT = "sent"  # the mail server accepted it
    FAILED = "failed"  # refused for good, or out of attempts: an admin may retry
    UNKNOWN = "unknown"  # a sender stopped mid-delivery: it may or may not have gone

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    OutboxStatus.QUEUED: "Queued",
    OutboxStatus.CLAIMED: "About to send",
    OutboxStatus.SENDING: "Sending",
    OutboxStatus.SENT: "Sent",
    OutboxStatus.FAILED: "Failed",
    OutboxStatus.UNKNOWN: "Unknown",
}

# Statuses an admin can send again.
RETRYABLE = (OutboxStatus.FAILED, OutboxStatus.UNKNOWN)


class OutboxMessage(BaseModel):
    """One email, written in the same transaction as the change that caused it.

    The bodies are rendered when the message is queued, so the sender needs no
    request, and are blanked once the mail server accepts the message: the
    database keeps no copy of a delivered set-password link.
    """

    id = BigAutoField()
    # RFC 5322 Message-ID, made once and sent on every attempt, so a duplicate
    # delivery can be recognised by the receiving server (and by tests).
    message_id = CharField(max_length=255, unique=True)
    # "At most once" for callers that can run twice (e.g. reminder:<request>:<stage>).
    # NULLs never clash, so messages without a key are not limited.
    dedupe_key = CharField(max_length=200, null=True, unique=True)
    recipient = CharField(max_length=254)
    subject = CharField(max_length=200)
    template = CharField(max_length=64)
    text_body = TextField()
    html_body = TextField()
    status = EnumField(OutboxStatus, max_length=16, default=OutboxStatus.QUEUED)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    last_error = CharField(max_length=500, null=True)
    created_at = DateTimeField(default=utcnow)
    claimed_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)

    class Meta:
        # The sender's question: what is queued and due?
        indexes = ((("status", "next_attempt_at"), False),)
