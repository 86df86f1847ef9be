"""A world with two of everything, one signed-in client per role, and database snapshots.

Agency A and partnership X own the records that URLs name; agency B's lead and
partnership Y's team are the neighbours who must never reach them. Everything
here is data-driven from `app.url_map` and the tables in tests/security/routes.py,
so a new route joins the security tests by adding a line there, not a test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from portal.accounts.models import Role
from portal.notifications.models import OutboxStatus
from portal.trawls.models import TrawlRequest
from tests.factories import make_agency, make_outbox_message, make_partnership, make_user
from tests.family_contact.builders import make_entry, make_member
from tests.helpers import csrf_token, sign_in
from tests.media_inquiries.builders import log as log_inquiry
from tests.publication.builders import make_document
from tests.security.routes import ARG_VALUES, MISSING_ID
from tests.trawls.builders import issue, make_review, make_subject

ANON = "anonymous"
LEAD_A, LEAD_B = "agency_lead_a", "agency_lead_b"
CSP_X, CSP_Y = "csp_team_x", "csp_team_y"
ROLES = (ANON, Role.ADMIN.value, Role.REVIEW_OFFICER.value, LEAD_A, LEAD_B, CSP_X, CSP_Y)
# The neighbour of each scoped role: same role, someone else's agency or partnership.
NEIGHBOURS = {LEAD_B: LEAD_A, CSP_Y: CSP_X}


@dataclass
class World:
    app: object
    users: dict
    values: dict  # URL argument -> a value owned by agency A / partnership X
    records: dict = field(default_factory=dict)
    _clients: dict = field(default_factory=dict)

    def client(self, role: str):
        """One signed-in client per role, reused (a sign-in costs an argon2 hash)."""
        if role not in self._clients:
            client = self.app.test_client()
            if role != ANON:
                sign_in(client, self.users[role])
            self._clients[role] = client
        return self._clients[role]

    def fresh_client(self, role: str):
        self._clients.pop(role, None)
        return self.client(role)

    def url(self, rule, **overrides) -> str:
        missing = [arg for arg in rule.arguments if arg not in ARG_VALUES]
        assert not missing, (
            f"{rule.endpoint} ({rule.rule}) takes {missing}: add a line for each to ARG_VALUES "
            "in tests/security/routes.py"
        )
        values = {arg: overrides.get(arg, self.values.get(arg, ARG_VALUES[arg])) for arg in rule.arguments}
        with self.app.test_request_context():
            return url_for(rule.endpoint, **values)

    def missing_url(self, rule) -> str:
        """The same URL with every id replaced by one that does not exist."""
        return self.url(rule, **{arg: MISSING_ID for arg in int_arguments(rule)})


def int_arguments(rule) -> list[str]:
    return [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]


def routes(app, methods=("GET", "POST")):
    """Every (rule, method), with the ones that end a session or delete things last."""
    from tests.security.routes import RUN_LAST

    rules = sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint in RUN_LAST, rule.rule))
    for rule in rules:
        for method in sorted(rule.methods & set(methods)):
            yield rule, method


def request(client, method: str, url: str, *, htmx: bool = False, data: dict | None = None):
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        response = client.get(url, headers=headers)
    else:
        payload = {"csrf_token": csrf_token(client), **(data or {})}
        response = client.post(url, data=payload, headers=headers)
    response.close()  # static files are streamed from an open file
    return response


@pytest.fixture
def world(app) -> World:
    partnership_x, partnership_y = make_partnership("Partnership X"), make_partnership("Partnership Y")
    agency_a, agency_b = make_agency("Agency A"), make_agency("Agency B")
    officer = make_user(Role.REVIEW_OFFICER)
    users = {
        Role.ADMIN.value: make_user(Role.ADMIN),
        Role.REVIEW_OFFICER.value: officer,
        LEAD_A: make_user(Role.AGENCY_LEAD, agency=agency_a),
        LEAD_B: make_user(Role.AGENCY_LEAD, agency=agency_b),
        CSP_X: make_user(Role.CSP_TEAM, partnership=partnership_x),
        CSP_Y: make_user(Role.CSP_TEAM, partnership=partnership_y),
    }
    target = make_user(Role.REVIEW_OFFICER, full_name="Target Person")
    review_x = make_review(partnership=partnership_x, officer=officer)
    subject_x = make_subject(review_x)
    review_y = make_review(partnership=partnership_y, officer=officer)
    make_subject(review_y, full_name="Yara Neighbour")
    issue(app, review_x, [agency_a])
    issue(app, review_y, [agency_b])
    request_a = TrawlRequest.get(TrawlRequest.agency == agency_a)
    message = make_outbox_message(OutboxStatus.FAILED)
    # The later features' records, all on review X: its family, an inquiry agency A logged
    # about it, and a document for its publication (not yet on the website).
    member = make_member(review_x, "Ms A", safety_note="Contact only through the FLO")
    entry = make_entry(review_x, [member])
    inquiry, _ = log_inquiry(app, users[LEAD_A], review_x)
    document = make_document(app, review_x)
    values = {
        "review_id": review_x.id,
        "subject_id": subject_x.id,
        "request_id": request_a.id,
        "user_id": target.id,
        "message_id": message.id,
        "partnership_id": partnership_x.id,
        "agency_id": agency_a.id,
        "member_id": member.id,
        "entry_id": entry.id,
        "inquiry_id": inquiry.id,
        "document_id": document.id,
    }
    records = {
        "review_x": review_x,
        "review_y": review_y,
        "request_a": request_a,
        "target": target,
        "member": member,
        "entry": entry,
        "inquiry": inquiry,
        "document": document,
    }
    return World(app=app, users=users, values=values, records=records)


# Database snapshots -------------------------------------------------------------------

# What a request may change without anyone having changed anything: the append-only audit
# log, the throttle's guesses and a session's last-seen time.
IGNORED_TABLES = {"audit_event", "sign_in_attempt", "schema_migration"}
IGNORED_COLUMNS = {("user_session", "last_seen_at")}


def snapshot(database) -> dict:
    """Every row of every table (but the ignored ones), keyed by table and primary key."""
    from portal.migrate import all_models

    state = {}
    for model in all_models():
        table = model._meta.table_name
        if table in IGNORED_TABLES:
            continue
        columns = [f for f in model._meta.sorted_fields if (table, f.column_name) not in IGNORED_COLUMNS]
        rows = model.select(*columns).order_by(model._meta.primary_key).tuples()
        state[table] = {row[0]: row for row in rows}
    return state


def differences(before: dict, after: dict) -> list[str]:
    found = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        for key in sorted(set(old) | set(new), key=str):
            if old.get(key) != new.get(key):
                found.append(f"{table} {key}: {old.get(key)} -> {new.get(key)}")
    return found


NONCE = re.compile(r"nonce-[\w-]+|nonce=\"[^\"]*\"")
CSRF = re.compile(r'(name="csrf-token" content=|name="csrf_token" type="hidden" value=|value=)"[\w.-]{40,}"')


def normalised_body(response) -> str:
    """The body with what differs on every response (nonce, CSRF token) blanked out."""
    return CSRF.sub(r'\1"…"', NONCE.sub("nonce-…", response.get_data(as_text=True)))
