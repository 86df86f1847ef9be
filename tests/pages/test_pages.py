from portal.accounts.models import Role
from tests.factories import make_user
from tests.helpers import get_page, sign_in


def test_accessibility_statement_is_public(client):
    soup = get_page(client, "/accessibility", title="Accessibility statement")
    assert "Enforcement procedure" in soup.get_text()
    assert soup.select_one("footer a[href='/accessibility']")


def test_home_greets_the_signed_in_user_with_their_role(app, client):
    lead = make_user(Role.AGENCY_LEAD, full_name="Avery Lead")
    sign_in(client, lead)
    text = get_page(client, "/", title="Home").select_one("main").get_text(" ", strip=True)
    assert "Avery Lead" in text and "agency safeguarding lead" in text and lead.agency.name in text


def test_no_crown_and_no_gds_font(client):
    soup = get_page(client, "/sign-in")
    assert not soup.select(".govuk-header__logotype, .govuk-footer__copyright-logo, .govuk-footer__crown")
    assert "GOV.UK" not in soup.select_one("header").get_text()


def test_unknown_page_is_a_govuk_404(client):
    soup = get_page(client, "/no-such-page", status=404, title="Page not found")
    assert soup.select_one("h1").get_text(strip=True) == "Page not found"


def test_git_metadata_is_never_served(client):
    assert client.get("/.git/HEAD").status_code == 404
    assert client.get("/static/../.git/HEAD").status_code == 404
