"""The family page in a browser: log two contacts and watch the milestones, without a reload."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.demo.data import DEMO_PASSWORD
from tests.browser.conftest import demo_user
from tests.browser.test_accessibility import AXE_PATH, assert_accessible, open_page

pytestmark = pytest.mark.browser

FIRST = "First contact made and the Home Office leaflet given"
DRAFT = "Draft report shared with the family before Home Office submission"


def review_id(reference: str) -> int:
    from portal.extensions import db
    from portal.reviews.models import Review

    with db.database.connection_context():
        return Review.get(Review.reference == reference).id


def first_entry_id(reference: str) -> int:
    from portal.extensions import db
    from portal.family_contact.models import FamilyContactEntry
    from portal.reviews.models import Review

    with db.database.connection_context():
        return (
            FamilyContactEntry.select(FamilyContactEntry.id)
            .join(Review)
            .where(Review.reference == reference)
            .order_by(FamilyContactEntry.id)
            .scalar()
        )


@pytest.fixture(scope="module")
def axe_script() -> str:
    return AXE_PATH.read_text(encoding="utf-8")  # test_accessibility.py checks that it exists


@pytest.fixture
def officer(open_session):
    session = open_session()
    session.sign_in(demo_user(Role.REVIEW_OFFICER).email, DEMO_PASSWORD)
    return session


def milestone(page, name: str):
    return page.locator("#family-milestones li", has_text=name)


def fill_date(scope, legend: str, day: dt.date) -> None:
    group = scope.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def log_contact(page, purpose: str, day: dt.date, summary: str) -> None:
    page.get_by_role("button", name="Add a contact to the log").click()
    form = page.locator("#entry-new")
    expect(form).to_be_focused()
    form.get_by_role("group", name="Who the contact was with").get_by_label("Lena Sorrel (Aunt)").check()
    fill_date(form, "Date of contact", day)
    form.get_by_label("Time", exact=True).fill("10:30")
    form.get_by_role("group", name="Route").get_by_label("Through the police family liaison officer").check()
    form.get_by_label("Method").select_option(label="In person")
    form.get_by_label("Purpose").select_option(label=purpose)
    form.get_by_label("Summary").fill(summary)
    form.get_by_role("button", name="Save entry").click()


def test_log_two_contacts_and_the_milestones_update_without_a_reload(officer):
    page = officer.page
    reference = "DARDR-2026-002"  # a demo review with no family contact yet
    officer.goto(f"/reviews/{review_id(reference)}")
    page.get_by_role("link", name="Family members and contact log").click()
    expect(page.locator("h1")).to_have_text("Family contact")
    page.evaluate("window.__stillTheSamePage = true")
    expect(milestone(page, FIRST)).to_contain_text("Not yet")

    page.get_by_role("button", name="Add a family member or key contact").click()
    form = page.locator("#member-new")
    form.get_by_label("How they are referred to in the log").fill("Lena Sorrel")
    form.get_by_label("Relationship to the deceased").fill("Aunt")
    form.get_by_role("group", name="Taking part in the review").get_by_label(
        "Taking part", exact=True
    ).check()
    form.get_by_role("group", name="Preferred contact route").get_by_label(
        "Through the police family liaison officer"
    ).check()
    form.get_by_role("button", name="Save person").click()
    expect(page.locator("#family-contact")).to_contain_text("Lena Sorrel")
    expect(page.locator("#app-live-region")).to_have_text("Person added")

    today = dt.date.today()
    log_contact(page, "First contact and Home Office leaflet given", today - dt.timedelta(days=9),
                "Met with the aunt and the liaison officer; gave the leaflet.")  # fmt: skip
    expect(page.locator("#app-live-region")).to_have_text("Contact added to the log")
    expect(milestone(page, FIRST)).to_contain_text("Done")
    expect(milestone(page, DRAFT)).to_contain_text("Not yet")

    log_contact(page, "Draft report shared", today - dt.timedelta(days=2), "Went through the draft report.")
    expect(milestone(page, DRAFT)).to_contain_text("Done")
    expect(page.locator(".app-entry")).to_have_count(2)
    assert page.evaluate("window.__stillTheSamePage") is True

    # The review page shows the same.
    officer.goto(f"/reviews/{review_id(reference)}")
    summary = page.locator("#review-family-milestones")
    expect(summary.locator(".app-milestone--done")).to_have_count(2)


def test_inline_errors_are_focused_and_accessible(officer, axe_script):
    page = open_page(officer, f"/reviews/{review_id('DARDR-2026-001')}/family")
    assert_accessible(page, axe_script)
    page.get_by_role("button", name="Add a contact to the log").click()
    form = page.locator("#entry-new")
    fill_date(form, "Date of contact", dt.date.today() + dt.timedelta(days=3))
    form.get_by_role("button", name="Save entry").click()
    summary = page.locator("#family-contact .govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Date of the contact must be today or in the past")
    assert_accessible(page, axe_script)

    page.get_by_role("button", name="Add a family member or key contact").click()
    expect(page.locator("#member-new")).to_be_focused()
    assert_accessible(page, axe_script)


def test_entered_in_error_history_and_record_pages_are_accessible(officer, axe_script):
    reference = "DHR-2025-007"
    base = f"/reviews/{review_id(reference)}/family"
    entry = first_entry_id(reference)
    page = open_page(officer, base)
    page.locator(f"#entry-{entry}").get_by_role("link", name=re.compile("^Mark as entered in error")).click()
    expect(page.locator(f"#entry-{entry}-in-error")).to_be_focused()
    assert_accessible(page, axe_script)
    assert_accessible(open_page(officer, f"{base}/entries/{entry}/history"), axe_script)
    assert_accessible(open_page(officer, f"{base}/record"), axe_script)
