"""Helpers for driving the app through its HTTP layer and reading what it shows."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

from bs4 import BeautifulSoup

from tests.factories import PASSWORD


def csrf_token(client) -> str:
    page = client.get("/accessibility")
    return BeautifulSoup(page.text, "html.parser").find("meta", attrs={"name": "csrf-token"})[
        "content"
    ]


def sign_in(client, user, password: str = PASSWORD):
    response = client.post(
        "/sign-in",
        data={"email": user.email, "password": password, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302, (
        f"sign-in failed for {user.email}: {response.status_code} {error_summary(parse(response))}"
    )
    return response


def post_form(client, url: str, data: dict | None = None, **kwargs):
    """POST with a valid CSRF token, the way a browser submitting our form would."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=data, **kwargs)


def get_page(client, url: str, status: int = 200, title: str | None = None) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}, expected {status}"
    soup = BeautifulSoup(response.text, "html.parser")
    if title is not None:
        assert soup.title.get_text().startswith(title), soup.title.get_text()
    return soup


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def error_summary(soup: BeautifulSoup) -> list[str]:
    summary = soup.select_one(".govuk-error-summary")
    return [a.get_text(strip=True) for a in summary.select("a")] if summary else []


def field_error(soup: BeautifulSoup, field_id: str) -> str | None:
    message = soup.select_one(f"#{field_id}-error")
    return message.get_text(" ", strip=True).removeprefix("Error:").strip() if message else None


def send_queued_mail(app) -> dict:
    """Run the outbox sender once, as the scheduler would; its counts."""
    from portal.jobs.runner import run_job

    run = run_job(app, "deliver_outbox")
    assert run is not None and run.status.value == "succeeded", run and run.error
    return run.summary


class FileMailbox:
    """Reads what the .eml file backend wrote (after send_queued_mail: email is queued first)."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def messages(self) -> list[email.message.EmailMessage]:
        if not self.folder.exists():
            return []
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(self.folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        ]
