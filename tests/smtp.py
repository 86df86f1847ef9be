"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), that can be told to refuse or go away.

Conftests that need it import the `smtp_server` fixture from here.
"""

from __future__ import annotations

import asyncio
import email
import socket
from collections import Counter
from email import policy

import pytest
from aiosmtpd.controller import Controller


class RecordingHandler:
    """Keeps every message it accepts; `rcpt_reply` / `data_reply` make it refuse instead."""

    def __init__(self):
        self.received: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.rcpt_reply: str | None = None  # e.g. "550 5.1.1 No such mailbox"
        self.data_reply: str | None = None  # e.g. "421 4.3.2 Service not available"
        self.delay = 0.0  # seconds per message, to make a run last a while

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.data_reply:
            return self.data_reply
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.received.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.handler = RecordingHandler()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[email.message.EmailMessage]:
        return self.handler.received

    def copies_by_message_id(self) -> Counter:
        """How many times each Message-ID arrived: a duplicate delivery shows as 2."""
        return Counter(message["Message-ID"] for message in self.received)


@pytest.fixture
def smtp_server(app):
    """The app's mail goes to a plain SMTP server on a free port (no TLS, no login)."""
    server = SmtpServer()
    server.start()
    app.config.update(
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=server.port,
        SMTP_STARTTLS=False,
        SMTP_USERNAME="",
        SMTP_PASSWORD="",
        SMTP_TIMEOUT_SECONDS=5,
    )
    yield server
    server.stop()
