"""Mail backends: .eml files for development, SMTP for production."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template


def build_message(to: str, subject: str, template: str, **context) -> EmailMessage:
    """A plain-text and HTML email from templates/emails/<template>.txt and .html.

    EmailMessage refuses CR/LF in header values, so user-supplied text cannot
    add headers or recipients.
    """
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=uuid.uuid4().hex, domain="review-portal.invalid")
    context.setdefault("service_name", current_app.config["SERVICE_NAME"])
    context.setdefault("council_name", current_app.config["COUNCIL_NAME"])
    message.set_content(render_template(f"emails/{template}.txt", **context))
    message.add_alternative(render_template(f"emails/{template}.html", **context), subtype="html")
    return message


def deliver(message: EmailMessage) -> None:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "file":
        _deliver_to_file(message)
    elif backend == "smtp":
        _deliver_by_smtp(message)
    else:
        raise ValueError(f"unknown MAIL_BACKEND {backend!r}")


def _deliver_to_file(message: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
    (folder / f"{name}.eml").write_bytes(message.as_bytes())


def _deliver_by_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(
        config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT_SECONDS"]
    ) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)


def absolute_url(path: str) -> str:
    """Links in emails use BASE_URL, never the request's Host header."""
    return current_app.config["BASE_URL"] + path
