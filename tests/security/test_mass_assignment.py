"""Test 4: mass assignment. Every form, re-posted with extra keys (role, agency, status,
review, version…), changes no column outside what the form and its rule may change.

Each line of FORMS is one form: who posts it, where, a valid filling, and the
columns that saving it may write. A new form joins by adding a line. Extra keys that
are the form's own fields are left out (those are the form, not an attack).
"""

from __future__ import annotations

import datetime as dt
import io

import pyotp
import pytest

from portal.accounts.models import Role, User
from portal.accounts.service import create_set_password_token
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.family_contact.service import ENTRY_FIELDS, MEMBER_FIELDS
from portal.lifecycle import service as lifecycle
from portal.lifecycle.stages import Stage, SuspensionReason
from portal.media_inquiries import workflow
from portal.media_inquiries.models import MediaInquiry, Topic
from portal.media_inquiries.routing import rule_for
from portal.migrate import all_models
from portal.publication.models import DocumentKind
from portal.retention import service as retention
from portal.reviews.models import Review
from portal.trawls import service as trawls
from portal.trawls.models import ReturnKind, TrawlRequest
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token, parse, sign_in, totp_code
from tests.publication.builders import make_document, pdf_bytes
from tests.security.conftest import ANON, CSP_X, IGNORED_COLUMNS, IGNORED_TABLES, LEAD_A

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
        "stage": "concluded",
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
        # The later features' columns: whose record it is, who decided, what was decided.
        "review_officer": world.users["agency_lead_b"].id,
        "recorded_by": world.users["agency_lead_b"].id,
        "entered_in_error": "y",
        "error_reason": "HACKED",
        "logged_by": world.users["agency_lead_b"].id,
        "logged_by_agency": world.users["agency_lead_b"].agency_id,
        "owner": world.users["agency_lead_b"].id,
        "drafted_by": world.users["agency_lead_b"].id,
        "approved_by": world.users["agency_lead_b"].id,
        "approval_note": "HACKED",
        "sent_response": "HACKED",
        "draft_response": "HACKED",
        "close_reason": "HACKED",
        "published_on": ["1", "1", "2020"],
        "removed_on": ["1", "1", "2020"],
        "held_until": ["1", "1", "2099"],
        "hold_reason": "HACKED",
        "stored_name": "../../portal.db",
        "original_name": "HACKED.pdf",
        "sha256": "0" * 64,
        "uploaded_by": world.users["agency_lead_b"].id,
        "panel_chair_email": "hacked@evil.example",
        "recipients": "media_contact",
        # The lifecycle's, the returns' and the retention's deciders and decisions.
        "suspended_since": ["1", "1", "2020"],
        "decision_outcome": "no_review",
        "lead_press_office": world.users["agency_lead_b"].agency_id,
        "cleared_on": ["1", "1", "2020"],
        "accepted_by": world.users["agency_lead_b"].id,
        "last_chased_by": world.users["agency_lead_b"].id,
        "decided_by": world.users["agency_lead_b"].id,
        "decision": "grant",
        "started_by": world.users["agency_lead_b"].id,
        "ended_by": world.users["agency_lead_b"].id,
        "set_by": world.users["agency_lead_b"].id,
        "lifted_by": world.users["agency_lead_b"].id,
        "active_for": other["review_y"].id,
    }


def date(value: dt.date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)


def _review_at(w, stage: Stage) -> Review:
    """Review X moved straight to a stage (publication planned, or published a month ago)."""
    values = {"stage": stage, "cleared_on": TODAY - dt.timedelta(days=60)}
    values["publication_planned_on"] = TODAY - dt.timedelta(days=40)
    if stage is Stage.PUBLISHED:
        values |= {
            "published_on": TODAY - dt.timedelta(days=30),
            "removal_due_on": TODAY + dt.timedelta(days=335),
        }
    Review.update(**values).where(Review.id == w.values["review_id"]).execute()
    return Review.get_by_id(w.values["review_id"])


def _inquiry_after(w, *steps) -> MediaInquiry:
    """The world's inquiry after workflow steps, each (function, role, *arguments)."""
    for step, role, *args in steps:
        with w.app.test_request_context():
            current = MediaInquiry.get_by_id(w.values["inquiry_id"])
            step(current, current.version, w.users[role], *args)
    return MediaInquiry.get_by_id(w.values["inquiry_id"])


DRAFTED = (workflow.draft_response, OFFICER, "The partnership cannot comment while the review is under way.")
APPROVED = (workflow.approve, CSP_X, "")
RESPONDED = (workflow.mark_responded, OFFICER, "")


def _entry_form(w, **values) -> dict:
    return {
        "members": [str(w.values["member_id"])],
        "contact_date": date(YESTERDAY),
        "contact_time": "10:30",
        "made_by": "The independent chair",
        "contact_made": "yes",
        "route": "flo",
        "method": "phone",
        "purpose": "progress_update",
        "summary": "Progress update by phone.",
        **values,
    }


def _published_for(w) -> str:
    return str(_review_at(w, Stage.PUBLISHED).version)


def _planned_with_both_documents(w) -> str:
    review = _review_at(w, Stage.PUBLICATION_PLANNED)
    make_document(w.app, review, DocumentKind.EXECUTIVE_SUMMARY)
    return str(review.version)


def _in_request(w, step, *args, **kwargs):
    """Run a service step as the app would, inside a request (it records to the audit log)."""
    with w.app.test_request_context():
        return step(*args, **kwargs)


def _request_a(w) -> TrawlRequest:
    return TrawlRequest.get_by_id(w.values["request_id"])


NIL_RETURN = {
    **dict.fromkeys(trawls.NIL_CHECKS, True),
    "personal_interest": False,
    "personal_interest_note": "",
}


def _answered(w) -> str:
    """Agency A's request with its nil return sent, waiting for the officer to accept it."""
    request = _request_a(w)
    _in_request(
        w, trawls.submit_return, request, request.version, ReturnKind.NIL_RETURN, NIL_RETURN, w.users[LEAD_A]
    )
    return str(_request_a(w).version)


def _more_time_asked(w) -> str:
    request = _request_a(w)
    _in_request(
        w, trawls.request_extension, request, request.version, "Records in storage", LATER, w.users[LEAD_A]
    )
    return str(_request_a(w).version)


def _review_x(w) -> Review:
    return Review.get_by_id(w.values["review_id"])


def _suspended(w) -> str:
    review = _review_x(w)
    _in_request(
        w,
        lifecycle.suspend,
        review,
        review.version,
        SuspensionReason.INQUEST,
        "",
        w.users[OFFICER],
        started_on=YESTERDAY,
    )
    return str(_review_x(w).version)


HOLD = {"reason": "inquest", "reference": "Coroner ref 12", "note": "Inquest opened"}


def _held(w) -> str:
    hold = _in_request(w, retention.set_hold, _review_x(w), HOLD, w.users[ADMIN])
    return str(hold.version)


def _set_password_link(w) -> dict:
    """A set-password link for the target person, its token put where the URL reads it."""
    w.values["token"] = _in_request(w, create_set_password_token, _target(w), w.users[ADMIN])
    return {"password": "a-long-new-passphrase-42", "confirm": "a-long-new-passphrase-42"}


def _password_step(w, user, expected: str) -> None:
    """The person between sign-in's two steps, on the anonymous client the form is posted from."""
    client = w.client(ANON)
    response = client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302 and response.headers["Location"] == expected


def _at_security_code(w) -> dict:
    _password_step(w, _target(w), "/sign-in/security-code")
    return {"code": totp_code(_target(w))}


def _at_recovery_code(w) -> dict:
    user = make_user(Role.REVIEW_OFFICER, two_factor=False)
    codes = parse(sign_in(w.app.test_client(), user)).select("#recovery-codes li")  # sets the app up
    _password_step(w, user, "/sign-in/security-code")
    return {"code": codes[0].get_text(strip=True)}


def _at_set_up(w) -> dict:
    _password_step(w, make_user(Role.REVIEW_OFFICER, two_factor=False), "/sign-in/set-up-two-factor")
    key = parse(w.client(ANON).get("/sign-in/set-up-two-factor")).select_one("#two-factor-manual-key")
    return {"code": pyotp.TOTP(key.get_text().replace(" ", "")).now()}


SIGNED_IN = {
    "user": {"totp_last_step", "failed_login_count", "locked_until", "last_signed_in_at"},
    "user_session": "*",
}


def _target(w) -> User:
    return User.get_by_id(w.values["user_id"])


def _target_signed_in(w) -> str:
    """The target person with a session of their own, so there is one to end."""
    sign_in(w.app.test_client(), _target(w))
    return str(_target(w).version)


def _target_deactivated(w) -> str:
    User.update(active=False).where(User.id == w.values["user_id"]).execute()
    return str(_target(w).version)


MEMBER_COLUMNS = {*MEMBER_FIELDS, "version"}
ENTRY_COLUMNS = {*ENTRY_FIELDS, "version"}
INQUIRY_EVENT = {"media_inquiry_event": "*"}


# The returns overview's sort keys, which the trawl service keeps up to date on every answer.
REVIEW_KEYS = {"review": {"next_return_due_on", "earliest_awaiting_due_on"}}
ANSWERED = {"status", "version", "answered_by_id", "answered_at"}
ENDED_SESSIONS = {"user_session": {"ended_at", "end_reason"}}
KEY_DATES = {
    "decision_on": date(TODAY - dt.timedelta(days=50)),
    "home_office_told_on": date(TODAY - dt.timedelta(days=49)),
    "chair_appointed_on": date(TODAY - dt.timedelta(days=30)),
    "tor_agreed_on": date(TODAY - dt.timedelta(days=20)),
    "report_submitted_on": ["", "", ""],
    "cleared_on": ["", "", ""],
    "commissioner_copy_on": ["", "", ""],
}

# (name, role, url(world), form(world), {table: columns saving it may write}). A form that
# needs its record in a certain state (a drafted response, a published review) puts it there
# when it is filled in, before anything is compared.
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
        lambda w: {
            "version": "1",
            "full_name": "Renamed",
            "email": w.records["target"].email,
            "role": "review_officer",
        },
        {"user": {"full_name", "version"}},
    ),
    (
        "edit partnership",
        ADMIN,
        lambda w: f"/admin/partnerships/{w.values['partnership_id']}",
        lambda w: {"version": "1", "name": "Partnership X2", "active": "y"},
        {"partnership": {"name", "version"}},
    ),
    (
        "new agency",
        ADMIN,
        lambda w: "/admin/agencies/new",
        lambda w: {
            "name": "Agency C",
            "sector": "health",
            "contact_email": "c@agency.example",
            "active": "y",
        },
        {"agency": "*"},
    ),
    (
        "sign out",
        OFFICER,
        lambda w: "/sign-out",
        lambda w: {},
        ENDED_SESSIONS,
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
        lambda w: {
            "version": "1",
            "name": "Agency A2",
            "sector": "health",
            "contact_email": "a2@agency.example",
            "active": "y",
        },
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
        "remove subject",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/subjects/{w.values['subject_id']}/remove",
        lambda w: {},
        {"subject": "*"},
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
        {
            "trawl_return": "*",
            "trawl_request": {"status", "version", "answered_by_id", "answered_at"},
            **REVIEW_KEYS,
        },
    ),
    (
        "extension request",
        LEAD_A,
        lambda w: f"/inbox/{w.values['request_id']}/extension",
        lambda w: {"version": "1", "reason": "Records in storage", "proposed_date": date(LATER)},
        {"extension_request": "*", "trawl_request": {"status", "version"}, **REVIEW_KEYS},
    ),
    (
        "summary of involvement",
        LEAD_A,
        lambda w: f"/inbox/{w.values['request_id']}/involvement",
        lambda w: {
            "version": "1",
            "summary": "Two contacts with the GP in 2025.",
            "contact_from": ["3", "2", "2025"],
            "contact_to": ["4", "4", "2025"],
            "records_secured": "y",
        },
        {"trawl_return": "*", "trawl_request": ANSWERED, **REVIEW_KEYS},
    ),
    (
        "record return on behalf",
        OFFICER,
        lambda w: f"/trawl-requests/{w.values['request_id']}/record-return/nil-return",
        lambda w: {"version": "1", "received_by": "email", **dict.fromkeys(trawls.NIL_CHECKS, "y")},
        {"trawl_return": "*", "trawl_request": ANSWERED, **REVIEW_KEYS},
    ),
    (
        "accept return",
        OFFICER,
        lambda w: f"/trawl-requests/{w.values['request_id']}/accept",
        lambda w: {"version": _answered(w)},
        {"trawl_request": {"status", "accepted_at", "accepted_by_id", "version"}},
    ),
    (
        "mark chased",
        OFFICER,
        lambda w: f"/trawl-requests/{w.values['request_id']}/chased",
        lambda w: {"version": "1"},
        {"trawl_request": {"last_chased_at", "last_chased_by_id", "version"}},
    ),
    (
        "grant extension",
        OFFICER,
        lambda w: f"/trawl-requests/{w.values['request_id']}/extension",
        lambda w: {
            "version": _more_time_asked(w),
            "decision": "grant",
            "granted_date": date(LATER),
            "decision_note": "Agreed by phone",
        },
        {
            "trawl_request": {"status", "due_date", "due_basis", "version"},
            "extension_request": {"decision", "decided_at", "decided_by_id", "decision_note", "granted_date"},
            **REVIEW_KEYS,
        },
    ),
    (
        "refuse extension",
        OFFICER,
        lambda w: f"/trawl-requests/{w.values['request_id']}/extension",
        lambda w: {"version": _more_time_asked(w), "decision": "refuse", "decision_note": "Needed now"},
        {
            "trawl_request": {"status", "version"},
            "extension_request": {"decision", "decided_at", "decided_by_id", "decision_note", "granted_date"},
            **REVIEW_KEYS,
        },
    ),
    # Lifecycle -------------------------------------------------------------------------
    (
        "key dates",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/lifecycle/key-dates",
        lambda w: {"version": "1", **KEY_DATES},
        {"review": {*lifecycle.KEY_DATES, "version"}},
    ),
    (
        "move stage",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/lifecycle/move/initial-scoping",
        lambda w: {"version": "1", "note": "Scoping started"},
        {"review": {"stage", "version"}, "stage_transition": "*"},
    ),
    (
        "suspend",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/lifecycle/suspend",
        lambda w: {"version": "1", "reason": "trial", "note": "Trial listed", "started_on": date(YESTERDAY)},
        {"review": {"suspended_since", "version"}, "suspension": "*"},
    ),
    (
        "resume",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/lifecycle/resume",
        lambda w: {"version": _suspended(w), "ended_on": date(TODAY)},
        {"review": {"suspended_since", "version"}, "suspension": {"ended_on", "ended_by_id"}},
    ),
    # Administration: the one-button posts ----------------------------------------------
    (
        "deactivate user",
        ADMIN,
        lambda w: f"/admin/users/{w.values['user_id']}/deactivate",
        lambda w: {"version": _target_signed_in(w)},
        {"user": {"active", "version"}, **ENDED_SESSIONS},
    ),
    (
        "reactivate user",
        ADMIN,
        lambda w: f"/admin/users/{w.values['user_id']}/reactivate",
        lambda w: {"version": _target_deactivated(w)},
        {"user": {"active", "version"}},
    ),
    (
        "reset access",
        ADMIN,
        lambda w: f"/admin/users/{w.values['user_id']}/reset-access",
        lambda w: {"version": _target_signed_in(w)},
        {"set_password_token": "*", "outbox_message": "*", **ENDED_SESSIONS},
    ),
    (
        "reset two-factor",
        ADMIN,
        lambda w: f"/admin/users/{w.values['user_id']}/reset-two-factor",
        lambda w: {"version": _target_signed_in(w)},
        {"user": {"totp_secret", "totp_enrolled_at", "totp_last_step"}, **ENDED_SESSIONS},
    ),
    (
        "end sessions",
        ADMIN,
        lambda w: f"/admin/users/{w.values['user_id']}/end-sessions",
        lambda w: {"version": _target_signed_in(w)},
        ENDED_SESSIONS,
    ),
    (
        "retry message",
        ADMIN,
        lambda w: f"/admin/outbox/{w.values['message_id']}/retry",
        lambda w: {"status": "failed"},
        {"outbox_message": {"status", "attempts", "next_attempt_at", "claimed_at"}},
    ),
    # Retention -------------------------------------------------------------------------
    (
        "set legal hold",
        ADMIN,
        lambda w: "/admin/retention/holds/new",
        lambda w: {"review_reference": w.records["review_x"].reference, **HOLD},
        {"legal_hold": "*"},
    ),
    (
        "set legal hold on the review's page",
        ADMIN,
        lambda w: f"/admin/retention/reviews/{w.values['review_id']}",
        lambda w: {"version": "", **HOLD},
        {"legal_hold": "*"},
    ),
    (
        "change legal hold",
        ADMIN,
        lambda w: f"/admin/retention/reviews/{w.values['review_id']}",
        lambda w: {"version": _held(w), **HOLD, "reason": "proceedings", "note": "Civil claim"},
        {"legal_hold": {"reason", "reference", "note", "version"}},
    ),
    (
        "lift legal hold",
        ADMIN,
        lambda w: f"/admin/retention/reviews/{w.values['review_id']}/lift",
        lambda w: {"version": _held(w), "lift_reason": "The inquest concluded"},
        {"legal_hold": {"active_for_id", "lifted_by_id", "lifted_at", "lift_reason", "version"}},
    ),
    # Family contact --------------------------------------------------------------------
    (
        "new family member",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/family/members/new",
        lambda w: {
            "referred_to_as": "Mr B",
            "relationship": "Brother",
            "participation": "engaged",
            "preferred_route": "flo",
        },
        {"family_member": "*"},
    ),
    (
        "edit family member",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/family/members/{w.values['member_id']}/edit",
        lambda w: {
            "version": "1",
            "referred_to_as": "Ms A",
            "relationship": "Sister (older)",
            "participation": "declined",
            "preferred_route": "advocate",
        },
        {"family_member": MEMBER_COLUMNS},
    ),
    (
        "new contact entry",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/family/entries/new",
        lambda w: _entry_form(w),
        {"family_contact_entry": "*", "family_contact_entry_member": "*"},
    ),
    (
        "edit contact entry",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/family/entries/{w.values['entry_id']}/edit",
        lambda w: _entry_form(w, version="1", summary="Corrected summary."),
        {"family_contact_entry": ENTRY_COLUMNS, "family_contact_entry_version": "*"},
    ),
    (
        "mark entry in error",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/family/entries/{w.values['entry_id']}/entered-in-error",
        lambda w: {"version": "1", "reason": "Logged against the wrong review"},
        {
            "family_contact_entry": {
                "entered_in_error",
                "error_reason",
                "error_marked_at",
                "error_marked_by_id",
                "version",
            }
        },
    ),
    # Media inquiries -------------------------------------------------------------------
    (
        "log media inquiry",
        LEAD_A,
        lambda w: "/media-inquiries/new",
        lambda w: {
            "received_date": date(YESTERDAY),
            "received_time": "9:15am",
            "received_by_agency": str(w.values["agency_id"]),
            "received_by_name": "Pat Switchboard",
            "outlet": "Northvale Evening Post",
            "journalist_name": "Jo Inkwell",
            "journalist_email": "jo.inkwell@evening-post.example",
            "question": "Is the partnership reviewing the death in March?",
            "deadline_date": date(TODAY + dt.timedelta(days=3)),
            "deadline_time": "5pm",
            "review": str(w.values["review_id"]),
            "topic": "infer",
        },
        {
            "media_inquiry": "*",
            "media_inquiry_recipient": "*",
            "media_inquiry_event": "*",
            "outbox_message": "*",
        },
    ),
    (
        "reassign media inquiry",
        OFFICER,
        lambda w: f"/media-inquiries/{w.values['inquiry_id']}/reassign",
        lambda w: {
            "version": str(_inquiry_after(w).version),
            "review": "not-sure",
            "topic": "review_process",
            "deadline_date": date(TODAY + dt.timedelta(days=5)),
            "deadline_time": "12:00",
        },
        {
            "media_inquiry": {"review_id", "topic", "deadline_at", "owner_id", "version"},
            "media_inquiry_recipient": "*",
            "media_inquiry_event": "*",
            "outbox_message": "*",
        },
    ),
    (
        "panel chair contact",
        OFFICER,
        lambda w: f"/media-inquiries/reviews/{w.values['review_id']}/contact",
        lambda w: {
            "version": "0",
            "panel_chair_name": "Dr Chair",
            "panel_chair_email": "chair@panel.example",
        },
        {"review_media_contact": "*"},
    ),
    (
        "draft response",
        CSP_X,
        lambda w: f"/media-inquiries/{w.values['inquiry_id']}/draft",
        lambda w: {"version": str(_inquiry_after(w).version), "draft_response": "No comment yet."},
        {
            "media_inquiry": {
                "status",
                "draft_response",
                "drafted_at",
                "drafted_by_id",
                "approved_at",
                "approved_by_id",
                "approval_note",
                "version",
            },
            **INQUIRY_EVENT,
        },
    ),
    (
        "approve response",
        CSP_X,
        lambda w: f"/media-inquiries/{w.values['inquiry_id']}/approve",
        lambda w: {"version": str(_inquiry_after(w, DRAFTED).version), "note": "Agreed by the chair"},
        {
            "media_inquiry": {"status", "approved_at", "approved_by_id", "approval_note", "version"},
            **INQUIRY_EVENT,
        },
    ),
    (
        "mark responded",
        OFFICER,
        lambda w: f"/media-inquiries/{w.values['inquiry_id']}/responded",
        lambda w: {"version": str(_inquiry_after(w, DRAFTED, APPROVED).version), "note": "Emailed"},
        {
            "media_inquiry": {"status", "sent_response", "responded_at", "responded_by_id", "version"},
            **INQUIRY_EVENT,
        },
    ),
    (
        "close inquiry",
        OFFICER,
        lambda w: f"/media-inquiries/{w.values['inquiry_id']}/close",
        lambda w: {"version": str(_inquiry_after(w, DRAFTED, APPROVED, RESPONDED).version)},
        {"media_inquiry": {"status", "closed_at", "closed_by_id", "version"}, **INQUIRY_EVENT},
    ),
    (
        "close with no comment",
        OFFICER,
        lambda w: f"/media-inquiries/{w.values['inquiry_id']}/close-no-comment",
        lambda w: {"version": str(_inquiry_after(w).version), "reason": "The trial has started"},
        {
            "media_inquiry": {"status", "closed_at", "closed_by_id", "close_reason", "version"},
            **INQUIRY_EVENT,
        },
    ),
    (
        "media routing rule",
        ADMIN,
        lambda w: "/admin/media-routing/review-process",
        lambda w: {
            "version": str(rule_for(Topic.REVIEW_PROCESS).version),  # 0: no row yet, saving creates it
            "recipients": ["business_office", "csp_team_manager", "media_contact"],
        },
        {"media_routing_rule": "*"},
    ),
    # Publication -----------------------------------------------------------------------
    (
        "upload document",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/publication/documents/overview-report",
        lambda w: (
            {"overview-report-document": (io.BytesIO(pdf_bytes("Anonymised overview report")), "report.pdf")}
            if _review_at(w, Stage.PUBLICATION_PLANNED)
            else {}
        ),
        {
            "published_document": {
                "stored_name",
                "original_name",
                "size_bytes",
                "sha256",
                "uploaded_at",
                "uploaded_by_id",
            }
        },
    ),
    (
        "publish",
        OFFICER,
        lambda w: f"/reviews/{w.values['review_id']}/publication/publish",
        lambda w: {
            "version": _planned_with_both_documents(w),
            "published_on": date(TODAY),
            "report_available_at": "On request from the partnership",
            "accept_missing_milestones": "y",
        },
        {
            "review": {"stage", "published_on", "removal_due_on", "report_available_at", "version"},
            "stage_transition": "*",
        },
    ),
    (
        "keep online longer",
        CSP_X,
        lambda w: f"/reviews/{w.values['review_id']}/publication/hold",
        lambda w: {
            "version": _published_for(w),
            "held_until": date(TODAY + dt.timedelta(days=400)),
            "reason": "An inquest is expected",
        },
        {"review": {"held_until", "hold_reason", "version"}},
    ),
    (
        "take off the website",
        CSP_X,
        lambda w: f"/reviews/{w.values['review_id']}/publication/remove",
        lambda w: {
            "version": _published_for(w),
            "reason": "The family asked",
            "report_available_at": "On request",
        },
        {
            "review": {"stage", "removed_on", "report_available_at", "version"},
            "removal_check": "*",
            "outbox_message": "*",
            "stage_transition": "*",
        },
    ),
]


# The signed-out forms, posted by someone not yet signed in: the same check, but kept apart
# from FORMS, whose audit rows test_audit_completeness.py looks for under a signed-in actor
# (sign-ins have their own audit tests in tests/accounts).
SIGNED_OUT_FORMS = [
    (
        "set password",
        ANON,
        lambda w: f"/set-password/{w.values['token']}",
        _set_password_link,
        {
            "user": {"password_hash", "failed_login_count", "locked_until"},
            "set_password_token": {"used_at"},
            **ENDED_SESSIONS,
        },
    ),
    (
        "security code",
        ANON,
        lambda w: "/sign-in/security-code",
        _at_security_code,
        SIGNED_IN,
    ),
    (
        "recovery code",
        ANON,
        lambda w: "/sign-in/recovery-code",
        _at_recovery_code,
        {**SIGNED_IN, "recovery_code": {"used_at"}},
    ),
    (
        "set up two-factor",
        ANON,
        lambda w: "/sign-in/set-up-two-factor",
        _at_set_up,
        {
            "user": {*SIGNED_IN["user"], "totp_secret", "totp_enrolled_at"},
            "user_session": "*",
            "recovery_code": "*",
        },
    ),
]

# Where an extra key's usual value is what the form rightly saves, the attack tries another.
ATTACKS = {
    "summary of involvement": {"kind": "nil_return"},
    "accept return": {"status": "awaiting"},
}


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
    """(table, key, column, old, new) for every changed cell; new rows have old None for all,
    deleted rows new None for all."""
    for table, rows in after.items():
        for key, row in rows.items():
            old = before.get(table, {}).get(key)
            for column, value in row.items():
                if old is None or old[column] != value:
                    yield table, key, column, None if old is None else old[column], value
    for table, rows in before.items():
        for key, row in rows.items():
            if key not in after.get(table, {}):
                for column, value in row.items():
                    yield table, key, column, value, None


@pytest.mark.parametrize(
    "name, role, url, form, allowed", FORMS + SIGNED_OUT_FORMS, ids=[f[0] for f in FORMS + SIGNED_OUT_FORMS]
)
def test_extra_keys_change_nothing_outside_the_form(world, name, role, url, form, allowed):
    client = world.client(role)
    data = form(world)
    attack = extras(world) | ATTACKS.get(name, {})
    injected = {key: value for key, value in attack.items() if key not in data}
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


# Forms that are POSTed but save nothing but their audit row: (name, role, url, form, audit action).
READ_ONLY_FORMS = [
    (
        "subject access search",
        ADMIN,
        "/admin/subject-access",
        {"name": "Rowan Testcase", "alternatives": "R. Testcase", "request_reference": "SAR-2026-001"},
        "subject_access_searched",
    ),
    (
        "subject access export",
        ADMIN,
        "/admin/subject-access/export",
        {"name": "Rowan Testcase", "request_reference": "SAR-2026-001", "format": "json"},
        "subject_access_exported",
    ),
]


@pytest.mark.parametrize(
    "name, role, url, form, action", READ_ONLY_FORMS, ids=[f[0] for f in READ_ONLY_FORMS]
)
def test_extra_keys_on_a_read_only_form_change_nothing(world, name, role, url, form, action):
    client = world.client(role)
    injected = {key: value for key, value in extras(world).items() if key not in form}
    before, audited = rows_by_table(), AuditEvent.select().where(AuditEvent.action == action).count()
    response = client.post(url, data={**injected, **form, "csrf_token": csrf_token(client)})
    assert response.status_code == 200, f"{name}: {response.status_code}"
    assert "Rowan Testcase" in response.get_data(as_text=True), f"{name}: the search found nothing"
    assert list(changes(before, rows_by_table())) == [], f"{name} changed a table"
    assert AuditEvent.select().where(AuditEvent.action == action).count() == audited + 1
    db.database.close()
