"""Two-factor set-up and sessions in the real browser (tests 7 and the set-up journey).

The live server runs in this process, so time_machine moves its clock: the idle and
absolute timeouts are crossed without waiting, in one browser run.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pyotp
import pytest
import time_machine
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.demo.data import DEMO_PASSWORD
from tests.browser.conftest import demo_user
from tests.browser.test_accessibility import AXE_PATH, assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def new_person() -> str:
    """An account that has a password but has never set up two-factor sign-in."""
    from portal.accounts.models import User
    from portal.accounts.passwords import hash_password

    email = f"new.starter.{uuid.uuid4().hex[:8]}@northvale.example"
    User.create(
        email=email,
        full_name="Nia Starter",
        role=Role.REVIEW_OFFICER,
        password_hash=hash_password(DEMO_PASSWORD),
    )
    return email


def test_first_sign_in_sets_up_the_authenticator_app(browser_session, axe):
    email = new_person()
    page = browser_session.page
    browser_session.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    qr = page.locator("#two-factor-qr-code")
    expect(qr).to_be_visible()
    assert page.evaluate("() => document.querySelector('#two-factor-qr-code').naturalWidth") > 0
    assert_accessible(page, axe)
    key = page.locator("#two-factor-manual-key").inner_text().replace(" ", "")

    page.get_by_label("Security code").fill("000000" if pyotp.TOTP(key).now() != "000000" else "111111")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator("#code-error")).to_contain_text("Enter a correct security code")
    assert_accessible(page, axe)

    page.get_by_label("Security code").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(page, axe)
    page.get_by_role("button", name="I have saved my codes: continue").click()
    expect(page).to_have_url(browser_session.url("/"))
    expect(page.locator(".app-service-navigation__user")).to_have_text("Nia Starter")

    # The next sign-in asks for a code; the recovery-code page is one link away.
    page.locator(".govuk-service-navigation").get_by_role("button", name="Sign out").click()
    browser_session.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert_accessible(page, axe)
    page.get_by_role("link", name=re.compile("use a recovery code")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a recovery code")
    assert_accessible(page, axe)


def test_sessions_fixation_replay_and_timeouts_in_one_run(open_session):
    officer = demo_user(Role.REVIEW_OFFICER)
    first = open_session()
    first.goto("/sign-in")
    before = {c["name"]: c["value"] for c in first.context.cookies()}
    first.sign_in(officer.email, DEMO_PASSWORD)
    after = {c["name"]: c["value"] for c in first.context.cookies()}
    assert after["portal-session"] != before.get("portal-session")  # no fixation

    # A copied cookie works while the session lives, and not a moment after sign-out.
    thief = open_session()
    thief.context.add_cookies(first.context.cookies())
    thief.goto("/reviews")
    expect(thief.page.get_by_role("heading", level=1)).to_have_text("Reviews")
    first.page.locator(".govuk-service-navigation").get_by_role("button", name="Sign out").click()
    expect(first.page).to_have_url(first.url("/signed-out"))
    thief.goto("/reviews")
    expect(thief.page).to_have_url(re.compile(re.escape(thief.url("/sign-in")) + r"\?next="))

    # Idle: 31 minutes later, an htmx search loads the sign-in page whole (HX-Redirect).
    first.sign_in(officer.email, DEMO_PASSWORD)
    first.goto("/reviews")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31), tick=True):
        first.page.get_by_label("Search by reference or title").fill("anything")
        expect(first.page).to_have_url(re.compile(re.escape(first.url("/sign-in")) + r"\?next="))
        expect(first.page.locator("h1")).to_have_count(1)
        expect(first.page.get_by_role("heading", level=1)).to_have_text("Sign in to the review portal")

    # Absolute: busy all day, never idle for 30 minutes, still signed out after 12 hours.
    first.sign_in(officer.email, DEMO_PASSWORD)
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=True) as clock:
        for _ in range(25):  # 25 x 29 minutes: just over 12 hours
            clock.shift(dt.timedelta(minutes=29))
            response = first.context.request.get(first.url("/"), max_redirects=0)
            if response.status == 302:
                break
        assert response.status == 302 and "/sign-in" in response.headers["location"]
        assert (dt.datetime.now(dt.UTC) - start) > dt.timedelta(hours=12)
