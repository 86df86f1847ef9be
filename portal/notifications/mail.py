"""Building emails safely, and the transports that hand them over.

Nothing here sends on its own: the outbox (outbox.py) queues messages and the
deliver_outbox job sends them through a transport from open_transport():
`.eml` files for development, SMTP for production.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from flask import current_app, render_template

from portal.clock import UTC

SUBJECT_MAX_LENGTH = 200
# One plain address: no display name, no list, no whitespace (so no CR/LF).
_ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]\\]{1,64}@[A-Za-z0-9.-]{1,189}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UnsafeHeader(ValueError):
    """A recipient or subject that could add headers or recipients: refused, never cleaned."""


def check_recipient(address: str) -> str:
    if not isinstance(address, str) or not _ADDRESS.fullmatch(address):
        raise UnsafeHeader(f"not a single plain email address: {address!r}")
    return address


def check_subject(subject: str) -> str:
    if not isinstance(subject, str) or not subject.strip() or _CONTROL.search(subject):
        raise UnsafeHeader(f"subject is empty or has control characters: {subject!r}")
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise UnsafeHeader(f"subject is longer than {SUBJECT_MAX_LENGTH} characters")
    return subject


def new_message_id() -> str:
    """An RFC 5322 Message-ID in the sender's own domain."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2]
    return f"<{uuid.uuid4().hex}@{domain or 'review-portal.invalid'}>"


def render_bodies(template: str, **context) -> tuple[str, str]:
    """The plain-text and HTML bodies from templates/emails/<template>.txt and .html.

    Needs an app context, not a request: jobs render emails too.
    """
    context.setdefault("service_name", current_app.config["SERVICE_NAME"])
    context.setdefault("council_name", current_app.config["COUNCIL_NAME"])
    return (
        render_template(f"emails/{template}.txt", **context),
        render_template(f"emails/{template}.html", **context),
    )


def compose(*, to: str, subject: str, text: str, html: str, message_id: str, created_at):
    """A multipart/alternative email.

    The checks above refuse unsafe values first; EmailMessage would also
    refuse CR/LF in any header, so nothing can add a header or a recipient.
    """
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = check_recipient(to)
    message["Subject"] = check_subject(subject)
    # When the portal wrote it, not when a retry finally got through.
    message["Date"] = format_datetime(created_at.replace(tzinfo=UTC))
    message["Message-ID"] = message_id
    # RFC 3834: out-of-office replies should not answer a robot.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def absolute_url(path: str) -> str:
    """Links in emails use BASE_URL, never the request's Host header."""
    return current_app.config["BASE_URL"] + path


def portal_url(endpoint: str, **values) -> str:
    """An absolute link to a portal page, with or without a request (jobs have none)."""
    adapter = current_app.url_map.bind("portal.invalid")
    return absolute_url(adapter.build(endpoint, values))


# Transports ---------------------------------------------------------------------------


class FileTransport:
    """Development: each message becomes <Message-ID>.eml in MAIL_FILE_DIR."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9._-]", "_", message["Message-ID"].strip("<>"))
        target = self.folder / f"{name}.eml"
        partial = target.with_suffix(".eml.partial")
        partial.write_bytes(message.as_bytes())
        os.replace(partial, target)  # a reader never sees half a message

    def close(self) -> None:
        pass


class SmtpTransport:
    """Production: one connection per delivery run, opened on first use."""

    def __init__(self, config):
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            config = self.config
            smtp = smtplib.SMTP(
                config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT_SECONDS"]
            )
            try:
                if config["SMTP_STARTTLS"]:
                    smtp.starttls(context=ssl.create_default_context())
                if config["SMTP_USERNAME"]:
                    smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def send(self, message: EmailMessage) -> None:
        try:
            self._connection().send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError):
            if self._smtp is not None and self._smtp.sock is None:
                self._smtp = None  # smtplib closed it (a 421 reply)
            raise
        except BaseException:
            self.close()  # in an unknown state: start again with a new connection
            raise

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


@contextmanager
def open_transport() -> Iterator[FileTransport | SmtpTransport]:
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend == "file":
        transport = FileTransport(config["MAIL_FILE_DIR"])
    elif backend == "smtp":
        transport = SmtpTransport(config)
    else:
        raise ValueError(f"unknown MAIL_BACKEND {backend!r}")
    try:
        yield transport
    finally:
        transport.close()
