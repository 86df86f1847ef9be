"""axe-core on every screen, under the real Content-Security-Policy.

axe is evaluated through Playwright (the DevTools protocol), which the page's
CSP does not govern, so the pages are checked exactly as served: no
`bypass_csp`, and the CSP watch in conftest.py stays on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.conftest import demo_user

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
TARGETS_SHOWN = 5

RUN_AXE = """
async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((node) => node.target.join(' ')),
    summary: v.nodes.length ? v.nodes[0].failureSummary : '',
  }));
}
"""

PUBLIC_PAGES = {
    "sign-in": "/sign-in",
    "accessibility-statement": "/accessibility",
    "signed-out": "/signed-out",
    "published-reviews": "/published",
}

ADMIN_PAGES = {
    "home": "/",
    "administration": "/admin",
    "bank-holidays": "/admin/bank-holidays",
    "outbox": "/admin/outbox",
    "scheduled-jobs": "/admin/jobs",
    "users": "/admin/users",
    "new-user": "/admin/users/new",
    "partnerships": "/admin/partnerships",
    "new-partnership": "/admin/partnerships/new",
    "agencies": "/admin/agencies",
    "new-agency": "/admin/agencies/new",
    "audit-log": "/admin/audit-log",
    "media-routing": "/admin/media-routing",
    "media-routing-rule": "/admin/media-routing/review-in-progress",
    "subject-access": "/admin/subject-access",
    "retention-schedule": "/admin/retention",
    "retention-new-hold": "/admin/retention/holds/new",
    "retention-review": "/admin/retention/reviews/1",
}

# Form page, and the button that submits it (left empty, so every error shows).
EMPTY_FORMS = {
    "new-user": ("/admin/users/new", "Add user"),
    "new-partnership": ("/admin/partnerships/new", "Add partnership"),
    "new-agency": ("/admin/agencies/new", "Add agency"),
    "log-media-inquiry": ("/media-inquiries/new", "Log inquiry"),
    "subject-access": ("/admin/subject-access", "Search"),
    "retention-new-hold": ("/admin/retention/holds/new", "Set legal hold"),
    "retention-review-hold": ("/admin/retention/reviews/1", "Set legal hold"),
}


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH.relative_to(ROOT)} is missing: run `npm ci`", pytrace=False)
    return AXE_PATH.read_text(encoding="utf-8")


def format_violation(violation: dict) -> str:
    targets = violation["targets"]
    shown = ", ".join(targets[:TARGETS_SHOWN])
    more = f" (+{len(targets) - TARGETS_SHOWN} more)" if len(targets) > TARGETS_SHOWN else ""
    return (
        f"- {violation['id']} [{violation['impact']}]: {violation['help']}\n"
        f"    targets: {shown}{more}\n"
        f"    {violation['helpUrl']}"
    )


def assert_accessible(page, axe_source: str) -> None:
    """Run axe on the page as it is now; fail on serious or critical violations."""
    if page.evaluate("() => typeof window.axe") != "object":
        page.evaluate(axe_source)
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)
    # Everything axe found is printed (pytest shows it for failures, and with -rP).
    for violation in violations:
        print(format_violation(violation))
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe found {len(blocking)} serious or critical violation(s) on {page.url}:\n"
        + "\n".join(format_violation(v) for v in blocking)
    )


def open_page(session, path: str):
    response = session.goto(path)
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    expect(session.page.locator("h1")).to_have_count(1)
    return session.page


def submit_expecting_errors(page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("load")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_be_focused()


# --- Signed out -----------------------------------------------------------------------


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_page(browser_session, axe_source, path):
    page = open_page(browser_session, path)
    assert_accessible(page, axe_source)


def test_sign_in_with_errors(browser_session, axe_source):
    page = open_page(browser_session, "/sign-in")
    submit_expecting_errors(page, "Sign in")
    expect(page.locator(".govuk-error-message").first).to_be_visible()
    assert_accessible(page, axe_source)


# --- Signed in as an administrator ---------------------------------------------------


@pytest.mark.parametrize("path", ADMIN_PAGES.values(), ids=ADMIN_PAGES.keys())
def test_admin_page(admin_session, axe_source, path):
    page = open_page(admin_session, path)
    assert_accessible(page, axe_source)


def _edit_path(kind: str) -> str:
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.organisations.models import Agency, Partnership

    with db.database.connection_context():
        if kind == "user":
            return f"/admin/users/{User.get(User.email == demo_user(Role.AGENCY_LEAD).email).id}"
        if kind == "partnership":
            return f"/admin/partnerships/{Partnership.select().order_by(Partnership.id).first().id}"
        return f"/admin/agencies/{Agency.select().order_by(Agency.id).first().id}"


@pytest.mark.parametrize("kind", ["user", "partnership", "agency"])
def test_admin_edit_page(admin_session, axe_source, kind):
    page = open_page(admin_session, _edit_path(kind))
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("path, button", EMPTY_FORMS.values(), ids=EMPTY_FORMS.keys())
def test_admin_form_with_errors(admin_session, axe_source, path, button):
    page = open_page(admin_session, path)
    submit_expecting_errors(page, button)
    assert_accessible(page, axe_source)


def test_subject_access_results(admin_session, axe_source):
    page = open_page(admin_session, "/admin/subject-access")
    page.get_by_label("Full name").fill("Tobias Brandt")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.locator("#subject-access-results")).to_be_visible()
    expect(page.get_by_role("button", name="Download as CSV")).to_be_visible()
    assert_accessible(page, axe_source)


def test_axe_reports_violations(browser_session, axe_source):
    """The check fails on a real violation, so a clean result means something."""
    page = open_page(browser_session, "/accessibility")
    page.evaluate(
        """() => {
          const image = document.createElement('img');
          image.src = '/static/dist/favicon.svg';
          document.querySelector('main').append(image);
        }"""
    )
    with pytest.raises(AssertionError, match=r"image-alt \[critical\]"):
        assert_accessible(page, axe_source)


# --- Signed in as the other roles -------------------------------------------------------


def _lead_request_id() -> int:
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.trawls.models import TrawlRequest

    with db.database.connection_context():
        lead = User.get(User.email == demo_user(Role.AGENCY_LEAD).email)
        return (
            TrawlRequest.select()
            .where(TrawlRequest.agency == lead.agency_id)
            .order_by(TrawlRequest.id)
            .first()
            .id
        )


OFFICER_PAGES = {
    "reviews": "/reviews",
    "new-review": "/reviews/new",
    "review": "/reviews/1",
    "add-person": "/reviews/1/subjects/new",
    "issue-trawl": "/reviews/1/trawls/new",
    "returns-dashboard": "/reviews/1/returns",
    "returns-overview": "/returns",
    "trawl-request": "/trawl-requests/1",
    "trawl-letter": "/trawl-requests/1/letter",
    "record-return": "/trawl-requests/1/record-return/involvement",
    "no-record-of-contact": "/reviews/1/no-record-of-contact",
    "family-contact": "/reviews/1/family",
    "family-contact-add-entry": "/reviews/1/family/entries/new",
    "family-contact-record": "/reviews/1/family/record",
}
LEAD_PAGES = ("", "/nil-return", "/involvement", "/extension", "/letter")


@pytest.fixture
def signed_in(open_session):
    from portal.demo.data import DEMO_PASSWORD

    def sign_in_as(role: Role):
        session = open_session()
        session.sign_in(demo_user(role).email, DEMO_PASSWORD)
        return session

    return sign_in_as


def test_review_officer_pages(signed_in, axe_source):
    session = signed_in(Role.REVIEW_OFFICER)
    for path in OFFICER_PAGES.values():
        assert_accessible(open_page(session, path), axe_source)


def test_review_officer_forms_with_errors(signed_in, axe_source):
    session = signed_in(Role.REVIEW_OFFICER)
    page = open_page(session, "/reviews/new")
    submit_expecting_errors(page, "Open review")
    assert_accessible(page, axe_source)
    page = open_page(session, "/reviews/1/trawls/new")
    submit_expecting_errors(page, "Issue trawl")
    assert_accessible(page, axe_source)


def test_inline_subject_form_errors_are_announced_and_accessible(signed_in, axe_source):
    session = signed_in(Role.REVIEW_OFFICER)
    page = open_page(session, "/reviews/1")
    page.get_by_role("button", name="Add a person").click()
    page.locator("#subject-new").get_by_role("button", name="Save person").click()
    summary = page.locator("#subjects .govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert_accessible(page, axe_source)


def test_agency_lead_pages(signed_in, axe_source):
    session = signed_in(Role.AGENCY_LEAD)
    assert_accessible(open_page(session, "/inbox"), axe_source)
    request_id = _lead_request_id()
    for suffix in LEAD_PAGES:
        assert_accessible(open_page(session, f"/inbox/{request_id}{suffix}"), axe_source)
    page = open_page(session, f"/inbox/{request_id}/involvement")
    submit_expecting_errors(page, "Send summary of involvement")
    assert_accessible(page, axe_source)


def test_csp_team_pages(signed_in, axe_source):
    session = signed_in(Role.CSP_TEAM)
    assert_accessible(open_page(session, "/partnership/reviews"), axe_source)


# --- Publication ----------------------------------------------------------------------------


def _review_id(reference: str) -> int:
    from portal.extensions import db
    from portal.reviews.models import Review

    with db.database.connection_context():
        return Review.get(Review.reference == reference).id


def test_publication_page_and_upload_errors_for_officers(signed_in, axe_source):
    session = signed_in(Role.REVIEW_OFFICER)
    page = open_page(session, f"/reviews/{_review_id('DHR-2024-003')}/publication")
    assert_accessible(page, axe_source)
    submit_expecting_errors(page, "Upload overview report")
    assert_accessible(page, axe_source)


def test_publication_decisions_for_the_csp_team(signed_in, axe_source):
    session = signed_in(Role.CSP_TEAM)
    base = f"/reviews/{_review_id('DHR-2024-003')}/publication"
    for path in (base, f"{base}/remove", f"{base}/hold"):
        assert_accessible(open_page(session, path), axe_source)
    page = open_page(session, f"{base}/hold")
    submit_expecting_errors(page, "Keep online")
    assert_accessible(page, axe_source)


# --- Media inquiries ------------------------------------------------------------------------


def _inquiry_id(outlet: str) -> int:
    from portal.extensions import db
    from portal.media_inquiries.models import MediaInquiry

    with db.database.connection_context():
        return MediaInquiry.get(MediaInquiry.outlet == outlet).id


def test_media_inquiry_pages_for_each_role(signed_in, axe_source):
    """The demo's two inquiries: one the police logged, one drafted for the CSP team to approve."""
    police, radio = _inquiry_id("Northvale Evening Post"), _inquiry_id("Radio Northvale")
    officer = signed_in(Role.REVIEW_OFFICER)
    for path in (
        "/media-inquiries",
        "/media-inquiries/new",
        f"/media-inquiries/{police}",
        f"/media-inquiries/{radio}",
        f"/media-inquiries/{police}/reassign",
        "/media-inquiries/reviews/1/contact",
    ):
        assert_accessible(open_page(officer, path), axe_source)
    page = open_page(officer, f"/media-inquiries/{police}")
    submit_expecting_errors(page, "Save draft")
    assert_accessible(page, axe_source)

    lead = signed_in(Role.AGENCY_LEAD)
    for path in ("/media-inquiries", f"/media-inquiries/{police}"):
        assert_accessible(open_page(lead, path), axe_source)
    page = open_page(lead, "/media-inquiries/new")
    submit_expecting_errors(page, "Log inquiry")
    assert_accessible(page, axe_source)

    team = signed_in(Role.CSP_TEAM)
    for path in ("/media-inquiries", f"/media-inquiries/{radio}"):
        assert_accessible(open_page(team, path), axe_source)
