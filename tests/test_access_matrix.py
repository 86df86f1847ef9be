"""Route x role matrix: every registered route has an expected answer for every role.

A new route without a line here fails test_every_route_has_an_expectation,
so nothing ships unclassified. Statuses are for a request with a valid CSRF
token and an empty form: 302 to sign-in for anonymous users, 403 for a role
without access, and what the owning role gets (200 page, 200 form with errors,
302 after a change).
"""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.notifications.models import OutboxStatus
from portal.trawls.models import TrawlRequest
from tests.factories import make_agency, make_outbox_message, make_partnership, make_user
from tests.family_contact.builders import make_entry, make_member
from tests.helpers import csrf_token, sign_in
from tests.media_inquiries.builders import log as log_media_inquiry
from tests.publication.builders import make_document
from tests.trawls.builders import issue, make_review, make_subject

ANON = "anonymous"
ROLES = (ANON, Role.ADMIN, Role.REVIEW_OFFICER, Role.AGENCY_LEAD, Role.CSP_TEAM)
SIGN_IN = 302  # anonymous users are sent to the sign-in page


def only(role_status: dict, others: int = 403, anonymous: int = SIGN_IN) -> dict:
    expected = {role: others for role in ROLES}
    expected[ANON] = anonymous
    expected.update(role_status)
    return expected


def everyone(status: int) -> dict:
    return {role: status for role in ROLES}


def officers(status: int) -> dict:
    return only({Role.ADMIN: status, Role.REVIEW_OFFICER: status})


def signed_in(status: int) -> dict:
    return only({r: status for r in ROLES if r != ANON})


# (endpoint, method) -> {role: status}
EXPECTED = {
    ("static", "GET"): everyone(200),
    ("pages.home", "GET"): signed_in(200),
    ("pages.accessibility", "GET"): everyone(200),
    ("pages.healthz", "GET"): everyone(200),
    ("accounts.sign_in", "GET"): {**everyone(302), ANON: 200},
    ("accounts.sign_in", "POST"): {**everyone(302), ANON: 200},
    ("accounts.sign_out", "POST"): signed_in(302),
    # The second-factor step: without a correct password first, back to sign-in.
    ("accounts.security_code", "GET"): everyone(302),
    ("accounts.security_code", "POST"): everyone(302),
    ("accounts.recovery_code", "GET"): everyone(302),
    ("accounts.recovery_code", "POST"): everyone(302),
    ("accounts.set_up_two_factor", "GET"): everyone(302),
    ("accounts.set_up_two_factor", "POST"): everyone(302),
    ("accounts.signed_out", "GET"): everyone(200),
    ("accounts.set_password", "GET"): everyone(404),  # the sample token is not a real one
    ("accounts.set_password", "POST"): everyone(404),
    ("admin.index", "GET"): only({Role.ADMIN: 200}),
    ("admin.users", "GET"): only({Role.ADMIN: 200}),
    ("admin.new_user", "GET"): only({Role.ADMIN: 200}),
    ("admin.new_user", "POST"): only({Role.ADMIN: 200}),
    ("admin.edit_user", "GET"): only({Role.ADMIN: 200}),
    ("admin.edit_user", "POST"): only({Role.ADMIN: 200}),
    ("admin.deactivate_user", "POST"): only({Role.ADMIN: 302}),
    ("admin.reactivate_user", "POST"): only({Role.ADMIN: 302}),
    ("admin.reset_access", "POST"): only({Role.ADMIN: 200}),  # shows the new link once
    ("admin.reset_two_factor", "POST"): only({Role.ADMIN: 302}),
    ("admin.end_sessions", "POST"): only({Role.ADMIN: 302}),
    ("admin.partnerships", "GET"): only({Role.ADMIN: 200}),
    ("admin.edit_partnership", "GET"): only({Role.ADMIN: 200}),
    ("admin.edit_partnership", "POST"): only({Role.ADMIN: 200}),
    ("admin.agencies", "GET"): only({Role.ADMIN: 200}),
    ("admin.edit_agency", "GET"): only({Role.ADMIN: 200}),
    ("admin.edit_agency", "POST"): only({Role.ADMIN: 200}),
    ("audit.events", "GET"): only({Role.ADMIN: 200}),
    ("outbox.messages", "GET"): only({Role.ADMIN: 200}),
    ("outbox.retry", "POST"): only({Role.ADMIN: 302}),  # queued again, back to the outbox
    ("jobs.runs", "GET"): only({Role.ADMIN: 200}),
    ("workdays.bank_holidays", "GET"): only({Role.ADMIN: 200}),
    ("workdays.bank_holidays", "POST"): only({Role.ADMIN: 200}),
    # Reviews and subjects: review officers and admins only
    ("reviews.index", "GET"): officers(200),
    ("reviews.new", "GET"): officers(200),
    ("reviews.new", "POST"): officers(200),
    ("reviews.show", "GET"): officers(200),
    ("reviews.edit", "GET"): officers(200),
    ("reviews.edit", "POST"): officers(200),
    ("reviews.new_subject", "GET"): officers(200),
    ("reviews.new_subject", "POST"): officers(422),
    ("reviews.edit_subject", "GET"): officers(200),
    ("reviews.edit_subject", "POST"): officers(422),
    ("reviews.remove_subject", "POST"): officers(302),
    # Lifecycle
    ("lifecycle.show", "GET"): officers(200),
    ("lifecycle.move", "GET"): officers(200),
    ("lifecycle.move", "POST"): officers(409),  # no version sent: a conflict, never a move
    ("lifecycle.suspend", "GET"): officers(200),
    ("lifecycle.suspend", "POST"): officers(422),
    ("lifecycle.resume", "POST"): officers(302),
    ("lifecycle.key_dates", "GET"): officers(200),
    ("lifecycle.key_dates", "POST"): officers(409),  # no version sent: a conflict, never an overwrite
    # Family contact: admins and the review's own officer; an empty form is a 422, never a change
    ("family_contact.show", "GET"): officers(200),
    ("family_contact.printable_record", "GET"): officers(200),
    ("family_contact.new_member", "GET"): officers(200),
    ("family_contact.new_member", "POST"): officers(422),
    ("family_contact.edit_member", "GET"): officers(200),
    ("family_contact.edit_member", "POST"): officers(422),
    ("family_contact.new_entry", "GET"): officers(200),
    ("family_contact.new_entry", "POST"): officers(422),
    ("family_contact.edit_entry", "GET"): officers(200),
    ("family_contact.edit_entry", "POST"): officers(422),
    ("family_contact.mark_in_error", "GET"): officers(200),
    ("family_contact.mark_in_error", "POST"): officers(422),
    ("family_contact.entry_history", "GET"): officers(200),
    # Trawls for officers
    ("trawls.issue", "GET"): officers(200),
    ("trawls.issue", "POST"): officers(200),
    ("trawls.dashboard", "GET"): officers(200),
    ("trawls.accept", "POST"): officers(302),
    ("trawls.chased", "POST"): officers(302),
    ("trawls.decide_extension", "POST"): officers(302),
    ("trawls.show_request", "GET"): officers(200),
    ("trawls.letter", "GET"): officers(200),
    ("trawls.record_return", "GET"): officers(200),
    ("trawls.record_return", "POST"): officers(200),
    ("trawls.overview", "GET"): officers(200),
    ("trawls.no_record_of_contact", "GET"): officers(200),
    ("trawls.requests_csv", "GET"): officers(200),
    ("trawls.partnership_reviews", "GET"): only({Role.CSP_TEAM: 200}),
    # The agency lead's inbox: their own agency's requests only
    ("inbox.index", "GET"): only({Role.AGENCY_LEAD: 200}),
    ("inbox.show", "GET"): only({Role.AGENCY_LEAD: 200}),
    ("inbox.letter", "GET"): only({Role.AGENCY_LEAD: 200}),
    ("inbox.nil_return", "GET"): only({Role.AGENCY_LEAD: 200}),
    ("inbox.nil_return", "POST"): only({Role.AGENCY_LEAD: 422}),
    ("inbox.involvement", "GET"): only({Role.AGENCY_LEAD: 200}),
    ("inbox.involvement", "POST"): only({Role.AGENCY_LEAD: 422}),
    ("inbox.extension", "GET"): only({Role.AGENCY_LEAD: 200}),
    ("inbox.extension", "POST"): only({Role.AGENCY_LEAD: 422}),
    # Publication: officers upload and publish; the partnership's CSP team (and admins) decide on
    # take-downs; the public list and documents need no sign-in (the sample review is not published).
    ("publication.show", "GET"): only({Role.ADMIN: 200, Role.REVIEW_OFFICER: 200, Role.CSP_TEAM: 200}),
    ("publication.upload", "POST"): officers(422),
    ("publication.publish", "POST"): officers(422),
    ("publication.remove", "GET"): only({Role.ADMIN: 200, Role.CSP_TEAM: 200}),
    ("publication.remove", "POST"): only({Role.ADMIN: 422, Role.CSP_TEAM: 422}),
    ("publication.hold", "GET"): only({Role.ADMIN: 200, Role.CSP_TEAM: 200}),
    ("publication.hold", "POST"): only({Role.ADMIN: 422, Role.CSP_TEAM: 422}),
    ("publication.staff_download", "GET"): only(
        {Role.ADMIN: 200, Role.REVIEW_OFFICER: 200, Role.CSP_TEAM: 200}
    ),
    ("publication.published", "GET"): everyone(200),
    ("publication.public_document", "GET"): everyone(404),
    # Media inquiries: everyone logs and sees their own; the partnership's people act on them.
    # Workflow steps on a routed inquiry with nothing drafted are refused by the rules (302 back
    # with the reason); an empty form is a 422; no version on the contact form is a conflict.
    ("media_inquiries.index", "GET"): signed_in(200),
    ("media_inquiries.new", "GET"): signed_in(200),
    ("media_inquiries.new", "POST"): signed_in(422),
    ("media_inquiries.show", "GET"): signed_in(200),
    ("media_inquiries.draft", "POST"): only({Role.ADMIN: 422, Role.REVIEW_OFFICER: 422, Role.CSP_TEAM: 422}),
    ("media_inquiries.approve", "POST"): only(
        {Role.ADMIN: 302, Role.REVIEW_OFFICER: 302, Role.CSP_TEAM: 302}
    ),
    ("media_inquiries.responded", "POST"): only(
        {Role.ADMIN: 302, Role.REVIEW_OFFICER: 302, Role.CSP_TEAM: 302}
    ),
    ("media_inquiries.close", "POST"): only({Role.ADMIN: 302, Role.REVIEW_OFFICER: 302, Role.CSP_TEAM: 302}),
    ("media_inquiries.close_no_comment", "POST"): only(
        {Role.ADMIN: 422, Role.REVIEW_OFFICER: 422, Role.CSP_TEAM: 422}
    ),
    ("media_inquiries.reassign", "GET"): officers(200),
    ("media_inquiries.reassign", "POST"): officers(422),
    ("media_inquiries.review_contact", "GET"): officers(200),
    ("media_inquiries.review_contact", "POST"): officers(409),
    ("media_routing.rules", "GET"): only({Role.ADMIN: 200}),
    ("media_routing.edit_rule", "GET"): only({Role.ADMIN: 200}),
    ("media_routing.edit_rule", "POST"): only({Role.ADMIN: 422}),
    # Subject access requests: admins only; an empty form is re-shown with its errors, never searched.
    ("subject_access.search", "GET"): only({Role.ADMIN: 200}),
    ("subject_access.search", "POST"): only({Role.ADMIN: 422}),
    ("subject_access.download", "POST"): only({Role.ADMIN: 422}),
    # Retention and legal holds: admins only (an empty form is re-shown with its errors).
    ("retention.schedule", "GET"): only({Role.ADMIN: 200}),
    ("retention.new_hold", "GET"): only({Role.ADMIN: 200}),
    ("retention.new_hold", "POST"): only({Role.ADMIN: 200}),
    ("retention.review_hold", "GET"): only({Role.ADMIN: 200}),
    ("retention.review_hold", "POST"): only({Role.ADMIN: 200}),
    ("retention.lift_hold", "POST"): only({Role.ADMIN: 200}),
}
# Run last: they end the session or delete what later URLs name.
RUN_LAST = ("reviews.remove_subject", "accounts.sign_out")


def routes(app):
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint in RUN_LAST)
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_an_expectation(app):
    missing = sorted(
        f"{rule.endpoint} {method} {rule.rule}"
        for rule, method in routes(app)
        if (rule.endpoint, method) not in EXPECTED
    )
    assert not missing, "Add these routes to EXPECTED in tests/test_access_matrix.py: " + ", ".join(missing)
    stale = set(EXPECTED) - {(rule.endpoint, method) for rule, method in routes(app)}
    assert not stale, f"EXPECTED names routes that no longer exist: {sorted(stale)}"


def test_every_view_declares_exactly_one_access_rule(app):
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        assert hasattr(view, "access_rule"), f"{endpoint} has no @public or @allow(...) rule"


@pytest.fixture
def sample(app):
    """One of everything a URL can name, and one user per role."""
    partnership = make_partnership()
    agency = make_agency()
    users = {
        Role.ADMIN: make_user(Role.ADMIN),
        Role.REVIEW_OFFICER: make_user(Role.REVIEW_OFFICER),
        Role.AGENCY_LEAD: make_user(Role.AGENCY_LEAD, agency=agency),
        Role.CSP_TEAM: make_user(Role.CSP_TEAM, partnership=partnership),
    }
    target = make_user(Role.REVIEW_OFFICER, full_name="Target Person")
    failed_message = make_outbox_message(OutboxStatus.FAILED)
    review = make_review(partnership=partnership, officer=users[Role.REVIEW_OFFICER])
    subject = make_subject(review)
    family_member = make_member(review)
    issue(app, review, [agency])
    document = make_document(app, review)
    media_inquiry, _ = log_media_inquiry(app, users[Role.AGENCY_LEAD], review)
    values = {
        "review_id": review.id,
        "subject_id": subject.id,
        "member_id": family_member.id,
        "entry_id": make_entry(review, [family_member]).id,
        "request_id": TrawlRequest.get().id,
        "kind": "nil-return",
        "target": "initial-scoping",
        "user_id": target.id,
        "message_id": failed_message.id,
        "partnership_id": partnership.id,
        "agency_id": agency.id,
        "inquiry_id": media_inquiry.id,
        "topic": "review-process",
        "token": "not-a-real-token",
        "filename": "dist/portal.css",
        "document_id": document.id,
        "document_kind": "overview-report",
    }
    return users, values


def _url(app, rule, values):
    from flask import url_for

    with app.test_request_context():
        return url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_route_role_matrix(app, sample, role):
    users, values = sample
    failures = []
    client = app.test_client()
    signed_in_now = False
    for rule, method in routes(app):
        if role != ANON and not signed_in_now:
            sign_in(client, users[role])
            signed_in_now = True
        url = _url(app, rule, values)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": csrf_token(client)})
            signed_in_now = signed_in_now and rule.endpoint != "accounts.sign_out"
        response.close()  # static files are streamed from an open file
        expected = EXPECTED[(rule.endpoint, method)][role]
        if response.status_code != expected:
            failures.append(f"{method} {url}: got {response.status_code}, expected {expected}")
        if role == ANON and expected == SIGN_IN and rule.endpoint != "accounts.sign_in":
            assert response.headers["Location"].startswith("/sign-in"), url
    assert not failures, "\n".join(failures)


def test_htmx_request_after_sign_out_gets_hx_redirect_not_a_fragment(client):
    response = client.get("/admin/users", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/sign-in")
    assert response.data == b""
