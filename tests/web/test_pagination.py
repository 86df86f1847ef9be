"""Page links keep the list's filters where they were and change the page alone; a list counted only
so far offers the next page but no last one; the pagination we write out is GOV.UK's markup."""

import pytest
from bs4 import BeautifulSoup

from portal.web.pagination import Page


def _links(params: dict) -> dict[str, str]:
    links = {str(item["number"]): item["href"] for item in params["items"] if "number" in item}
    for side in ("previous", "next"):
        if side in params:
            links[side] = params[side]["href"]
    return links


def test_page_links_keep_the_filters_in_their_order_and_change_the_page(app):
    query = "/media-inquiries?status=all&page=3&reference=DHR-2026-001&agency=987654321"
    with app.test_request_context(query):
        links = _links(Page(items=[], number=3, size=25, total=200).govuk_params("media_inquiries.index"))
    assert set(links) == {"1", "2", "3", "4", "8", "previous", "next"}
    for number in (1, 2, 4, 8):
        assert links[str(number)] == (
            f"/media-inquiries?status=all&page={number}&reference=DHR-2026-001&agency=987654321"
        )
    assert links["previous"] == links["2"] and links["next"] == links["4"]

    with app.test_request_context("/published"):  # no page in the URL yet: it goes last
        assert (
            _links(Page(items=[], number=1, size=25, total=30).govuk_params("publication.published"))["2"]
            == "/published?page=2"
        )


def test_a_list_counted_only_so_far_has_a_next_page_but_no_last(app):
    with app.test_request_context("/media-inquiries?status=all"):
        params = Page(items=[], number=1, size=25, total=1000, more=True).govuk_params(
            "media_inquiries.index"
        )
    assert [item.get("number", "…") for item in params["items"]] == [1, 2, "…"]
    assert params["next"]["href"] == "/media-inquiries?status=all&page=2"
    assert Page(items=[], number=1, size=25, total=1000, more=True).total_text == "more than 1,000"
    assert Page(items=[], number=1, size=25, total=1234).total_text == "1,234"


def _structure(html: str) -> list:
    """Every element with its attributes and its own text, whitespace aside: what a browser and a
    screen reader get from the markup."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        (
            element.name,
            sorted(
                (name, " ".join(value) if isinstance(value, list) else value)
                for name, value in element.attrs.items()
            ),
            " ".join("".join(element.find_all(string=True, recursive=False)).split()),
        )
        for element in soup.find_all(True)
    ]


@pytest.mark.parametrize(
    ("number", "total", "more"),
    [(1, 30, False), (1, 319, False), (2, 319, False), (7, 319, False), (13, 319, False), (2, 1000, True)],
)
def test_our_pagination_is_the_govuk_macros_markup(app, number, total, more):
    page = Page(items=[], number=number, size=25, total=total, more=more)
    with app.test_request_context("/published?stage=published"):
        ours = app.jinja_env.from_string(
            '{% from "components/pagination.html" import pagination %}{{ pagination(page, "publication.published") }}'
        ).render(page=page)
        theirs = app.jinja_env.from_string(
            '{% from "govuk_frontend_jinja/components/pagination/macro.html" import govukPagination %}'
            "{{ govukPagination(page.govuk_params('publication.published')) }}"
        ).render(page=page)
    assert "govuk-pagination__item--current" in ours
    assert _structure(ours) == _structure(theirs)


def test_a_single_page_has_no_pagination(app):
    with app.test_request_context("/published"):
        html = app.jinja_env.from_string(
            '{% from "components/pagination.html" import pagination %}{{ pagination(page, "publication.published") }}'
        ).render(page=Page(items=[], number=1, size=25, total=25))
    assert html.strip() == ""
