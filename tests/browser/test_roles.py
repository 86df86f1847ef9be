"""Each role signs in through the real form, sees its own navigation, and signs out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.demo.data import DEMO_PASSWORD
from tests.browser.conftest import demo_user, demo_users

pytestmark = pytest.mark.browser

# The service navigation each role sees, in order. Extend this as screens are added.
EXPECTED_NAVIGATION: dict[Role, list[str]] = {
    Role.ADMIN: ["Home", "Reviews", "Returns", "Media inquiries", "Administration"],
    Role.REVIEW_OFFICER: ["Home", "Reviews", "Returns", "Media inquiries"],
    Role.AGENCY_LEAD: ["Home", "Trawl requests", "Media inquiries"],
    Role.CSP_TEAM: ["Home", "Reviews", "Media inquiries"],
}

NAV_LINKS = ".govuk-service-navigation__list a.govuk-service-navigation__link"


def test_every_role_has_expected_navigation():
    assert set(EXPECTED_NAVIGATION) == set(Role), "add the new role to EXPECTED_NAVIGATION"


@pytest.mark.parametrize("user", demo_users(), ids=lambda user: f"{user.role.value}:{user.email}")
def test_sign_in_navigation_and_sign_out(browser_session, user):
    page = browser_session.page

    browser_session.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the review portal")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The password alone opens only the second step.
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    browser_session.enter_security_code(user.email)

    # Landed on the home page, as this person.
    expect(page).to_have_url(browser_session.url("/"))
    expect(page).to_have_title(re.compile(r"^Home – "))
    expect(page.get_by_role("heading", level=1)).to_have_text("Review portal")
    expect(page.locator("main")).to_contain_text(f"Signed in as {user.full_name}, {user.role.label.lower()}")
    expect(page.locator(".app-service-navigation__user")).to_have_text(user.full_name)
    # GOV.UK Frontend ran under the CSP (portal.js adds this class, and initAll needs it).
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))

    # Exactly this role's navigation, with Home marked as where the person is.
    expect(page.locator(NAV_LINKS)).to_have_text(EXPECTED_NAVIGATION[user.role])
    home_link = page.locator(NAV_LINKS).filter(has_text="Home")
    expect(home_link).to_have_attribute("aria-current", "page")

    page.locator(".govuk-service-navigation").get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(browser_session.url("/signed-out"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    expect(page.locator(NAV_LINKS)).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # The session is gone: the home page sends the browser back to sign in.
    browser_session.goto("/")
    expect(page).to_have_url(re.compile(re.escape(browser_session.url("/sign-in")) + r"\?next=(/|%2F)$"))
    expect(page.get_by_label("Email address")).to_be_visible()


def test_wrong_password_shows_errors_and_keeps_email(browser_session):
    page = browser_session.page
    email = demo_user(Role.REVIEW_OFFICER).email

    browser_session.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")

    expect(page).to_have_url(browser_session.url("/sign-in"))
    expect(page).to_have_title(re.compile(r"^Error: Sign in – "))

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator(".govuk-error-summary__title")).to_have_text("There is a problem")
    summary_link = summary.locator(".govuk-error-summary__list a")
    expect(summary_link).to_have_count(1)
    expect(summary_link).to_have_text(re.compile(r"^Enter a correct email address and password"))
    expect(summary_link).to_have_attribute("href", "#email")
    # GOV.UK Frontend's error summary takes focus, so screen readers hear it first.
    expect(summary).to_be_focused()

    # The field's own inline error, tied to the input for assistive technology.
    email_field = page.get_by_label("Email address")
    inline_error = page.locator("#email-error")
    expect(inline_error).to_have_class(re.compile(r"\bgovuk-error-message\b"))
    expect(inline_error).to_contain_text("Enter a correct email address and password")
    expect(email_field).to_have_attribute("aria-describedby", re.compile(r"\bemail-error\b"))
    expect(email_field).to_have_class(re.compile(r"\bgovuk-input--error\b"))

    # What the person typed is kept, except the password.
    expect(email_field).to_have_value(email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")

    # Following the summary link moves focus to the field.
    summary_link.click()
    expect(email_field).to_be_focused()


def test_page_watch_reports_csp_violations_and_console_errors(browser_session):
    """The watch behind every browser test really sees what it is meant to catch."""
    page = browser_session.page
    watch = browser_session.watch
    browser_session.goto("/sign-in")

    # An inline script without the nonce: the CSP must block it, and the watch must hear it.
    with page.expect_console_message(lambda message: "deliberate" in message.text):
        page.evaluate(
            """() => {
              const script = document.createElement('script');
              script.textContent = 'window.__ranInline = true';
              document.body.append(script);
              console.error('deliberate console error');
            }"""
        )
    page.wait_for_function("() => window.__cspViolations.length > 0")
    watch.collect(page)
    assert page.evaluate("() => window.__ranInline === undefined"), "the CSP let an inline script run"
    assert [v["directive"] for v in watch.csp_violations] == ["script-src-elem"]
    assert any("deliberate console error" in text for text in watch.console_errors)
    # Chromium also logs the refusal itself as a console error.
    assert any("Content Security Policy" in text for text in watch.console_errors)

    # Seen: clear them so this test's own teardown check passes.
    watch.csp_violations.clear()
    watch.console_errors.clear()
    page.evaluate("() => { window.__cspViolations = []; }")
