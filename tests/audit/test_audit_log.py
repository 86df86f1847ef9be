import pytest

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.audit.service import UndeclaredAuditEvent, record
from tests.factories import make_user
from tests.helpers import get_page, parse, sign_in


def test_record_refuses_undeclared_events_and_wrong_fields(ctx):
    with pytest.raises(UndeclaredAuditEvent):
        record("something_new")
    with pytest.raises(UndeclaredAuditEvent, match="needs"):
        record("user_updated")  # missing "changed"
    with pytest.raises(UndeclaredAuditEvent, match="needs"):
        record("sign_out", extra="field")
    assert not AuditEvent.select().exists()


def test_record_keeps_who_what_when_and_where(ctx):
    user = make_user()
    event = record("user_updated", actor=user, obj=user, changed=["full_name"])
    event = AuditEvent.get_by_id(event.id)
    assert (event.actor_id, event.action, event.object_type, event.object_id) == (
        user.id,
        "user_updated",
        "user",
        str(user.id),
    )
    assert event.client_address == "127.0.0.1"
    assert event.detail == {"changed": ["full_name"]}
    assert event.occurred_at is not None


def test_admin_filters_the_log_with_an_htmx_fragment(client):
    admin = make_user(Role.ADMIN, full_name="Audit Admin")
    other = make_user(full_name="Other Person")
    sign_in(client, admin)
    sign_in(client.application.test_client(), other)

    page = get_page(client, "/admin/audit-log", title="Audit log")
    # Each sign-in is two events: the security code accepted, then the session started.
    assert len(page.select("#audit-events tbody tr")) == 4

    response = client.get(f"/admin/audit-log?actor={other.id}&action=sign_in", headers={"HX-Request": "true"})
    soup = parse(response)
    rows = soup.select("#audit-events tbody tr")
    assert len(rows) == 1 and "Other Person" in rows[0].get_text()
    assert not soup.select_one("html")


def test_bad_filter_dates_are_explained_not_a_crash(client):
    sign_in(client, make_user(Role.ADMIN))
    soup = get_page(client, "/admin/audit-log?occurred_from=31-02-2026&occurred_to=yesterday")
    assert "Check the filters" in soup.select_one("#audit-events").get_text()


def test_date_filters_use_london_days(client):
    sign_in(client, make_user(Role.ADMIN))
    soup = get_page(client, "/admin/audit-log?occurred_from=2000-01-01&occurred_to=2000-01-02")
    assert "No entries match" in soup.select_one("#audit-events").get_text()
