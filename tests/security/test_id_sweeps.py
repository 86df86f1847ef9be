"""Test 2: cross-agency and cross-partnership id sweeps.

Agency B's lead and partnership Y's team try every route that names an id (view, edit,
download, fragment; GET and POST; with and without htmx) with the ids of agency A's and
partnership X's records. Each answer must be byte-for-byte the answer for an id that
does not exist (after blanking the per-response nonce and CSRF token), never a 200,
and the database must be unchanged afterwards. The owners, for contrast, do get in.
"""

from __future__ import annotations

import pytest

from portal.extensions import db
from tests.security.conftest import (
    CSP_Y,
    LEAD_A,
    LEAD_B,
    differences,
    int_arguments,
    normalised_body,
    request,
    routes,
    snapshot,
)
from tests.security.routes import RUN_LAST

# A form that a neighbour might post, filled in (an empty form would be refused anyway).
SWEEP_FORM = {
    "version": "1",
    "summary": "Swept",
    "reason": "Swept",
    "searched_names": "y",
    "records_secured": "y",
    "name": "Swept",
    "title": "Swept",
    "full_name": "Swept",
}


@pytest.mark.parametrize("role", [LEAD_B, CSP_Y])
def test_neighbours_get_exactly_what_a_missing_id_gets(world, role):
    client = world.client(role)
    before = snapshot(db.database)
    compared, failures = 0, []
    for rule, method in routes(world.app):
        if not int_arguments(rule) or rule.endpoint in RUN_LAST:
            continue
        owned_url, missing_url = world.url(rule), world.missing_url(rule)
        for htmx in (False, True):
            owned = request(client, method, owned_url, htmx=htmx, data=SWEEP_FORM)
            missing = request(client, method, missing_url, htmx=htmx, data=SWEEP_FORM)
            compared += 1
            label = f"{'htmx ' if htmx else ''}{method} {owned_url}"
            if owned.status_code == 200 or owned.status_code != missing.status_code:
                failures.append(f"{label}: {owned.status_code}, a missing id gets {missing.status_code}")
            elif normalised_body(owned) != normalised_body(missing):
                failures.append(f"{label}: the page differs from a missing id's")
    print(f"{role}: {compared} requests compared with a missing id")  # the pass figure, with -s
    assert compared >= 20
    assert not failures, "\n".join(failures)
    assert differences(before, snapshot(db.database)) == []


def test_owners_do_reach_their_own_records(world):
    """The sweep means something only if the same URLs work for agency A's lead."""
    client = world.client(LEAD_A)
    for rule, method in routes(world.app, methods=("GET",)):
        if rule.endpoint.startswith("inbox.") and int_arguments(rule):
            assert request(client, method, world.url(rule)).status_code == 200, rule.rule
