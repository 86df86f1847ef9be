"""A media inquiry from the agency that took the call to a sent response, each person in their own browser."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.clock import local_today
from portal.demo.data import DEMO_PASSWORD
from tests.browser.conftest import demo_user

pytestmark = pytest.mark.browser

OUTLET = "Brackmoor Gazette"


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


@pytest.fixture
def review_in_progress(live_app) -> str:
    """A review of the CSP team's own partnership, with a trawl to the police: "<reference>: <title>".

    Added here rather than to the demo data, whose partnerships' reviews other journeys rely on.
    """
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.media_inquiries.models import ReviewMediaContact
    from portal.organisations.models import Agency
    from portal.reviews import service as reviews
    from portal.reviews.models import ReviewKind, Subject, SubjectRole
    from portal.trawls import service as trawls
    from portal.trawls.models import TrawlPurpose

    with live_app.test_request_context(), db.database.connection_context():
        officer = User.get(User.email == demo_user(Role.REVIEW_OFFICER).email)
        team = User.get(User.email == demo_user(Role.CSP_TEAM).email)
        review = reviews.create_review(
            {
                "kind": ReviewKind.DARDR,
                "title": "Q.M. 2026",
                "partnership": team.partnership_id,
                "review_officer": officer.id,
                "date_of_death": local_today() - dt.timedelta(days=30),
                "date_notified": local_today() - dt.timedelta(days=28),
            },
            officer,
        )
        Subject.create(review=review, role=SubjectRole.DECEASED, full_name="Quilla Marren")
        police = Agency.get(Agency.name == "Northvale Police")
        trawls.issue_trawl(review, [police.id], officer, purpose=TrawlPurpose.INITIAL)
        ReviewMediaContact.create(
            review=review, panel_chair_name="Avery Stone", panel_chair_email="a.stone@chairs.example"
        )
        return f"{review.reference}: {review.title}"


def row(page):
    return page.locator("#inquiry-results tbody tr", has_text=OUTLET)


def test_logged_routed_drafted_approved_responded(open_session, review_in_progress):
    # The police safeguarding lead takes a call from a journalist and logs it.
    lead = open_session()
    lead.sign_in(demo_user(Role.AGENCY_LEAD).email, DEMO_PASSWORD)
    page = lead.page
    lead.goto("/media-inquiries")
    page.get_by_role("link", name="Log a media inquiry").click()
    page.get_by_label("Time received").fill("midnight")
    page.get_by_label("Newspaper, broadcaster or website").fill(OUTLET)
    page.get_by_label("Journalist's name").fill("Ola Fenwick")
    page.get_by_label("Journalist's email address").fill("ola.fenwick@gazette.example")
    page.get_by_label("The question, as asked").fill(
        "Is a review under way into the death reported last month?"
    )
    fill_date(page, "Journalist's deadline", local_today() + dt.timedelta(days=2))
    page.get_by_label("Deadline time").fill("5pm")
    page.get_by_label("Which review is it about?").select_option(label=review_in_progress)
    page.get_by_role("button", name="Log inquiry").click()

    # The portal shows where it went: the review officer and the panel chair.
    expect(page.locator("h1")).to_have_text(f"Media inquiry from {OUTLET}")
    expect(page.locator(".govuk-notification-banner").first).to_contain_text("logged and passed on")
    told = page.locator("#recipients")
    expect(told).to_contain_text("The review's officer")
    expect(told).to_contain_text("The review's panel chair")
    inquiry_path = page.url.removeprefix(lead.base_url)

    # The review officer finds it routed, and drafts the partnership's response.
    officer = open_session()
    officer.sign_in(demo_user(Role.REVIEW_OFFICER).email, DEMO_PASSWORD)
    opage = officer.page
    officer.goto("/media-inquiries")
    expect(row(opage)).to_contain_text("Routed")
    # Typing a review's reference filters the list in place (htmx), in any case.
    opage.evaluate("window.__stillTheSamePage = true")
    opage.get_by_label("Review reference").fill(review_in_progress.split(":")[0].lower())
    expect(opage).to_have_url(re.compile(r"reference="))
    expect(row(opage)).to_contain_text("Routed")
    opage.get_by_label("Review reference").fill("DHR-1999-999")
    expect(opage.locator("#inquiry-results")).to_contain_text("No inquiries match these filters.")
    assert opage.evaluate("window.__stillTheSamePage") is True
    officer.goto("/media-inquiries")
    row(opage).get_by_role("link", name=OUTLET, exact=True).click()
    opage.get_by_label("Draft response").fill(
        "The partnership does not comment while a review is in progress."
    )
    opage.get_by_role("button", name="Save draft").click()
    expect(opage.locator(".govuk-notification-banner").first).to_contain_text(
        "needs the partnership's approval"
    )
    expect(opage.get_by_role("button", name="Mark as responded")).to_have_count(0)

    # The partnership's community safety team approves it from their list, inline.
    team = open_session()
    team.sign_in(demo_user(Role.CSP_TEAM).email, DEMO_PASSWORD)
    tpage = team.page
    team.goto("/media-inquiries")
    tpage.evaluate("window.__stillTheSamePage = true")
    expect(tpage.locator("#inquiry-counts [data-status='approved']")).to_have_text("0")
    row(tpage).get_by_role("button", name="Approve").click()
    expect(row(tpage)).to_contain_text("Approved")
    expect(tpage.locator("#inquiry-counts [data-status='approved']")).to_have_text("1")
    expect(tpage.locator("#app-live-region")).to_contain_text("Saved")
    assert tpage.evaluate("window.__stillTheSamePage") is True

    # The officer sends it and marks it responded, inline as well.
    officer.goto("/media-inquiries")
    row(opage).get_by_role("button", name="Mark as responded").click()
    expect(row(opage)).to_contain_text("Responded")
    officer.goto(inquiry_path)
    expect(opage.locator("#sent-response")).to_contain_text("does not comment while a review is in progress")
    history = opage.locator("#history")
    for change in (
        "Logged as received",
        "Received to routed",
        "Routed to response drafted",
        "Response drafted to approved",
        "Approved to responded",
    ):
        expect(history).to_contain_text(change)
    expect(history).to_contain_text(demo_user(Role.CSP_TEAM).full_name)

    # The lead sees the answer that went out, never the drafts or the partnership's notes.
    lead.goto(inquiry_path)
    expect(page.locator("main")).to_contain_text("The partnership's response")
    expect(page.get_by_role("button", name="Approve response")).to_have_count(0)
