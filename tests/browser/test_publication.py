"""Publication in the browser: a CSP team member finds the report coming off the website soon and
sees its removal date; the public downloads a published report without signing in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.demo.data import DEMO_PASSWORD
from tests.browser.conftest import demo_user

pytestmark = pytest.mark.browser


def _removal_date(reference: str) -> dt.date:
    from portal.extensions import db
    from portal.reviews.models import Review

    with db.database.connection_context():
        return Review.get(Review.reference == reference).removal_due_on


def short(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def test_csp_team_member_checks_publication_and_sees_the_removal_date(open_session):
    due = _removal_date("DHR-2024-003")  # published about eleven months ago: due within 60 days
    member = open_session()
    member.sign_in(demo_user(Role.CSP_TEAM).email, DEMO_PASSWORD)
    page = member.page
    page.get_by_role("link", name="Reviews", exact=True).click()
    expect(page.locator("h1")).to_have_text("Your partnership's reviews")
    table = page.locator("#partnership-reviews")
    expect(table.locator("tr[data-review='DHR-2024-005']")).to_be_visible()
    page.evaluate("window.__stillTheSamePage = true")

    # Filter without a reload (htmx): only reports coming off the website in the next 60 days.
    page.get_by_label(re.compile("coming off the website in the next 60 days")).check()
    row = table.locator("tr[data-review='DHR-2024-003']")
    expect(table.locator("tr[data-review='DHR-2024-005']")).to_have_count(0)
    expect(row.locator("td[data-column='removal']")).to_have_text(short(due))
    expect(row.locator("td[data-column='stage']")).to_have_text("Published")
    expect(page.locator("#app-live-region")).to_have_text("1 review found")
    expect(page).to_have_url(re.compile(r"removal=soon"))
    assert page.evaluate("window.__stillTheSamePage") is True

    # The review's publication page: when it comes off, and what the team can do about it.
    row.get_by_role("link", name="DHR-2024-003").click()
    expect(page.locator("h1")).to_have_text("Publication")
    summary = page.locator(".govuk-summary-list").first
    expect(summary).to_contain_text(f"Comes off the website {due.day} {due:%B %Y}")
    expect(page.get_by_role("button", name="Keep online longer")).to_be_visible()
    expect(page.get_by_role("button", name="Take off the website now")).to_be_visible()
    member.watch.collect(page)


def test_the_public_downloads_a_published_report_without_signing_in(browser_session):
    page = browser_session.page
    browser_session.goto("/published")
    expect(page.locator("h1")).to_have_text("Published domestic homicide reviews")
    row = page.locator("tr[data-reference='DHR-2024-005']")
    expect(row).to_contain_text("Executive summary")
    with page.expect_download() as download:
        row.get_by_role("link", name=re.compile("^Overview report")).click()
    assert download.value.suggested_filename == "DHR-2024-005-overview-report.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
