"""Helpers for driving the app through its HTTP layer and reading what it shows."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pyotp
from bs4 import BeautifulSoup

from tests.factories import PASSWORD, TOTP_SECRET

SECURITY_CODE_URL = "/sign-in/security-code"
SET_UP_URL = "/sign-in/set-up-two-factor"


def csrf_token(client) -> str:
    page = client.get("/accessibility")
    return BeautifulSoup(page.text, "html.parser").find("meta", attrs={"name": "csrf-token"})["content"]


def sign_in(client, user, password: str = PASSWORD, totp_secret: str = TOTP_SECRET, next_url: str = ""):
    """Both steps, as a person would: the password, then a code from the app.

    An account without two-factor set up goes through the set-up page (its key is
    read off the page) and the answer is the recovery-codes page; otherwise the
    answer is the redirect into the portal.
    """
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    response = client.post(
        url, data={"email": user.email, "password": password, "csrf_token": csrf_token(client)}
    )
    step = response.headers.get("Location", "")
    assert response.status_code == 302 and step in (SECURITY_CODE_URL, SET_UP_URL), (
        f"sign-in failed for {user.email}: {response.status_code} {error_summary(parse(response))}"
    )
    if step == SET_UP_URL:
        key = parse(client.get(SET_UP_URL)).select_one("#two-factor-manual-key").get_text().replace(" ", "")
        response = post_form(client, SET_UP_URL, {"code": pyotp.TOTP(key).now()})
        assert response.status_code == 200 and parse(response).select("#recovery-codes li"), (
            f"two-factor set-up failed for {user.email}: {error_summary(parse(response))}"
        )
        return response
    response = post_form(client, SECURITY_CODE_URL, {"code": totp_code(user, totp_secret)})
    assert response.status_code == 302, (
        f"security code refused for {user.email}: {response.status_code} {error_summary(parse(response))}"
    )
    return response


def totp_code(user, secret: str = TOTP_SECRET) -> str:
    """A code the portal will accept now: each time step works once, so take the next unused one."""
    from portal.accounts.models import User
    from portal.accounts.two_factor import DRIFT_STEPS, current_step

    now = current_step()
    last = User.select(User.totp_last_step).where(User.id == user.id).scalar()
    # The current step first: a code from the step before could expire on its way to the server.
    usable = [step for step in (now, now + DRIFT_STEPS) if last is None or step > last]
    if not usable:
        # Signed in more than twice in one 30-second step (a test, not a person):
        # make room rather than wait. Replay refusal has its own tests.
        User.update(totp_last_step=now - DRIFT_STEPS).where(User.id == user.id).execute()
        usable = [now]
    step = usable[0]
    return pyotp.TOTP(secret).generate_otp(step)


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
