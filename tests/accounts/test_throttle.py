"""The per-account throttle: at most 10 guesses in 5 minutes, in the database, for any address."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine

from portal.accounts.models import SignInAttempt, User
from portal.audit.models import AuditEvent
from tests.factories import PASSWORD, make_user
from tests.helpers import SECURITY_CODE_URL, csrf_token, field_error, parse, post_form

START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
GENERIC = "Enter a correct email address and password"


@pytest.fixture
def throttle_only(app):
    """Lock-out out of the way (it trips at 5), so these tests see the throttle alone."""
    app.config["LOCKOUT_ATTEMPTS"] = 1000
    return app


def attempt(client, email, password):
    return post_form(client, "/sign-in", {"email": email, "password": password})


def reasons() -> list[str]:
    events = AuditEvent.select().where(AuditEvent.action == "sign_in_failed").order_by(AuditEvent.id)
    return [e.detail["reason"] for e in events]


@pytest.mark.parametrize("known", [True, False], ids=["known", "unknown"])
def test_ten_guesses_in_five_minutes_then_the_same_answer_as_a_wrong_password(throttle_only, client, known):
    user = make_user(email="target@portal.example")
    email = user.email if known else "nobody@portal.example"
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(10):
            wrong = attempt(client, email, "wrong guess")
        throttled = attempt(client, email, PASSWORD)
        assert throttled.status_code == 200  # even the right password waits
        assert field_error(parse(throttled), "email") == field_error(parse(wrong), "email")
        assert field_error(parse(throttled), "email").startswith(GENERIC)
        clock.shift(dt.timedelta(minutes=4, seconds=59))
        assert attempt(client, email, PASSWORD).status_code == 200
        clock.shift(dt.timedelta(seconds=2))
        answer = attempt(client, email, PASSWORD)
    assert answer.status_code == (302 if known else 200)
    assert reasons()[10:12] == ["throttled", "throttled"]
    # Refused guesses are not kept, and nothing typed is stored: only a hash of the address.
    assert not SignInAttempt.select().where(SignInAttempt.account_key.contains("@")).exists()


def test_the_throttle_does_not_touch_other_accounts(throttle_only, app, client):
    target, bystander = make_user(), make_user()
    for _ in range(12):
        attempt(client, target.email, "wrong guess")
    assert attempt(app.test_client(), bystander.email, PASSWORD).headers["Location"] == SECURITY_CODE_URL


def test_security_codes_count_toward_the_same_throttle(throttle_only, app, client):
    user = make_user()
    with time_machine.travel(START, tick=False):
        for _ in range(9):
            attempt(client, user.email, "wrong guess")
        assert attempt(client, user.email, PASSWORD).status_code == 302  # guess 10 was right
        post_form(client, SECURITY_CODE_URL, {"code": "000000"})
        post_form(client, SECURITY_CODE_URL, {"code": "000001"})
        refused = post_form(client, SECURITY_CODE_URL, {"code": "000002"})
    assert refused.status_code == 200
    assert (
        AuditEvent.select()
        .where(AuditEvent.action == "two_factor_code_refused", AuditEvent.detail["reason"] == "throttled")
        .count()
        >= 1
    )


def test_concurrent_guesses_never_get_past_the_limit(throttle_only, app):
    """Check-then-act is atomic: 24 guesses at once from 6 threads, at most 10 are checked."""
    user = make_user()
    clients = [app.test_client() for _ in range(6)]
    tokens = [csrf_token(c) for c in clients]

    def guess(number: int):
        index = number % len(clients)
        data = {"email": user.email, "password": "wrong guess", "csrf_token": tokens[index]}
        return clients[index].post("/sign-in", data=data).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(guess, range(24)))
    assert statuses == [200] * 24
    checked = [r for r in reasons() if r != "throttled"]
    assert len(checked) <= 10 and reasons().count("throttled") >= 14
    assert User.get_by_id(user.id).failed_login_count == len(checked)
