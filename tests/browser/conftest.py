"""Browser fixtures: one live server and one Debian chromium for the whole session.

Every page a test opens is watched: Content-Security-Policy violations (the
`securitypolicyviolation` event, reported through a binding so none is lost on
navigation) and console errors fail the test at teardown.

Chromium comes from Debian (`apt-get install chromium`), never from Playwright's
own download. Without it the browser tests skip, except in CI where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from portal.accounts.models import Role

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_MISSING = "Debian chromium not found: apt-get install chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EXPECTED_STATUS_MESSAGE = re.compile(r"the server responded with a status of (409|422)\b")
# Short enough that a broken page fails fast, long enough for a loaded 2-core machine.
TIMEOUT_MS = 10_000

# Runs before any page script, in every frame. Not subject to the page's CSP.
WATCH_CSP = """
(() => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    const violation = {
      page: String(location.href),
      directive: event.effectiveDirective || event.violatedDirective,
      blocked: event.blockedURI,
      source: event.sourceFile,
      line: event.lineNumber,
      sample: event.sample,
    };
    window.__cspViolations.push(violation);
    if (typeof window.__portalReportCsp === 'function') window.__portalReportCsp(violation);
  });
})();
"""


def _require_chromium() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{CHROMIUM_MISSING} (the browser tests must run in CI)", pytrace=False)
    pytest.skip(CHROMIUM_MISSING)


@pytest.fixture(autouse=True)
def _chromium_available() -> None:
    """Skip (or fail in CI) before any server or browser is started."""
    _require_chromium()


# --- The application --------------------------------------------------------------


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    from portal import create_app
    from portal.demo.data import load_demo_data
    from portal.extensions import db
    from portal.migrate import upgrade

    if not (ROOT / "static" / "dist" / "portal.js").exists():
        pytest.fail("static/dist is missing: run `npm ci && npm run build` first", pytrace=False)

    tmp = tmp_path_factory.mktemp("browser")
    # Settings are read once, in create_app: the environment is restored straight
    # after, so nothing leaks into the rest of the suite.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTAL_ENV", "test")
        patch.setenv("PORTAL_INSTANCE_PATH", str(tmp / "instance"))
        for name in ("FLASK_DEBUG", "TRUSTED_HOSTS", "TRUSTED_PROXY_COUNT", "SCHEDULER_IN_PROCESS"):
            patch.delenv(name, raising=False)
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp / 'browser.db'}",
                "SECRET_KEY": "x" * 40,
                "MAIL_BACKEND": "file",
                "MAIL_FILE_DIR": str(tmp / "mail"),
                # Dashboards poll for new returns; fast here so journeys need not wait.
                "DASHBOARD_REFRESH_SECONDS": 1,
            }
        )
    upgrade(db.database)
    with db.database.connection_context(), app.app_context():
        load_demo_data(app.config)
        enrol_demo_users()
    return app


# The demo accounts are not set up for two-factor sign-in (a new user sees the real
# set-up page on `make run`); here they are, with a secret the tests know, so signing
# in takes seconds. tests/browser/test_two_factor.py walks through the set-up itself.
BROWSER_TOTP_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


def enrol_demo_users() -> None:
    from portal.accounts.models import User
    from portal.accounts.two_factor import seal
    from portal.clock import utcnow

    emails = [user.email for user in demo_users()]
    User.update(totp_secret=seal(BROWSER_TOTP_SECRET), totp_enrolled_at=utcnow()).where(
        User.email.in_(emails)
    ).execute()


@pytest.fixture(autouse=True)
def _bind_live_database(request, _chromium_available) -> None:
    """FlaskDB keeps one global database proxy that every create_app() rebinds.

    Other tests in the same run create their own apps, so point the proxy back at
    the live server's database before each browser test.
    """
    if "live_server" not in request.fixturenames:
        return
    from portal.extensions import db

    app = request.getfixturevalue("live_app")
    if db.database.obj is not app.config["DATABASE"]:
        db.database.initialize(app.config["DATABASE"])


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        database = live_app.config["DATABASE"]
        if not database.is_closed():
            database.close()


# --- The browser ------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageWatch:
    """What went wrong in the browser while a test ran."""

    csp_violations: list[dict] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, context) -> None:
        context.add_init_script(script=WATCH_CSP)
        context.expose_function("__portalReportCsp", self._report_csp)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))

    def _report_csp(self, violation: dict) -> None:
        if violation not in self.csp_violations:
            self.csp_violations.append(violation)

    def _console(self, message) -> None:
        # Chromium logs every 4xx as "Failed to load resource". 409 (conflict) and 422
        # (form errors) are answers the portal gives on purpose, not script errors.
        if EXPECTED_STATUS_MESSAGE.search(message.text):
            return
        if message.type == "error":
            location = message.location or {}
            self.console_errors.append(
                f"{message.text} ({location.get('url', '?')}:{location.get('lineNumber', '?')})"
            )

    def collect(self, page) -> None:
        """Pick up violations still sitting in the page (the binding is asynchronous)."""
        if page.is_closed():
            return
        from playwright.sync_api import Error

        try:
            pending = page.evaluate("() => window.__cspViolations || []")
        except Error:  # the page may be mid-navigation; the binding has reported the rest
            return
        for violation in pending:
            self._report_csp(violation)

    def problems(self) -> list[str]:
        found = []
        for v in self.csp_violations:
            found.append(
                f"CSP violation on {v.get('page')}: {v.get('directive')}"
                f" blocked {v.get('blocked')!r} (source {v.get('source')}:{v.get('line')},"
                f" sample {v.get('sample')!r})"
            )
        found += [f"Console error: {text}" for text in self.console_errors]
        found += [f"Uncaught page error: {text}" for text in self.page_errors]
        return found


@dataclass
class BrowserSession:
    """A fresh browser context (own cookies) and its page, watched for CSP and console errors."""

    base_url: str
    context: object
    page: object
    watch: PageWatch

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path), wait_until="load")
        self.watch.collect(self.page)
        return response

    def sign_in(self, email: str, password: str) -> None:
        from playwright.sync_api import expect

        self.goto("/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.enter_security_code(email)
        expect(self.page).to_have_url(self.url("/"))

    def enter_security_code(self, email: str, secret: str = BROWSER_TOTP_SECRET) -> None:
        """The second step: the code an authenticator app would show now (pyotp, here)."""
        from playwright.sync_api import expect

        from portal.accounts.models import User
        from tests.helpers import totp_code

        expect(self.page).to_have_url(self.url("/sign-in/security-code"))
        self.watch.collect(self.page)
        self.page.get_by_label("Security code").fill(totp_code(User.get(User.email == email), secret))
        self.page.get_by_role("button", name="Continue").click()
        self.page.wait_for_load_state("load")
        self.watch.collect(self.page)


def _open_session(browser, base_url: str, **context_options) -> BrowserSession:
    context = browser.new_context(base_url=base_url, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    watch = PageWatch()
    watch.attach(context)
    page = context.new_page()
    return BrowserSession(base_url=base_url, context=context, page=page, watch=watch)


def _close_session(session: BrowserSession) -> list[str]:
    session.watch.collect(session.page)
    session.context.close()
    return session.watch.problems()


@pytest.fixture
def browser_session(browser, live_server) -> Iterator[BrowserSession]:
    """A signed-out browser. Fails at teardown on any CSP violation or console error."""
    session = _open_session(browser, live_server)
    yield session
    problems = _close_session(session)
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def open_session(browser, live_server):
    """Open more signed-out browsers (one per person in a journey); all checked at teardown."""
    sessions = []

    def open_() -> BrowserSession:
        session = _open_session(browser, live_server)
        sessions.append(session)
        return session

    yield open_
    problems = [problem for session in sessions for problem in _close_session(session)]
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def admin_storage_state(browser, live_server) -> dict:
    """Cookies of one admin sign-in, reused by the tests that only need to be signed in."""
    from portal.demo.data import DEMO_PASSWORD

    session = _open_session(browser, live_server)
    session.sign_in(demo_user(Role.ADMIN).email, DEMO_PASSWORD)
    state = session.context.storage_state()
    problems = _close_session(session)
    assert not problems, "The browser reported problems while signing in:\n" + "\n".join(problems)
    return state


@pytest.fixture
def admin_session(browser, live_server, admin_storage_state) -> Iterator[BrowserSession]:
    session = _open_session(browser, live_server, storage_state=admin_storage_state)
    yield session
    problems = _close_session(session)
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


# --- Demo users --------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role


def demo_users() -> list[DemoUser]:
    from portal.demo.data import USERS

    return [DemoUser(email, name, role) for email, name, role, *_ in USERS]


def demo_user(role: Role) -> DemoUser:
    return next(user for user in demo_users() if user.role == role)
