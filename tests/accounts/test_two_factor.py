"""Two-factor sign-in: set-up at first sign-in, codes once only, ±1 step, recovery codes, resets."""

import base64
import datetime as dt

import pyotp
import pytest
import time_machine

from portal.accounts import two_factor
from portal.accounts.models import RecoveryCode, Role, User, UserSession
from portal.audit.models import AuditEvent
from tests.factories import PASSWORD, TOTP_SECRET, make_user
from tests.helpers import (
    SECURITY_CODE_URL,
    SET_UP_URL,
    error_summary,
    field_error,
    get_page,
    parse,
    post_form,
    sign_in,
)

START = dt.datetime(2026, 11, 23, 9, 0, 10, tzinfo=dt.UTC)
STEP = int(START.timestamp()) // 30


def password_step(client, user, password=PASSWORD):
    response = post_form(client, "/sign-in", {"email": user.email, "password": password})
    assert response.status_code == 302, error_summary(parse(response))
    return response.headers["Location"]


def code_at(step: int, secret: str = TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def actions() -> list[str]:
    return [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]


def test_first_sign_in_sets_up_the_app_and_shows_recovery_codes_once(client):
    user = make_user(Role.AGENCY_LEAD, two_factor=False)
    assert password_step(client, user) == SET_UP_URL
    soup = get_page(client, SET_UP_URL, title="Set up two-factor sign-in")
    qr = soup.select_one("#two-factor-qr-code")
    assert qr["src"].startswith("data:image/svg+xml;base64,") and qr["alt"]
    svg = base64.b64decode(qr["src"].split(",", 1)[1]).decode()
    assert "<script" not in svg and "style=" not in svg
    key = soup.select_one("#two-factor-manual-key").get_text().replace(" ", "")
    assert len(key) == 32
    # The same key on a reload (it lives, encrypted, in this browser's session until confirmed).
    assert (
        get_page(client, SET_UP_URL).select_one("#two-factor-manual-key").get_text().replace(" ", "") == key
    )
    assert User.get_by_id(user.id).totp_secret is None

    wrong = post_form(
        client, SET_UP_URL, {"code": "000000" if pyotp.TOTP(key).now() != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert field_error(parse(wrong), "code").startswith("Enter a correct security code")
    assert client.get("/").status_code == 302  # still not signed in

    done = post_form(client, SET_UP_URL, {"code": pyotp.TOTP(key).now()})
    codes = [li.get_text(strip=True) for li in parse(done).select("#recovery-codes li")]
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = User.get_by_id(user.id)
    assert stored.has_two_factor
    assert key not in stored.totp_secret  # encrypted at rest
    with client.application.app_context():
        assert two_factor.unseal(stored.totp_secret) == key
    assert two_factor.unseal(stored.totp_secret, "another-secret-key-of-sufficient-length") is None
    hashes = {c.code_hash for c in RecoveryCode.select()}
    assert len(hashes) == 10 and not hashes & set(codes)
    assert client.get("/").status_code == 200
    assert "two_factor_enrolled" in actions() and actions()[-1] == "sign_in"
    # Shown once: the set-up page is gone now.
    assert client.get(SET_UP_URL).status_code == 302


def test_the_password_alone_is_not_a_sign_in(client):
    user = make_user(Role.ADMIN)
    assert password_step(client, user) == SECURITY_CODE_URL
    assert client.get("/admin/users").headers["Location"].startswith("/sign-in?next=")
    htmx = client.get("/admin/users", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].startswith("/sign-in")
    assert not UserSession.select().exists()
    get_page(client, SECURITY_CODE_URL, title="Enter your security code")


def test_a_code_works_once_and_within_one_step_of_drift(app):
    user = make_user()
    with time_machine.travel(START, tick=False):
        for offset, accepted in ((-2, False), (2, False), (-1, True), (-1, False), (0, True), (1, True)):
            client = app.test_client()
            password_step(client, user)
            response = post_form(client, SECURITY_CODE_URL, {"code": code_at(STEP + offset)})
            assert (response.status_code == 302) is accepted, (offset, accepted)
            # Once +1 is used, the current step's code is an older one: refused too.
        client = app.test_client()
        password_step(client, user)
        assert post_form(client, SECURITY_CODE_URL, {"code": code_at(STEP)}).status_code == 200
    reasons = [
        e.detail["reason"] for e in AuditEvent.select().where(AuditEvent.action == "two_factor_code_refused")
    ]
    assert reasons == ["wrong_code", "wrong_code", "reused_code", "reused_code"]


def test_the_same_code_twice_at_once_is_accepted_once(ctx):
    user = make_user()
    with time_machine.travel(START, tick=False):
        assert two_factor._claim_step(user, STEP) is True
        assert two_factor._claim_step(user, STEP) is False


def test_recovery_codes_work_once(app, client):
    user = make_user(two_factor=False)
    codes = [li.get_text(strip=True) for li in parse(sign_in(client, user)).select("#recovery-codes li")]
    fresh = app.test_client()
    password_step(fresh, user)
    response = post_form(fresh, "/sign-in/recovery-code", {"code": codes[3].upper()})
    assert response.status_code == 302
    assert "9 left" in get_page(fresh, "/").select_one(".govuk-notification-banner").get_text()
    again = app.test_client()
    password_step(again, user)
    refused = post_form(again, "/sign-in/recovery-code", {"code": codes[3]})
    assert refused.status_code == 200
    assert field_error(parse(refused), "code").startswith("Enter a correct recovery code")
    assert AuditEvent.get(AuditEvent.action == "recovery_code_used").detail == {"remaining": 9}


def test_the_second_factor_step_expires(app, client):
    user = make_user()
    with time_machine.travel(START, tick=False) as clock:
        password_step(client, user)
        clock.shift(dt.timedelta(minutes=16))
        response = post_form(client, SECURITY_CODE_URL, {"code": code_at(STEP + 32)})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert not UserSession.select().exists()


@pytest.mark.parametrize("change", ["password", "reset", "deactivate"])
def test_the_second_factor_step_ends_when_the_account_changes(app, client, change):
    user = make_user()
    password_step(client, user)
    if change == "password":
        User.update(password_hash="changed").where(User.id == user.id).execute()
    elif change == "reset":
        with app.test_request_context():
            two_factor.reset_two_factor(user, reset_by=user)
    else:
        User.update(active=False).where(User.id == user.id).execute()
    response = client.get(SECURITY_CODE_URL)
    assert response.headers["Location"] == "/sign-in"


def test_wrong_codes_lock_the_account_with_the_same_words(app, client):
    user = make_user()
    with time_machine.travel(START, tick=False):
        password_step(client, user)
        for _ in range(5):
            wrong = post_form(client, SECURITY_CODE_URL, {"code": "12345x"})
        locked = post_form(client, SECURITY_CODE_URL, {"code": code_at(STEP)})
    assert field_error(parse(wrong), "code") == field_error(parse(locked), "code")
    assert User.get_by_id(user.id).locked_until is not None
    assert not UserSession.select().exists()


def test_admin_reset_forces_set_up_again_and_ends_sessions(app, client):
    admin, user = make_user(Role.ADMIN), make_user()
    sign_in(client, user)
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    page = get_page(admin_client, f"/admin/users/{user.id}")
    assert "Reset two-factor sign-in" in page.get_text()
    response = post_form(admin_client, f"/admin/users/{user.id}/reset-two-factor", {"version": user.version})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # their session has ended
    stored = User.get_by_id(user.id)
    assert stored.totp_secret is None and not stored.has_two_factor
    assert not RecoveryCode.select().where(RecoveryCode.user == user).exists()
    assert password_step(app.test_client(), user) == SET_UP_URL
    event = AuditEvent.get(AuditEvent.action == "two_factor_reset")
    assert event.actor_id == admin.id and event.object_id == str(user.id)


def test_admin_ends_all_sessions(app, client):
    admin, user = make_user(Role.ADMIN), make_user()
    sign_in(client, user)
    other = app.test_client()
    sign_in(other, user)
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    post_form(admin_client, f"/admin/users/{user.id}/end-sessions", {"version": user.version})
    assert client.get("/").status_code == 302 and other.get("/").status_code == 302
    assert admin_client.get("/").status_code == 200
    assert AuditEvent.get(AuditEvent.action == "sessions_ended_by_admin").detail == {"count": 2}
