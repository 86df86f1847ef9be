"""The CSP team's view of its partnership's reviews: stage, deadlines, Home Office, publication and
trawl counts, filterable with htmx, in a constant number of queries; nothing about the people."""

import datetime as dt

import pytest
import time_machine
from playhouse.test_utils import count_queries

from portal.accounts.models import Role
from portal.lifecycle.models import HomeOfficeReturn
from portal.lifecycle.stages import DecisionOutcome, Stage
from portal.publication.queries import STAGE_GROUPS
from tests.factories import make_agency, make_partnership, make_user
from tests.helpers import get_page, parse, sign_in
from tests.publication.builders import published_review
from tests.trawls.builders import issue, make_review, make_subject

D = dt.date
TODAY = D(2026, 6, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def partnership(app):
    """A partnership with reviews at every point that matters here, and one elsewhere."""
    home = make_partnership(name="Brookfield Community Safety Partnership")
    early = make_review(partnership=home, reference="DHR-2026-001", date_notified=D(2026, 6, 1))
    make_subject(early, full_name="Rowan Testcase")
    issue(app, early, [make_agency(), make_agency()])
    returned = make_review(
        partnership=home,
        reference="DHR-2025-002",
        stage=Stage.RETURNED_FOR_AMENDMENT,
        date_notified=D(2025, 1, 5),
        decision_outcome=DecisionOutcome.REVIEW,
        decision_on=D(2025, 1, 30),
        report_submitted_on=D(2025, 9, 1),
    )
    for returned_on, resubmitted_on in ((D(2025, 11, 1), D(2026, 1, 10)), (D(2026, 3, 1), None)):
        HomeOfficeReturn.create(
            review=returned,
            returned_on=returned_on,
            resubmitted_on=resubmitted_on,
            feedback_summary="Confidential feedback text",
            recorded_by=returned.review_officer,
        )
    soon = published_review(
        app, D(2025, 7, 20), partnership=home, reference="DHR-2024-003", cleared_on=D(2025, 5, 1)
    )
    held = published_review(
        app,
        D(2025, 7, 1),
        partnership=home,
        reference="DHR-2024-004",
        held_until=D(2026, 12, 31),
        hold_reason="Inquest",
    )
    later = published_review(app, D(2026, 5, 1), partnership=home, reference="DHR-2025-005")
    make_review(partnership=make_partnership(), reference="DHR-2026-099")  # another partnership's
    member = make_user(Role.CSP_TEAM, partnership=home)
    return member, {r.reference: r for r in (early, returned, soon, held, later)}


def rows(soup) -> dict[str, dict[str, str]]:
    return {
        row["data-review"]: {
            cell["data-column"]: cell.get_text(" ", strip=True) for cell in row.select("td[data-column]")
        }
        for row in soup.select("#partnership-reviews tbody tr[data-review]")
    }


def test_every_review_of_the_partnership_with_where_it_stands(client, partnership):
    member, _ = partnership
    sign_in(client, member)
    soup = get_page(client, "/partnership/reviews", title="Your partnership's reviews")
    assert (
        soup.select_one(".govuk-caption-l").get_text(strip=True) == "Brookfield Community Safety Partnership"
    )
    table = rows(soup)
    assert set(table) == {"DHR-2026-001", "DHR-2025-002", "DHR-2024-003", "DHR-2024-004", "DHR-2025-005"}
    assert table["DHR-2026-001"]["stage"] == "Notified"
    assert table["DHR-2026-001"]["home-office"] == "Not submitted"
    assert table["DHR-2026-001"]["returns"].startswith("0 of 2 answered")
    assert table["DHR-2025-002"]["stage"] == "Returned for amendment"
    assert table["DHR-2025-002"]["home-office"] == "Returned for amendment Returned 2 times"
    assert table["DHR-2025-002"]["deadlines"] == "Overdue"  # six months after the decision, long gone
    assert table["DHR-2024-003"]["home-office"] == "Cleared 1 May 2025"
    assert table["DHR-2024-003"]["published"] == "20 Jul 2025"
    assert table["DHR-2024-003"]["removal"] == "20 Jul 2026"
    assert table["DHR-2024-004"]["removal"] == "1 Jan 2027 Held until 31 Dec 2026"
    assert table["DHR-2026-001"]["removal"] == "Not published"
    text = soup.select_one("main").get_text()
    for private in ("Rowan Testcase", "Confidential feedback text", "Inquest", "DHR-2026-099"):
        assert private not in text


def test_each_fact_a_row_is_worked_out_from_is_read(client, partnership):
    # The view reads only the review columns it needs: each one below changes what a row says.
    member, _ = partnership
    home = member.partnership
    make_review(
        partnership=home,
        reference="DHR-2025-006",
        date_notified=D(2025, 3, 3),
        decision_outcome=DecisionOutcome.NO_REVIEW,  # no report due, so nothing is overdue
        decision_on=D(2025, 3, 20),
        home_office_told_on=D(2025, 3, 24),
    )
    make_review(
        partnership=home,
        reference="DHR-2026-007",
        date_notified=D(2026, 5, 1),
        title="Review of R.T.",
        suspended_since=D(2026, 6, 1),
        publication_planned_on=D(2026, 12, 1),
    )
    published_review(
        client.application,
        D(2024, 5, 1),
        partnership=home,
        reference="DHR-2023-008",
        removed_on=D(2025, 5, 2),
    )
    sign_in(client, member)
    soup = get_page(client, "/partnership/reviews")
    table = rows(soup)
    assert table["DHR-2025-006"]["deadlines"] == "Met"
    assert table["DHR-2026-007"]["stage"] == "Notified Suspended"
    assert "Review of R.T." in soup.select_one('tr[data-review="DHR-2026-007"] td').get_text()
    assert table["DHR-2023-008"]["removal"] == "Removed 2 May 2025"
    assert soup.select_one('tr[data-review="DHR-2026-007"] a.govuk-link')  # planned: its publication page
    assert not soup.select_one('tr[data-review="DHR-2026-001"] a.govuk-link')


def test_a_partnership_with_no_reviews_yet_is_still_named(client):
    member = make_user(
        Role.CSP_TEAM, partnership=make_partnership(name="Elmstead Community Safety Partnership")
    )
    sign_in(client, member)
    soup = get_page(client, "/partnership/reviews", title="Your partnership's reviews")
    assert soup.select_one(".govuk-caption-l").get_text(strip=True) == "Elmstead Community Safety Partnership"


def test_removal_due_in_the_next_60_days_soonest_first(client, partnership):
    member, _ = partnership
    sign_in(client, member)
    soup = get_page(client, "/partnership/reviews?removal=soon")
    # 20 July is within 60 days; 1 May 2027 and the hold to 31 December are not.
    assert list(rows(soup)) == ["DHR-2024-003"]


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("before-decision", {"DHR-2026-001"}),
        ("home-office", {"DHR-2025-002"}),
        ("published", {"DHR-2024-003", "DHR-2024-004", "DHR-2025-005"}),
        ("closed", set()),
        ("no-such-group", {"DHR-2026-001", "DHR-2025-002", "DHR-2024-003", "DHR-2024-004", "DHR-2025-005"}),
    ],
)
def test_filtering_by_stage_with_htmx_returns_the_table_only(client, partnership, group, expected):
    member, _ = partnership
    sign_in(client, member)
    response = client.get(f"/partnership/reviews?stage={group}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    soup = parse(response)
    assert soup.find("html") is None and soup.select_one("div#partnership-reviews")
    assert set(rows(soup)) == expected


def test_every_stage_is_in_exactly_one_filter_group():
    grouped = [stage for _, stages in STAGE_GROUPS.values() for stage in stages]
    assert sorted(grouped) == sorted(Stage)


def test_the_page_costs_the_same_number_of_queries_however_many_reviews(app, client, partnership):
    member, reviews = partnership
    sign_in(client, member)
    client.get("/partnership/reviews")  # warm: session, user
    with count_queries() as few:
        get_page(client, "/partnership/reviews")
    for number in range(10):
        review = published_review(
            app, D(2026, 1, 1), partnership=member.partnership, reference=f"DHR-2026-2{number:02d}"
        )
        HomeOfficeReturn.create(
            review=review, returned_on=D(2025, 12, 1), feedback_summary="x", recorded_by=review.review_officer
        )
    with count_queries() as many:
        soup = get_page(client, "/partnership/reviews")
    assert len(rows(soup)) == 15
    assert many.count == few.count, (few.count, many.count)


def test_pages_of_reviews_with_their_total_and_a_page_past_the_end_shows_the_last(app, client, partnership):
    # The page's rows bring the total with them (counted_with_page): checked against a real count
    # on each page, and on a page that no longer exists (its rows are none, so it is counted).
    member, _ = partnership
    for number in range(25):  # 30 in all: pages of 25 and 5
        make_review(partnership=member.partnership, reference=f"DHR-2026-3{number:02d}")
    sign_in(client, member)
    seen = set()
    for url, page_rows in (
        ("/partnership/reviews", 25),
        ("/partnership/reviews?page=2", 5),
        ("/partnership/reviews?page=9", 5),
    ):
        soup = get_page(client, url)
        assert soup.select_one("#partnership-reviews caption").get_text(strip=True) == "30 reviews"
        assert len(rows(soup)) == page_rows
        current = soup.select_one(".govuk-pagination__item--current")
        assert current.get_text(strip=True) == ("1" if url == "/partnership/reviews" else "2")
        seen |= set(rows(soup)) if url != "/partnership/reviews?page=9" else set()
    assert len(seen) == 30  # every review on exactly one page
    response = client.get("/partnership/reviews?stage=closed", headers={"HX-Request": "true"})
    assert parse(response).select_one("caption").get_text(strip=True) == "0 reviews"
