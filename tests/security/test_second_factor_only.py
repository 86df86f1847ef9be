"""After the password step alone, no page but the second-factor step is reachable.

Every GET route (normal and htmx) is tried by someone who has given a correct
password and no code yet: only public pages and the second-factor pages answer 200;
everything else sends them to sign in, as if they had given nothing.
"""

from __future__ import annotations

from portal.web.access import PUBLIC, access_rule_for
from tests.helpers import SECURITY_CODE_URL, post_form
from tests.security.conftest import request, routes

SECOND_FACTOR_PAGES = {"accounts.security_code", "accounts.recovery_code"}


def test_the_password_step_opens_nothing_but_the_code_pages(world):
    app = world.app
    for role, user in world.users.items():
        client = app.test_client()
        response = post_form(
            client, "/sign-in", {"email": user.email, "password": "correct-horse-battery-staple"}
        )
        assert response.headers["Location"] == SECURITY_CODE_URL, role
        opened = []
        for rule, _ in routes(app, methods=("GET",)):
            with app.test_request_context():
                public = access_rule_for(rule.endpoint) == PUBLIC
            for htmx in (False, True):
                answer = request(client, "GET", world.url(rule), htmx=htmx)
                if answer.status_code == 200 and not public:
                    opened.append(f"{'htmx ' if htmx else ''}{rule.rule}")
                if not public and rule.endpoint not in SECOND_FACTOR_PAGES:
                    expected = 204 if htmx else 302
                    assert answer.status_code == expected, (
                        f"{role}: {rule.rule} answered {answer.status_code}"
                    )
        assert not opened, f"{role} reached {opened} with a password alone"


def test_git_metadata_and_unknown_paths_are_plain_404s(client):
    for path in ("/.git/HEAD", "/.git/config", "/.env", "/static/../portal/config.py"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Content-Security-Policy" in response.headers
