"""Test 1: route × method × role × {normal, htmx}: no unexpected 2xx, ever.

Seven roles: anonymous, admin, review officer, the lead of agency A and of agency B,
the CSP team of partnership X and of Y. The expectation for each cell is derived from
the route's own access rule (portal/web/access.py), so a new route is covered the
moment it exists:

- anonymous on a signed-in route: sent to sign in (htmx: 204 with HX-Redirect, empty body);
- a role the rule does not name: 403;
- agency B's lead or partnership Y's team on a route naming A's or X's record: 404,
  as for a record that does not exist (tests/security/routes.py lists any exception);
- otherwise the role has access: never 403, never a server error.

tests/test_access_matrix.py keeps the exact status of every cell for the five base roles.
"""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.web.access import PUBLIC, access_rule_for
from tests.security.conftest import (
    ANON,
    CSP_X,
    CSP_Y,
    LEAD_A,
    LEAD_B,
    NEIGHBOURS,
    ROLES,
    int_arguments,
    request,
    routes,
)
from tests.security.routes import SHARED_ACROSS_SCOPE

ROLE_OF = {LEAD_A: Role.AGENCY_LEAD, LEAD_B: Role.AGENCY_LEAD, CSP_X: Role.CSP_TEAM, CSP_Y: Role.CSP_TEAM}
SIGN_IN, FORBIDDEN, NOT_FOUND, ALLOWED = "sign in", 403, 404, "allowed"


def expectation(app, rule, role: str):
    with app.test_request_context():
        access = access_rule_for(rule.endpoint)
    if access == PUBLIC:
        return ALLOWED
    if role == ANON:
        return SIGN_IN
    if (ROLE_OF.get(role) or Role(role)) not in access:
        return FORBIDDEN
    if role in NEIGHBOURS and int_arguments(rule) and rule.endpoint not in SHARED_ACROSS_SCOPE:
        return NOT_FOUND
    return ALLOWED


def check(expected, response, htmx: bool) -> str | None:
    status = response.status_code
    if expected == SIGN_IN:
        if htmx:
            ok = status == 204 and response.headers.get("HX-Redirect", "").startswith("/sign-in")
            ok = ok and response.data == b""
        else:
            ok = status == 302 and response.headers["Location"].startswith("/sign-in")
    elif expected == ALLOWED:
        # 404 can be right here (a record a destructive route removed, an unknown word in
        # the URL); test_id_sweeps.py checks that owners do reach their own records.
        ok = status < 500 and status != 403
    else:
        ok = status == expected
    return None if ok else f"got {status}, expected {expected}"


@pytest.mark.parametrize("role", ROLES)
def test_route_role_matrix_with_and_without_htmx(world, role):
    app = world.app
    failures, unexpected_2xx, cells = [], 0, 0
    for htmx in (False, True):
        client = world.fresh_client(role)
        for rule, method in routes(app):
            url = world.url(rule)
            response = request(client, method, url, htmx=htmx)
            expected = expectation(app, rule, role)
            cells += 1
            problem = check(expected, response, htmx)
            if problem:
                failures.append(f"{'htmx ' if htmx else ''}{method} {url} as {role}: {problem}")
                unexpected_2xx += expected != ALLOWED and 200 <= response.status_code < 300
    print(f"{role}: {cells} cells, {unexpected_2xx} unexpected 2xx")  # the pass figure, with -s
    assert cells > 100
    assert not failures, f"{unexpected_2xx} unexpected 2xx in {cells} cells:\n" + "\n".join(failures)
