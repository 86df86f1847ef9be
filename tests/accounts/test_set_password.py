import datetime as dt

import time_machine

from portal.accounts import service
from portal.accounts.models import Role, SetPasswordToken, User
from tests.factories import make_user
from tests.helpers import error_summary, get_page, parse, post_form

NEW_PASSWORD = "lantern-orchard-quietly"


def new_token(app, user) -> str:
    with app.test_request_context():
        return service.create_set_password_token(user, created_by=None)


def test_link_sets_the_password_once(app, client):
    user = make_user(Role.AGENCY_LEAD, password=None)
    token = new_token(app, user)
    get_page(client, f"/set-password/{token}", title="Set your password")
    response = post_form(
        client, f"/set-password/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert User.get_by_id(user.id).has_password
    # Single use
    assert client.get(f"/set-password/{token}").status_code == 404
    reuse = post_form(client, f"/set-password/{token}", {"password": "another-long-password", "confirm": "x"})
    assert reuse.status_code == 404
    signed_in = post_form(client, "/sign-in", {"email": user.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_link_expires(app, client):
    user = make_user(password=None)
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        token = new_token(app, user)
        clock.shift(dt.timedelta(hours=47))
        assert client.get(f"/set-password/{token}").status_code == 200
        clock.shift(dt.timedelta(hours=2))
        soup = get_page(client, f"/set-password/{token}", status=404)
    assert "expired" in soup.select_one("h1").get_text()


def test_tampered_or_unknown_tokens_are_refused(app, client):
    token = new_token(app, make_user(password=None))
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "a" * 200):
        assert client.get(f"/set-password/{bad}").status_code == 404


def test_a_new_link_cancels_the_old_one(app, client):
    user = make_user(password=None)
    old = new_token(app, user)
    new = new_token(app, user)
    assert client.get(f"/set-password/{old}").status_code == 404
    assert client.get(f"/set-password/{new}").status_code == 200


def test_password_rules_are_explained_and_nothing_is_lost(app, client):
    user = make_user(password=None)
    token = new_token(app, user)
    soup = parse(post_form(client, f"/set-password/{token}", {"password": "short", "confirm": "short"}))
    assert error_summary(soup) == ["Password must be 12 characters or more"]
    soup = parse(
        post_form(
            client, f"/set-password/{token}", {"password": NEW_PASSWORD, "confirm": "different-words-here"}
        )
    )
    assert error_summary(soup) == ["Passwords must match"]
    assert SetPasswordToken.get().used_at is None  # a failed attempt does not use up the link


def test_setting_a_password_ends_existing_sessions(app, client):
    from tests.helpers import sign_in

    user = make_user()
    sign_in(client, user)
    token = new_token(app, user)
    other = app.test_client()
    post_form(other, f"/set-password/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get("/").status_code == 302
