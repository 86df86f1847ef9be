"""Test 8: no off-site redirects, and no foreign host in an emailed link.

Every place the portal redirects to something the request chose (the sign-in `next`,
carried through the second-factor step; the `back` field of dashboard actions; the
HX-Redirect after a session ends) goes only to a path on this site. Links in emails
are built from BASE_URL, never from the Host or X-Forwarded-Host headers, and with
TRUSTED_HOSTS set any other host is refused outright.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from portal.accounts.models import Role
from portal.notifications.models import OutboxMessage
from tests.factories import make_user
from tests.helpers import csrf_token, parse, post_form, sign_in
from tests.security.conftest import LEAD_A

OFF_SITE = [
    "//evil.example",
    "//evil.example/%2F..",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "https:evil.example",
    "HTTPS://EVIL.EXAMPLE",
    "%2F%2Fevil.example",
    "%2f%5cevil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    "%09//evil.example",
    "%0d%0a//evil.example",
    "/%0d%0aLocation:%20https://evil.example",
    "javascript:alert(document.domain)",
    "java%0ascript:alert(1)",
    "%6A%61%76%61%73%63%72%69%70%74:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "\u3002evil.example",
    "/ /evil.example",
]


def assert_local(location: str) -> None:
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    # Resolved as a browser would (backslashes read as slashes), it stays on this site.
    resolved = urlsplit(urljoin("https://portal.test/page", location.replace("\\", "/")))
    assert resolved.scheme == "https" and resolved.netloc == "portal.test", location


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_sign_in_never_sends_anyone_off_site(client, next_url):
    response = sign_in(client, make_user(), next_url=next_url)
    assert_local(response.headers["Location"])
    # Already signed in, the sign-in page redirects straight to `next`: also local.
    assert_local(client.get(f"/sign-in?next={next_url}").headers["Location"])


def test_dashboard_actions_go_back_only_to_local_pages(world):
    client = world.client(Role.REVIEW_OFFICER.value)
    request_id = world.values["request_id"]
    for back in OFF_SITE:
        response = post_form(client, f"/trawl-requests/{request_id}/chased", {"version": "0", "back": back})
        assert response.status_code == 302
        assert_local(response.headers["Location"])


def test_an_ended_session_sends_htmx_only_to_the_local_sign_in_page(world):
    response = world.app.test_client().get(
        "/inbox//evil.example?next=//evil.example", headers={"HX-Request": "true"}
    )
    assert response.status_code == 404  # not a route at all
    client = world.fresh_client(LEAD_A)
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    response = client.get(
        "/inbox?show=//evil.example", headers={"HX-Request": "true", "Host": "evil.example"}
    )
    assert response.status_code == 204
    assert_local(response.headers["HX-Redirect"])


def test_emailed_links_ignore_the_host_header(app, client):
    sign_in(client, make_user(Role.ADMIN))
    token = csrf_token(client)
    # The test client keeps cookies per host: present the session to the forged host too.
    cookie = client.get_cookie("portal-session")
    client.set_cookie("portal-session", cookie.value, domain="evil.example")
    headers = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
    page = client.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "full_name": "New Person",
            "email": "new.person@portal.example",
            "role": Role.REVIEW_OFFICER.value,
        },
        headers=headers,
    )
    assert page.status_code == 200
    assert (
        parse(page)
        .select_one("#set-password-link")
        .get_text()
        .startswith("https://portal.test/set-password/")
    )
    messages = list(OutboxMessage.select())
    assert messages
    for message in messages:
        for body in (message.text_body, message.html_body, message.subject, message.recipient):
            assert "evil.example" not in body
        assert "https://portal.test/set-password/" in message.text_body


def test_trusted_hosts_refuse_any_other_host(app):
    app.config["TRUSTED_HOSTS"] = ["portal.test"]
    client = app.test_client()
    assert client.get("/sign-in", headers={"Host": "portal.test"}).status_code == 200
    assert client.get("/sign-in", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/sign-in", headers={"Host": "portal.test.evil.example"}).status_code == 400
