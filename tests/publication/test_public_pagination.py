"""The public list a page at a time: newest publication first, GOV.UK pagination, a fixed
number of queries however many reports are published."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from portal.lifecycle.stages import Stage
from portal.publication.queries import PUBLIC_PAGE_SIZE
from tests.factories import make_partnership, make_user
from tests.helpers import get_page
from tests.publication.builders import make_document
from tests.trawls.builders import make_review

NEWEST = dt.date(2026, 6, 30)


def publish_reports(app, count: int, start: int = 0) -> list[str]:
    """`count` reports on the website, one a day back from NEWEST; their references, newest first."""
    from portal.accounts.models import Role

    partnership, officer = make_partnership(), make_user(Role.REVIEW_OFFICER)
    references = []
    for n in range(start, start + count):
        published_on = NEWEST - dt.timedelta(days=n)
        review = make_review(
            partnership,
            officer,
            reference=f"DHR-2025-{n + 1:03d}",
            stage=Stage.PUBLISHED,
            cleared_on=published_on - dt.timedelta(days=30),
            published_on=published_on,
            removal_due_on=published_on + dt.timedelta(days=365),
        )
        make_document(app, review)
        references.append(review.reference)
    return references


def listed(soup) -> list[str]:
    return [row["data-reference"] for row in soup.select("#published-reviews tbody tr")]


def pagination_links(soup) -> dict[str, str]:
    nav = soup.select_one("nav.govuk-pagination")
    assert nav is not None
    links = {a.get_text(" ", strip=True): a["href"] for a in nav.select(".govuk-pagination__item a")}
    for rel in ("prev", "next"):
        link = nav.select_one(f".govuk-pagination__{rel} a")
        if link is not None:
            links[rel] = link["href"]
    return links


@pytest.fixture
def thirty(app):
    references = publish_reports(app, 30)
    removed = make_review(
        reference="DHR-2024-999",
        stage=Stage.REMOVED_FROM_WEBSITE,
        published_on=NEWEST + dt.timedelta(days=1),  # newest of all, but off the website
        removal_due_on=NEWEST,
        removed_on=NEWEST,
    )
    make_document(app, removed)
    return references


def test_the_first_page_has_the_25_newest_and_links_to_the_second(client, thirty):
    soup = get_page(client, "/published", title="Published reviews (page 1 of 2)")
    assert PUBLIC_PAGE_SIZE == 25
    assert listed(soup) == thirty[:25]
    caption = soup.select_one("#published-reviews caption").get_text(" ", strip=True)
    assert caption.startswith("30 published reviews")
    links = pagination_links(soup)
    assert links["1"] == "/published?page=1" and links["2"] == "/published?page=2"
    assert links["next"] == "/published?page=2" and "prev" not in links
    current = soup.select_one(".govuk-pagination__item--current a")
    assert current.get_text(strip=True) == "1" and current["aria-current"] == "page"


def test_the_second_page_has_the_5_oldest_and_links_back(client, thirty):
    soup = get_page(client, "/published?page=2", title="Published reviews (page 2 of 2)")
    assert listed(soup) == thirty[25:]
    links = pagination_links(soup)
    assert links["prev"] == "/published?page=1" and "next" not in links
    assert "DHR-2024-999" not in soup.get_text()


@pytest.mark.parametrize(
    ("page", "shown"),
    [("0", 1), ("-1", 1), ("abc", 1), ("", 1), ("1.5", 1), ("99", 2), ("9999999999999", 1), ("2", 2)],
)
def test_bad_page_numbers_show_the_nearest_page_not_an_error(client, thirty, page, shown):
    soup = get_page(client, f"/published?page={page}")
    expected = thirty[:25] if shown == 1 else thirty[25:]
    assert listed(soup) == expected
    assert soup.select_one(".govuk-pagination__item--current a").get_text(strip=True) == str(shown)


def test_one_page_has_no_pagination(client, app):
    references = publish_reports(app, 3)
    soup = get_page(client, "/published?page=2", title="Published reviews")
    assert soup.title.get_text().startswith("Published reviews –")
    assert listed(soup) == references
    assert soup.select_one("nav.govuk-pagination") is None


def test_the_list_runs_the_same_number_of_queries_for_3_or_30_reports(client, app):
    publish_reports(app, 3)
    client.get("/published")  # warm up anything cached per process
    with count_queries() as few:
        assert client.get("/published").status_code == 200
    publish_reports(app, 27, start=3)
    with count_queries() as many:
        assert client.get("/published").status_code == 200
    with count_queries() as last_page:
        assert client.get("/published?page=2").status_code == 200
    assert few.count == many.count == last_page.count
