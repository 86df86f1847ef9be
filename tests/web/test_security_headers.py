import re

import pytest

from portal.accounts.models import Role
from tests.factories import make_user
from tests.helpers import parse, post_form, sign_in


def assert_common_headers(response):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert re.search(r"script-src 'self' 'nonce-[\w-]{20,}'", csp)
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/sign-in", "/no-such-page", "/healthz", "/static/dist/favicon.svg"])
def test_every_response_type_has_the_headers(client, path):
    response = client.get(path)
    response.close()
    assert_common_headers(response)


def test_signed_in_pages_and_fragments_are_never_cached(client):
    sign_in(client, make_user(Role.ADMIN))
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/admin/users", headers=headers)
        assert_common_headers(response)
        assert response.headers["Cache-Control"] == "no-store"
        assert "HX-Request" in response.headers["Vary"]


def test_the_nonce_changes_per_request_and_matches_the_scripts(client):
    first, second = client.get("/sign-in"), client.get("/sign-in")
    nonces = [
        re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1) for r in (first, second)
    ]
    assert nonces[0] != nonces[1]
    scripts = parse(first).select("script")
    assert scripts and all(s.get("nonce") == nonces[0] for s in scripts)


def test_htmx_is_configured_safely(client):
    import json

    config = json.loads(parse(client.get("/sign-in")).find("meta", attrs={"name": "htmx-config"})["content"])
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0


def test_hsts_outside_development_only(app, client):
    assert client.get("/sign-in").headers["Strict-Transport-Security"].startswith("max-age=")


def test_htmx_post_needs_the_csrf_header(client):
    user = make_user(Role.ADMIN)
    sign_in(client, user)
    target = make_user()
    refused = client.post(
        f"/admin/users/{target.id}/deactivate", data={"version": 1}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 400
    token = parse(client.get("/accessibility")).find("meta", attrs={"name": "csrf-token"})["content"]
    accepted = client.post(
        f"/admin/users/{target.id}/deactivate",
        data={"version": 1},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert accepted.status_code == 302


def test_another_sessions_csrf_token_is_refused(app, client):
    from portal.accounts.models import User

    admin = make_user(Role.ADMIN)
    target = make_user()
    sign_in(client, admin)
    other = app.test_client()
    foreign_token = parse(other.get("/accessibility")).find("meta", attrs={"name": "csrf-token"})["content"]
    response = client.post(
        f"/admin/users/{target.id}/deactivate", data={"version": 1, "csrf_token": foreign_token}
    )
    assert response.status_code == 400
    assert User.get_by_id(target.id).active is True


def test_error_pages_show_a_reference_not_a_traceback(app, client):
    @app.route("/boom")
    def boom():  # pragma: no cover - only for this test
        raise RuntimeError("secret internals")

    boom.access_rule = "public"
    response = client.get("/boom")
    assert response.status_code == 500
    text = parse(response).get_text()
    assert "secret internals" not in text and "Traceback" not in text
    assert re.search(r"quote reference [0-9A-F]{8}", text)


def test_post_form_helper_is_not_needed_for_get(client):
    # State changes are never GET: every non-GET route refuses GET.
    assert client.get("/sign-out").status_code == 405
    assert post_form(client, "/sign-out").status_code == 302
