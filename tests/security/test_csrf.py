"""Test 6: CSRF on every unsafe route, no GET changes the database, idle pages still save.

Every POST route in the URL map (so a new one is covered at once) is sent, by a role
that may use it, with no token, with another session's token in the form, and with
another session's token in the X-CSRFToken header htmx uses: each must be refused
with 400 and must write nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from portal.accounts.models import Role
from portal.extensions import db
from portal.organisations.models import Agency
from portal.web.access import PUBLIC, access_rule_for
from tests.helpers import csrf_token, parse, sign_in
from tests.security.conftest import (
    ANON,
    CSP_X,
    LEAD_A,
    ROLES,
    differences,
    request,
    routes,
    snapshot,
)

ROLE_FOR = {Role.AGENCY_LEAD: LEAD_A, Role.CSP_TEAM: CSP_X}
FORM = {"version": "1", "name": "Changed", "reason": "Changed", "summary": "Changed", "full_name": "Changed"}


def role_allowed(app, rule) -> str:
    with app.test_request_context():
        access = access_rule_for(rule.endpoint)
    if access == PUBLIC:
        return ANON
    if Role.ADMIN in access:
        return Role.ADMIN.value
    role = sorted(access)[0]
    return ROLE_FOR.get(role, role.value)


def test_every_unsafe_route_refuses_a_missing_or_foreign_token(world):
    foreign = csrf_token(world.app.test_client())  # a real token, from someone else's session
    attempts = {
        "no token": ({}, {}),
        "another session's token": ({"csrf_token": foreign}, {}),
        "another session's token in the header": ({}, {"X-CSRFToken": foreign, "HX-Request": "true"}),
    }
    refused, failures = 0, []
    posts = [(rule, world.client(role_allowed(world.app, rule))) for rule, _ in routes(world.app, ("POST",))]
    before = snapshot(db.database)  # after signing in: that writes, of course
    for rule, client in posts:
        url = world.url(rule)
        for name, (extra, headers) in attempts.items():
            response = client.post(url, data={**FORM, **extra}, headers=headers)
            if response.status_code != 400:
                failures.append(f"POST {url} with {name}: {response.status_code}")
            else:
                refused += 1
    print(f"{refused} forged POSTs refused on {len(posts)} routes")  # the pass figure, with -s
    assert refused >= 60
    assert not failures, f"{len(failures)} not refused:\n" + "\n".join(failures)
    assert differences(before, snapshot(db.database)) == [], "a refused request wrote to the database"


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_the_database(world, role):
    client = world.client(role)
    client.get("/")  # the first request after signing in may note the session's start
    before = snapshot(db.database)
    crawled = []
    for rule, _ in routes(world.app, methods=("GET",)):
        url = world.url(rule)
        for htmx in (False, True):
            request(client, "GET", url, htmx=htmx)
            crawled.append(url)
    assert len(crawled) > 50
    # One comparison for the whole crawl: a failure names the rows; bisect the URLs from there.
    assert differences(before, snapshot(db.database)) == []


def test_a_page_left_open_for_hours_still_saves(world):
    """The CSRF token has no clock of its own: it lasts as long as the session."""
    agency = Agency.get_by_id(world.values["agency_id"])
    client = world.app.test_client()
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, world.users[Role.ADMIN.value])
        form = parse(client.get(f"/admin/agencies/{agency.id}")).select_one("form[method=post]")
        token = form.select_one("input[name=csrf_token]")["value"]
        for _ in range(9):  # three hours, working in another tab now and then
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/admin").status_code == 200
        response = client.post(
            f"/admin/agencies/{agency.id}",
            data={
                "csrf_token": token,
                "version": agency.version,
                "name": "Agency A (renamed)",
                "sector": agency.sector.value,
                "contact_email": agency.contact_email,
                "active": "y",
            },
        )
    assert response.status_code == 302
    assert Agency.get_by_id(agency.id).name == "Agency A (renamed)"
