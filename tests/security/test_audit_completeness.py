"""Test 11: audit completeness (ASVS 16.3.2).

- Every response that shows special-category data (found by the canaries planted in
  test_canaries.py, not by a list someone must remember to update) wrote an audit row
  naming who saw it.
- Every refusal (403) wrote an `access_refused` row.
- Every form that saves (the FORMS of test_mass_assignment.py) wrote an audit row.
- Sign-ins, successful and failed, are audited (tests/accounts), and the database
  refuses to update or delete audit rows (tests/test_migrations.py, both engines).
"""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from tests.helpers import csrf_token
from tests.security.conftest import LEAD_A, LEAD_B, request, routes
from tests.security.test_canaries import SPECIAL_CATEGORY, plant
from tests.security.test_mass_assignment import FORMS

# GET endpoints that show records but are exempt, with the reason.
UNAUDITED_READS: dict[str, str] = {}


def last_event_id() -> int:
    return AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id.desc()).scalar() or 0


@pytest.mark.parametrize("role", [Role.REVIEW_OFFICER.value, LEAD_A])
def test_every_page_showing_special_category_data_is_audited(world, role):
    canaries = [canary for canary, hidden in plant(world).items() if hidden in SPECIAL_CATEGORY]
    user = world.users[role]
    client = world.client(role)
    unaudited, reads = [], 0
    for rule, _ in routes(world.app, methods=("GET",)):
        if rule.endpoint == "static" or rule.endpoint in UNAUDITED_READS:
            continue
        url = world.url(rule)
        for htmx in (False, True):
            since = last_event_id()
            body = request(client, "GET", url, htmx=htmx).get_data().decode("utf-8", "replace")
            if not any(canary in body for canary in canaries):
                continue
            reads += 1
            audited = AuditEvent.select().where(AuditEvent.id > since, AuditEvent.actor == user.id).exists()
            if not audited:
                unaudited.append(f"{'htmx ' if htmx else ''}GET {url}")
    assert reads >= 3
    assert not unaudited, "Pages that show special-category data without an audit row:\n" + "\n".join(
        unaudited
    )


@pytest.mark.parametrize("role", [LEAD_B, Role.REVIEW_OFFICER.value])
def test_every_refusal_is_audited(world, role):
    client = world.client(role)
    user = world.users[role]
    since = last_event_id()
    refused = 0
    for rule, method in routes(world.app):
        if rule.endpoint == "accounts.sign_out":
            continue
        refused += request(client, method, world.url(rule)).status_code == 403
    rows = AuditEvent.select().where(
        AuditEvent.id > since, AuditEvent.action == "access_refused", AuditEvent.actor == user.id
    )
    assert refused >= 10 and rows.count() == refused


@pytest.mark.parametrize("name, role, url, form, allowed", FORMS, ids=[f[0] for f in FORMS])
def test_every_write_is_audited(world, name, role, url, form, allowed):
    client = world.client(role)
    data = form(world)  # some forms first put the record in the state they need
    since = last_event_id()
    response = client.post(url(world), data={**data, "csrf_token": csrf_token(client)})
    assert response.status_code in (200, 302)
    events = AuditEvent.select().where(AuditEvent.id > since, AuditEvent.actor == world.users[role].id)
    assert events.exists(), f"{name} saved without an audit row"
