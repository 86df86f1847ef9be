"""A trawl from issue to answers: the officer's dashboard updates live, without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.demo.data import DEMO_PASSWORD, USERS
from tests.browser.conftest import demo_user

pytestmark = pytest.mark.browser


def lead_email(agency_name: str) -> str:
    return next(
        email for email, _, role, agency, _ in USERS if role is Role.AGENCY_LEAD and agency == agency_name
    )


def count(page, status: str):
    return page.locator(f"#status-counts [data-status='{status}']")


def test_issue_answer_and_watch_the_dashboard(open_session):
    officer = open_session()
    officer.sign_in(demo_user(Role.REVIEW_OFFICER).email, DEMO_PASSWORD)
    page = officer.page

    # Open a review and add the person agencies search for, inline.
    officer.goto("/reviews/new")
    page.get_by_label("Domestic abuse related death review (DArDR)").check()
    page.get_by_label("Short title").fill("Z.Q. 2026")
    page.get_by_label("Community safety partnership").select_option(
        label="Greyholt Community Safety Partnership"
    )
    notified = page.get_by_role("group", name="Date the partnership was notified")
    notified.get_by_label("Day").fill("2")
    notified.get_by_label("Month").fill("11")
    notified.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Open review").click()
    expect(page.locator("h1")).to_contain_text("Z.Q. 2026")
    reference = page.locator("h1").inner_text().split(":")[0]

    page.get_by_role("button", name="Add a person").click()
    form = page.locator("#subject-new")
    form.get_by_label("Role in the review").select_option("deceased")
    form.get_by_label("Full name").fill("Quinn Zephyr")
    form.get_by_label("Alternative spellings and aliases").fill("Quin Zephyr")
    form.get_by_role("button", name="Save person").click()
    expect(page.locator("#subjects")).to_contain_text("Deceased: Quinn Zephyr")
    expect(page.locator("#app-live-region")).to_have_text("Person added")

    # Issue a trawl to three agencies: the two with demo leads and one more.
    page.get_by_role("button", name="Issue a trawl").click()
    for agency in ("Northvale Police", "Northvale Hospitals NHS Trust", "Safe Harbour Refuge"):
        page.get_by_label(agency, exact=True).check()
    page.get_by_role("button", name="Issue trawl").click()
    expect(page.locator("h1")).to_have_text("Trawl returns")
    expect(count(page, "awaiting")).to_have_text("3")
    page.evaluate("window.__stillTheSamePage = true")

    # Two agency leads answer in their own browsers.
    police = open_session()
    police.sign_in(lead_email("Northvale Police"), DEMO_PASSWORD)
    police.goto("/inbox")
    police.page.get_by_role("link", name=f"{reference}, trawl 1").click()
    police.page.get_by_role("button", name="Send a nil return").click()
    for label in (
        "Each person's name",
        "Their alternative spellings and aliases",
        "Their dates of birth",
        "Paper records",
        "Electronic records",
    ):
        police.page.get_by_label(label).check()
    police.page.get_by_role("button", name="Send nil return").click()
    expect(police.page.locator(".govuk-notification-banner")).to_contain_text("Your return has been sent")

    health = open_session()
    health.sign_in(lead_email("Northvale Hospitals NHS Trust"), DEMO_PASSWORD)
    health.goto("/inbox")
    health.page.get_by_role("link", name=f"{reference}, trawl 1").click()
    health.page.get_by_role("button", name="Send a summary of involvement").click()
    health.page.get_by_label("Summary of involvement").fill(
        "One emergency attendance in 2025; records secured."
    )
    for legend, (day, month, year) in (
        ("First contact", ("3", "2", "2025")),
        ("Last contact", ("3", "2", "2025")),
    ):
        group = health.page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    health.page.get_by_label("I confirm the records have been secured").check()
    health.page.get_by_role("button", name="Send summary of involvement").click()
    expect(health.page.locator(".govuk-notification-banner")).to_contain_text("Your return has been sent")

    # The officer's dashboard catches up by itself.
    expect(count(page, "nil_return")).to_have_text("1")
    expect(count(page, "involvement")).to_have_text("1")
    expect(count(page, "awaiting")).to_have_text("1")
    assert page.evaluate("window.__stillTheSamePage") is True

    # Accepting inline updates the row and the counts, still without a reload.
    page.locator("#dashboard-results tr", has_text="Northvale Police").get_by_role(
        "button", name="Accept"
    ).click()
    expect(count(page, "accepted")).to_have_text("1")
    expect(count(page, "nil_return")).to_have_text("0")
    expect(page.locator("#dashboard-results tr", has_text="Northvale Police")).to_contain_text("Accepted")
    assert page.evaluate("window.__stillTheSamePage") is True
    officer.watch.collect(page)
