"""The returns dashboard, inline actions, the overview, exports and the CSP team's counts."""

import csv
import datetime as dt
import io

import time_machine
from playhouse.test_utils import count_queries

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.organisations.models import Sector
from portal.trawls.models import RequestStatus, TrawlRequest
from tests.factories import make_agency, make_user
from tests.helpers import get_page, parse, post_form, sign_in
from tests.trawls.builders import issue, make_review, make_subject, review_with_trawl
from tests.trawls.test_answers import ALL_SEARCHES

LATER = dt.datetime(2027, 6, 1, 12, tzinfo=dt.UTC)


def answer_nil(app, request, user=None):
    from portal.trawls import service
    from portal.trawls.models import ReturnKind

    with app.test_request_context():
        service.submit_return(
            request,
            request.version,
            ReturnKind.NIL_RETURN,
            {k: True for k in ALL_SEARCHES},
            user or make_user(Role.AGENCY_LEAD, agency=request.agency),
        )


def counts(soup):
    return {el["data-status"]: int(el.get_text()) for el in soup.select("#status-counts [data-status]")}


def test_dashboard_rows_counts_and_filters(app, client):
    review, agencies, _ = review_with_trawl(app, agency_count=3)
    answer_nil(app, TrawlRequest.get(TrawlRequest.agency == agencies[0]))
    sign_in(client, review.review_officer)
    soup = get_page(client, f"/reviews/{review.id}/returns", title="Returns for")
    assert counts(soup)["awaiting"] == 2 and counts(soup)["nil_return"] == 1
    assert len(soup.select("#dashboard-results tbody tr")) == 3

    fragment = client.get(f"/reviews/{review.id}/returns?status=nil_return", headers={"HX-Request": "true"})
    assert fragment.status_code == 200, fragment.status_code
    soup = parse(fragment)
    assert soup.select_one("#dashboard-results") and not soup.select_one("html")
    assert [r.select_one("a").get_text() for r in soup.select("tbody tr")] == [agencies[0].name]

    # Last: a session signed in "later" is not valid once the clock comes back.
    with time_machine.travel(LATER, tick=False):
        sign_in(client, review.review_officer)  # a fresh session: the old one would be idle by then
        soup = get_page(client, f"/reviews/{review.id}/returns?status=overdue")
        assert counts(soup)["overdue"] == 2 and counts(soup)["awaiting"] == 0
        rows = soup.select("#dashboard-results tbody tr")
        assert len(rows) == 2 and all("days overdue" in r.get_text() for r in rows)


def test_the_counts_are_the_same_counted_from_the_rows_or_by_the_database(app, client):
    # Unfiltered, the page counts its own rows; filtered, it asks the database: both must agree.
    review, agencies, _ = review_with_trawl(app, agency_count=4)
    answer_nil(app, TrawlRequest.get(TrawlRequest.agency == agencies[0]))
    with time_machine.travel(LATER, tick=False):  # the unanswered ones are overdue by then
        sign_in(client, review.review_officer)
        whole = counts(get_page(client, f"/reviews/{review.id}/returns"))
        filtered = counts(get_page(client, f"/reviews/{review.id}/returns?status=nil_return"))
    assert whole == filtered
    assert (whole["overdue"], whole["nil_return"], whole["awaiting"]) == (3, 1, 0)


def test_sector_filter(app, client):
    review = make_review()
    make_subject(review)
    police, health = make_agency(sector=Sector.POLICE), make_agency(sector=Sector.HEALTH)
    issue(app, review, [police, health])
    sign_in(client, review.review_officer)
    soup = get_page(client, f"/reviews/{review.id}/returns?sector=health")
    assert [r.select_one("a").get_text() for r in soup.select("#dashboard-results tbody tr")] == [health.name]


def test_accept_inline_updates_the_row_and_counts_out_of_band(app, client):
    review, agencies, _ = review_with_trawl(app, agency_count=10)
    request = TrawlRequest.get(TrawlRequest.agency == agencies[0])
    answer_nil(app, request)
    sign_in(client, review.review_officer)
    response = post_form(
        client, f"/trawl-requests/{request.id}/accept", {"version": 2}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    soup = parse(response)
    row = soup.select_one(f"tr#request-{request.id}")
    assert "Accepted" in row.get_text()
    oob = soup.select_one("#status-counts")
    assert oob["hx-swap-oob"] == "true"
    assert counts(soup)["accepted"] == 1 and counts(soup)["nil_return"] == 0
    assert TrawlRequest.get_by_id(request.id).status is RequestStatus.ACCEPTED
    # The inline answer is a row and the counts: a small part of the page it updates
    # (here a dashboard of 10 agencies; the benchmark measures 60).
    assert len(response.data) < 0.2 * len(client.get(f"/reviews/{review.id}/returns").data)


def test_inline_action_without_javascript_redirects_back(app, client):
    review, agencies, _ = review_with_trawl(app, agency_count=1)
    request = TrawlRequest.get()
    sign_in(client, review.review_officer)
    response = post_form(
        client,
        f"/trawl-requests/{request.id}/chased",
        {"version": 1, "back": f"/reviews/{review.id}/returns"},
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/reviews/{review.id}/returns"
    assert TrawlRequest.get().last_chased_at is not None
    assert AuditEvent.get(AuditEvent.action == "request_chased").detail == {"method": "phone"}


def test_inline_action_refuses_off_site_back_links(app, client):
    review, _, _ = review_with_trawl(app, agency_count=1)
    request = TrawlRequest.get()
    sign_in(client, review.review_officer)
    response = post_form(
        client, f"/trawl-requests/{request.id}/chased", {"version": 1, "back": "//evil.example/"}
    )
    assert response.headers["Location"] == f"/reviews/{review.id}/returns"


def test_inline_stale_action_is_409_with_a_message(app, client):
    review, _, _ = review_with_trawl(app, agency_count=1)
    request = TrawlRequest.get()
    sign_in(client, review.review_officer)
    post_form(client, f"/trawl-requests/{request.id}/chased", {"version": 1}, headers={"HX-Request": "true"})
    response = post_form(
        client, f"/trawl-requests/{request.id}/chased", {"version": 1}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in parse(response).select_one(".govuk-error-message").get_text()


def test_accepting_an_unanswered_request_is_refused(app, client):
    review, _, _ = review_with_trawl(app, agency_count=1)
    request = TrawlRequest.get()
    sign_in(client, review.review_officer)
    response = post_form(
        client, f"/trawl-requests/{request.id}/accept", {"version": 1}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert TrawlRequest.get().status is RequestStatus.AWAITING


def test_dashboard_query_count_is_constant(app, client):
    review, agencies, _ = review_with_trawl(app, agency_count=2)
    sign_in(client, review.review_officer)
    with count_queries() as few:
        client.get(f"/reviews/{review.id}/returns")
    issue(app, review, [make_agency() for _ in range(25)])
    for request in list(TrawlRequest.select().limit(10)):
        answer_nil(app, request)
    with count_queries() as many:
        client.get(f"/reviews/{review.id}/returns")
    assert many.count == few.count <= 10


def test_the_dashboard_fragment_skips_the_trawl_list_only_the_page_shows(app, client):
    review, agencies, trawl = review_with_trawl(app, agency_count=2)
    sign_in(client, review.review_officer)
    url = f"/reviews/{review.id}/returns"
    with count_queries() as page_queries:
        page = get_page(client, url)
    assert [o.get_text() for o in page.select("select[name=trawl] option")][-1] == f"Trawl {trawl.number}"
    with count_queries() as fragment_queries:
        response = client.get(url, headers={"HX-Request": "true"})
    fragment = parse(response)
    assert fragment.select_one("select[name=trawl]") is None
    assert len(fragment.select("tbody tr[id^=request-]")) == 2
    # Unfiltered, the page names the trawls from its rows; filtered, it asks the database, which the
    # poll (every few seconds on every open dashboard) never does for what it never shows.
    assert fragment_queries.count == page_queries.count
    with count_queries() as page_queries:
        get_page(client, f"{url}?status=awaiting")
    with count_queries() as fragment_queries:
        client.get(f"{url}?status=awaiting", headers={"HX-Request": "true"})
    assert fragment_queries.count == page_queries.count - 1


def test_the_trawl_filter_lists_the_same_trawls_named_by_the_rows_or_by_the_database(app, client):
    review, agencies, _ = review_with_trawl(app, agency_count=2)
    issue(app, review, [make_agency(), agencies[1]])  # trawl 2: one new agency, one asked before
    issue(app, review, [agencies[0]])  # trawl 3
    sign_in(client, review.review_officer)

    def options(url):
        return [(o["value"], o.get_text()) for o in get_page(client, url).select("select[name=trawl] option")]

    from_rows = options(f"/reviews/{review.id}/returns")
    assert [text for _, text in from_rows] == ["All", "Trawl 1", "Trawl 2", "Trawl 3"]
    # Filtered to requests of one trawl only, the list still offers every trawl (from the database).
    assert options(f"/reviews/{review.id}/returns?trawl={from_rows[3][0]}") == from_rows


def test_overview_puts_overdue_first_and_counts(app, client):
    officer = make_user(Role.REVIEW_OFFICER)
    calm = make_review(officer=officer, reference="DHR-2026-101")
    late = make_review(officer=officer, reference="DHR-2026-102")
    for review in (calm, late):
        make_subject(review)
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC), tick=False):
        issue(app, late, [make_agency(), make_agency()])
    issue(app, calm, [make_agency()])
    other_officers = make_review(reference="DHR-2026-103")
    make_subject(other_officers)
    sign_in(client, officer)
    with count_queries() as queries:
        soup = get_page(client, "/returns")
    rows = soup.select("#overview-table tbody tr")
    assert [r.select_one("a").get_text() for r in rows] == ["DHR-2026-102", "DHR-2026-101"]
    assert rows[0].select("td")[2].get_text(strip=True) == "2"
    assert queries.count <= 10
    everyone = get_page(client, "/returns?all=1")
    assert len(everyone.select("#overview-table tbody tr")) == 3


def test_csp_team_sees_counts_for_their_partnership_only(app, client):
    review, agencies, _ = review_with_trawl(app, agency_count=2)
    review.review_officer  # noqa: B018
    other, _, _ = review_with_trawl(app, agency_count=1)
    member = make_user(Role.CSP_TEAM, partnership=review.partnership)
    sign_in(client, member)
    soup = get_page(client, "/partnership/reviews")
    text = soup.select_one("main").get_text()
    assert review.reference in text and other.reference not in text
    assert "Rowan Testcase" not in text  # no subjects
    assert soup.select("#partnership-reviews tbody tr") and not soup.select(
        "#partnership-reviews a[href*='/returns']"
    )
    assert client.get(f"/reviews/{review.id}/returns").status_code == 403


def test_no_record_of_contact_lists_nil_returns(app, client):
    review, agencies, _ = review_with_trawl(app, agency_count=3)
    answer_nil(app, TrawlRequest.get(TrawlRequest.agency == agencies[1]))
    sign_in(client, review.review_officer)
    soup = get_page(client, f"/reviews/{review.id}/no-record-of-contact")
    assert [r.select("td")[0].get_text() for r in soup.select("tbody tr")] == [agencies[1].name]
    assert AuditEvent.get(AuditEvent.action == "export_downloaded").detail == {
        "export": "no_record_of_contact"
    }


def test_csv_export_neutralises_formulas_and_round_trips(app, client):
    review = make_review()
    make_subject(review)
    hostile = make_agency(name='=HYPERLINK("http://evil.example","x")')
    plain = make_agency(name='Plain, "quoted" agency')
    issue(app, review, [hostile, plain])
    sign_in(client, review.review_officer)
    response = client.get(f"/reviews/{review.id}/trawl-requests.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0][:3] == ["Review", "Trawl", "Agency"]
    names = sorted(row[2] for row in rows[1:])
    assert names == sorted(["'" + hostile.name, plain.name])


def test_overview_query_count_does_not_grow_with_reviews(app, client):
    officer = make_user(Role.REVIEW_OFFICER)
    for _ in range(2):
        review = make_review(officer=officer)
        make_subject(review)
        issue(app, review, [make_agency()])
    sign_in(client, officer)
    with count_queries() as few:
        client.get("/returns")
    for _ in range(6):
        review = make_review(officer=officer)
        make_subject(review)
        issue(app, review, [make_agency()])
    with count_queries() as many:
        client.get("/returns")
    assert many.count == few.count
