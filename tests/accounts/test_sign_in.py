import datetime as dt

import pytest
import time_machine

from portal.accounts.models import Role, User, UserSession
from portal.audit.models import AuditEvent
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token, error_summary, field_error, get_page, parse, post_form, sign_in

GENERIC = "Enter a correct email address and password"


def attempt(client, email, password):
    return post_form(client, "/sign-in", {"email": email, "password": password})


def test_sign_in_and_out(client, app):
    user = make_user(Role.ADMIN)
    response = sign_in(client, user)
    assert response.headers["Location"] == "/"
    assert get_page(client, "/").select_one(".app-service-navigation__user").get_text() == user.full_name
    response = post_form(client, "/sign-out")
    assert response.headers["Location"] == "/signed-out"
    assert client.get("/").status_code == 302
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions == ["two_factor_code_accepted", "sign_in", "sign_out"]


def test_email_is_case_insensitive(client):
    user = make_user(email="mixed.case@portal.example")
    assert attempt(client, "  Mixed.Case@Portal.EXAMPLE ", PASSWORD).status_code == 302
    assert user.id


@pytest.mark.parametrize("case", ["wrong_password", "unknown", "inactive"])
def test_every_failure_gets_the_same_answer(client, case):
    user = make_user(email="someone@portal.example", active=case != "inactive")
    email = "nobody@portal.example" if case == "unknown" else user.email
    password = "not the password" if case == "wrong_password" else PASSWORD
    response = attempt(client, email, password)
    assert response.status_code == 200
    soup = parse(response)
    assert error_summary(soup) == [field_error(soup, "email")]
    assert field_error(soup, "email").startswith(GENERIC)
    assert soup.select_one("#email")["value"] == email  # what they typed is kept
    assert not soup.select_one("#password").get("value")  # but never the password
    assert AuditEvent.get(AuditEvent.action == "sign_in_failed").detail["reason"] in {
        "bad_password",
        "unknown_account",
        "inactive",
    }


def test_empty_form_names_each_field(client):
    soup = parse(attempt(client, "", ""))
    assert error_summary(soup) == ["Enter your email address", "Enter your password"]
    assert soup.title.get_text().startswith("Error: ")


def test_lock_out_after_five_failures_for_fifteen_minutes(client):
    user = make_user(email="target@portal.example")
    start = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            attempt(client, user.email, "wrong guess")
        assert User.get_by_id(user.id).locked_until is not None
        locked = attempt(client, user.email, PASSWORD)
        assert locked.status_code == 200  # the right password does not help while locked
        assert field_error(parse(locked), "email").startswith(GENERIC)  # and the words are the same

        clock.shift(dt.timedelta(minutes=14))
        assert attempt(client, user.email, PASSWORD).status_code == 200
        clock.shift(dt.timedelta(minutes=2))
        assert attempt(client, user.email, PASSWORD).status_code == 302
    assert User.get_by_id(user.id).failed_login_count == 0


def test_lock_out_is_per_account(client, app):
    target = make_user(email="target@portal.example")
    bystander = make_user(email="bystander@portal.example")
    for _ in range(6):
        attempt(client, target.email, "wrong guess")
    assert attempt(app.test_client(), bystander.email, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "next_url",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/%0d%0aLocation:%20https://evil.example",
    ],
)
def test_next_only_goes_to_local_paths(client, next_url):
    # The next page is remembered through the second-factor step, and checked at both ends.
    response = sign_in(client, make_user(), next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_to_a_local_page_is_followed(client):
    response = sign_in(client, make_user(Role.ADMIN), next_url="/admin/users?q=x")
    assert response.headers["Location"] == "/admin/users?q=x"


def test_sign_in_without_csrf_token_is_refused(client):
    user = make_user()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not UserSession.select().exists()


def test_sign_in_issues_a_fresh_session_cookie(client):
    user = make_user()
    csrf_token(client)
    before = client.get_cookie("portal-session").value
    sign_in(client, user)
    after = client.get_cookie("portal-session").value
    assert before != after
    assert UserSession.select().where(UserSession.user == user).count() == 1
