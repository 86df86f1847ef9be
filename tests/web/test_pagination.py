"""Page links keep the list's filters where they were and change the page alone; a list counted only
so far offers the next page but no last one."""

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
