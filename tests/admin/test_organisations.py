from playhouse.test_utils import count_queries

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.organisations.models import Agency, Partnership, Sector
from tests.factories import make_agency, make_partnership, make_user
from tests.helpers import error_summary, get_page, parse, post_form, sign_in


def as_admin(client):
    sign_in(client, make_user(Role.ADMIN))


def test_add_and_edit_a_partnership(client):
    as_admin(client)
    assert (
        post_form(client, "/admin/partnerships/new", {"name": "Testvale CSP", "active": "y"}).status_code
        == 302
    )
    partnership = Partnership.get(Partnership.name == "Testvale CSP")
    response = post_form(
        client, f"/admin/partnerships/{partnership.id}", {"name": "Testvale CSP", "version": 1}
    )
    assert response.status_code == 302
    assert Partnership.get_by_id(partnership.id).active is False
    events = [
        (e.action, e.detail) for e in AuditEvent.select().where(AuditEvent.object_type == "partnership")
    ]
    assert events == [("partnership_created", {}), ("partnership_updated", {"changed": ["active"]})]


def test_partnership_name_is_required_and_unique(client):
    as_admin(client)
    make_partnership(name="Existing CSP")
    assert error_summary(parse(post_form(client, "/admin/partnerships/new", {"name": ""}))) == [
        "Enter the partnership's name"
    ]
    assert error_summary(parse(post_form(client, "/admin/partnerships/new", {"name": "Existing CSP"}))) == [
        "A partnership with this name already exists"
    ]


def test_add_an_agency_with_errors_then_fixed(client):
    as_admin(client)
    soup = parse(
        post_form(client, "/admin/agencies/new", {"name": "New Agency", "sector": "", "contact_email": "bad"})
    )
    assert error_summary(soup) == [
        "Select a sector",
        "Enter an email address in the correct format, like name@example.org",
    ]
    assert soup.select_one("#name")["value"] == "New Agency"
    response = post_form(
        client,
        "/admin/agencies/new",
        {"name": "New Agency", "sector": "housing", "contact_email": "Team@Agency.Example", "active": "y"},
    )
    assert response.status_code == 302
    agency = Agency.get(Agency.name == "New Agency")
    assert (agency.sector, agency.contact_email, agency.active) == (
        Sector.HOUSING,
        "team@agency.example",
        True,
    )
    assert AuditEvent.get(AuditEvent.action == "agency_created").detail == {"sector": "housing"}


def test_agency_sector_must_be_one_of_ours(client):
    as_admin(client)
    soup = parse(
        post_form(
            client, "/admin/agencies/new", {"name": "X", "sector": "aliens", "contact_email": "a@b.example"}
        )
    )
    assert error_summary(soup) == ["Select a sector"]
    assert not Agency.select().exists()


def test_agency_list_filters_by_sector_and_uses_constant_queries(client):
    as_admin(client)
    for number in range(3):
        make_agency(name=f"Police {number}", sector=Sector.POLICE)
    make_agency(name="Only Housing", sector=Sector.HOUSING)
    soup = get_page(client, "/admin/agencies?sector=housing")
    assert [a.get_text() for a in soup.select("#agencies-table tbody a")] == ["Only Housing"]

    with count_queries() as few:
        client.get("/admin/agencies")
    for number in range(30):
        make_agency(name=f"More {number}")
    with count_queries() as many:
        client.get("/admin/agencies")
    assert many.count == few.count
