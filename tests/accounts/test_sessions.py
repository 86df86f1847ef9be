"""Sessions live on the server: ending one makes a copied cookie worthless."""

import datetime as dt

import time_machine

from portal.accounts import service
from portal.accounts.models import Role, UserSession
from tests.factories import make_user
from tests.helpers import post_form, sign_in

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def copy_cookie(source, target):
    target.set_cookie("portal-session", source.get_cookie("portal-session").value)


def test_a_copied_cookie_stops_working_after_sign_out(app, client):
    sign_in(client, make_user())
    thief = app.test_client()
    copy_cookie(client, thief)
    assert thief.get("/").status_code == 200
    post_form(client, "/sign-out")
    assert thief.get("/").status_code == 302
    assert UserSession.get().end_reason == "signed_out"


def test_deactivation_ends_sessions_at_once(app, client):
    admin = make_user(Role.ADMIN)
    user = make_user()
    sign_in(client, user)
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    post_form(admin_client, f"/admin/users/{user.id}/deactivate", {"version": user.version})
    assert client.get("/").status_code == 302


def test_end_all_sessions(app, client):
    user = make_user()
    sign_in(client, user)
    other = app.test_client()
    sign_in(other, user)
    with app.test_request_context():
        assert service.end_all_sessions(user, "admin_request") == 2
    assert client.get("/").status_code == 302 and other.get("/").status_code == 302


def test_idle_timeout(app, client):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, make_user())
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=29))  # activity keeps it alive
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        assert client.get("/").status_code == 302
    assert UserSession.get().end_reason == "idle_timeout"


def test_absolute_lifetime(app, client):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, make_user())
        for _ in range(12 * 3 + 1):  # past 12 hours, never idle for 30 minutes
            clock.shift(dt.timedelta(minutes=20))
            response = client.get("/")
        assert response.status_code == 302
    assert UserSession.get().end_reason == "absolute_timeout"


def test_htmx_request_after_expiry_is_redirected_not_swapped(app, client):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, make_user(Role.ADMIN))
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/admin/users?q=a", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/sign-in?next=")
