"""Test 4: mass assignment. Every form, re-posted with extra keys (role, agency, status,
review, version…), changes no column outside what the form and its rule may change.

Each line of FORMS is one form: who posts it, where, a valid filling, and the
columns that saving it may write. A new form joins by adding a line. Extra keys that
are the form's own fields are left out (those are the form, not an attack).
"""

from __future__ import annotations

import datetime as dt

import pytest

from portal.accounts.models import Role
from portal.extensions import db
from portal.migrate import all_models
from tests.helpers import csrf_token
from tests.security.conftest import IGNORED_COLUMNS, IGNORED_TABLES, LEAD_A

ADMIN, OFFICER = Role.ADMIN.value, Role.REVIEW_OFFICER.value
LATER = dt.date.today() + dt.timedelta(days=40)


def extras(world) -> dict:
    """What an attacker adds: ids of records they should not reach, privileged values."""
    other = world.records
    return {
        "role": "admin",
        "agency": world.users["agency_lead_b"].agency_id,
        "agency_id": world.users["agency_lead_b"].agency_id,
        "partnership": world.users["csp_team_y"].partnership_id,
        "partnership_id": world.users["csp_team_y"].partnership_id,
        "review": other["review_y"].id,
        "review_id": other["review_y"].id,
        "request": 424242,
        "user": world.users[ADMIN].id,
        "user_id": world.users[ADMIN].id,
        "status": "accepted",
        "stage": "published",
        "reference": "HACKED-001",
        "is_open": "",
        "active": "",
        "id": "424242",
        "version": "999",
        "created_by": world.users["agency_lead_b"].id,
        "answered_by": world.users["agency_lead_b"].id,
        "issued_by": world.users["agency_lead_b"].id,
        "password_hash": "HACKED",
        "totp_secret": "HACKED",
        "totp_enrolled_at": "2020-01-01 00:00:00",
        "failed_login_count": "424242",
        "locked_until": "2099-01-01 00:00:00",
        "email": "hacked@evil.example",
        "on_behalf": "y",
        "received_by": "letter",
        "due_date": ["1", "1", "2099"],
        "kind": "involvement",
    }


def date(value: dt.date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


# (name, role, url(world), form(world), {table: columns saving it may write})
FORMS = [
    (
        "new user",
        ADMIN,
        lambda w: "/admin/users/new",
        lambda w: {"full_name": "New Person", "email": "new.person@portal.example", "role": "review_officer"},
        {"user": "*", "set_password_token": "*", "outbox_message": "*"},
    ),
    (
        "edit user",
        ADMIN,
        lambda w: f"/admin/users/{w.values['user_id']}",
        lambda w: {"version": "1", "full_name": "Renamed", "email": w.records["target"].email, "role": "review_officer"},
        {"user": {"full_name", "version"}},
    ),
    (
        "new partnership",
        ADMIN,
        lambda w: "/admin/partnerships/new",
        lambda w: {"name": "Partnership Z", "active": "y"},
        {"partnership": "*"},
    ),
    (
        "edit agency",
        ADMIN,
        lambda w: f"/admin/agencies/{w.values['agency_id']}",
        lambda w: {"version": "1", "name": "Agency A2", "sector": "health", "contact_email": "a2@agency.example", "active": "y"},
        {"agency": {"name", "sector", "contact_email", "version"}},
    ),
    (
        "bank holiday",
        ADMIN,
        lambda w: "/admin/bank-holidays",
        lambda w: {"date": date(LATER), "name": "Extra holiday"},
        {"bank_holiday": "*", "trawl_request": {"due_date", "version"}},
    ),
    (
        "new review",
        OFFICER,
        lambda w: "/reviews/new",
        lambda w: {
            "kind": "dhr",
            "title": "N.R. 2026",
            "partnership": str(w.records["review_x"].partnership_id),
            "review_officer": str(w.users[OFFICER].id),
            "date_notified": ["1", "3", "2026"],
        },
        {"review": "*"},
    ),
    (
        "edit review",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/edit",
        lambda w: {
            "version": "1",
            "kind": "dhr",
            "title": "Retitled",
            "partnership": str(w.records["review_x"].partnership_id),
            "review_officer": str(w.users[OFFICER].id),
            "date_notified": ["1", "3", "2026"],
        },
        {"review": {"title", "version", "date_notified", "kind"}},
    ),
    (
        "new subject",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/subjects/new",
        lambda w: {"role": "perpetrator", "full_name": "Pat Example", "aliases": "P. Example"},
        {"subject": "*"},
    ),
    (
        "edit subject",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/subjects/{w.values['subject_id']}/edit",
        lambda w: {"version": "1", "role": "deceased", "full_name": "Renamed Person"},
        {"subject": {"full_name", "version", "aliases", "date_of_birth"}},
    ),
    (
        "issue trawl",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/trawls/new",
        lambda w: {"purpose": "further", "agencies": [str(w.values["agency_id"])], "instructions": "Extra"},
        {"trawl": "*", "trawl_request": "*"},
    ),
    (
        "nil return",
        LEAD_A,
        lambda w: f"/inbox/{w.values['request_id']}/nil-return",
        lambda w: {
            "version": "1",
            "searched_names": "y",
            "searched_alternative_spellings": "y",
            "searched_dates_of_birth": "y",
            "searched_paper_records": "y",
            "searched_electronic_records": "y",
        },
        {"trawl_return": "*", "trawl_request": {"status", "version", "answered_by_id", "answered_at"}},
    ),
    (
        "extension request",
        LEAD_A,
        lambda w: f"/inbox/{w.values['request_id']}/extension",
        lambda w: {"version": "1", "reason": "Records in storage", "proposed_date": date(LATER)},
        {"extension_request": "*", "trawl_request": {"status", "version"}},
    ),
]


def rows_by_table() -> dict:
    state = {}
    for model in all_models():
        table = model._meta.table_name
        if table in IGNORED_TABLES:
            continue
        fields = [f for f in model._meta.sorted_fields if (table, f.column_name) not in IGNORED_COLUMNS]
        names = [f.column_name for f in fields]
        state[table] = {row[0]: dict(zip(names, row, strict=True)) for row in model.select(*fields).tuples()}
    return state


def changes(before: dict, after: dict):
    """(table, key, column, old, new) for every changed cell; new rows have old None for all."""
    for table, rows in after.items():
        for key, row in rows.items():
            old = before.get(table, {}).get(key)
            for column, value in row.items():
                if old is None or old[column] != value:
                    yield table, key, column, None if old is None else old[column], value


@pytest.mark.parametrize("name, role, url, form, allowed", FORMS, ids=[f[0] for f in FORMS])
def test_extra_keys_change_nothing_outside_the_form(world, name, role, url, form, allowed):
    client = world.client(role)
    data = form(world)
    injected = {key: value for key, value in extras(world).items() if key not in data}
    before = rows_by_table()
    response = client.post(url(world), data={**injected, **data, "csrf_token": csrf_token(client)})
    assert response.status_code in (200, 302), f"{name}: {response.status_code}"
    after = rows_by_table()
    problems, changed = [], 0
    for table, key, column, old, new in changes(before, after):
        changed += 1
        permitted = allowed.get(table, set())
        if permitted != "*" and column not in permitted:
            problems.append(f"{table} {key}.{column}: {old!r} -> {new!r} (not the form's to change)")
        for extra, value in injected.items():
            if column in (extra, f"{extra}_id") and str(new) == str(value) and str(old) != str(value):
                problems.append(f"{table} {key}.{column} took the injected {extra}={value!r}")
    assert changed, f"{name}: the form saved nothing, so the test proves nothing (check its filling)"
    assert not problems, f"{name}:\n" + "\n".join(problems)
    db.database.close()
