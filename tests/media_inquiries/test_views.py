"""The pages: logging with GOV.UK errors, who sees which inquiry, the list and its inline steps,
and the admin's routing rules."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from playhouse.test_utils import count_queries

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.clock import local_today
from portal.media_inquiries import workflow
from portal.media_inquiries.models import (
    InquiryRecipient,
    InquiryStatus,
    MediaInquiry,
    RecipientKind,
    ReviewMediaContact,
    Topic,
)
from portal.media_inquiries.routing import rule_for
from tests.factories import make_agency, make_user
from tests.helpers import error_summary, field_error, get_page, parse, post_form, sign_in
from tests.media_inquiries.builders import fresh, log, make_world, step
from tests.trawls.builders import make_review

HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(app):
    return make_world(app)


def date_parts(day: dt.date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def log_form(review="not-sure", **overrides) -> dict:
    today = local_today()
    data = {
        "received_date": date_parts(today),
        "received_time": "midnight",
        "received_by_name": "Pat Switchboard",
        "outlet": "Northvale Evening Post",
        "journalist_name": "Jo Inkwell",
        "journalist_email": "jo.inkwell@evening-post.example",
        "journalist_phone": "",
        "question": "Is the partnership reviewing the death in March?",
        "deadline_date": date_parts(today + dt.timedelta(days=3)),
        "deadline_time": "5pm",
        "review": str(review),
        "topic": "infer",
    }
    data.update(overrides)
    return data


# Logging ----------------------------------------------------------------------------------------


def test_an_agency_lead_logs_an_inquiry_and_sees_where_it_went(app, client, world):
    make_review()  # a review the lead's agency was never asked about
    sign_in(client, world.lead)
    soup = get_page(client, "/media-inquiries/new", title="Log a media inquiry")
    offered = [o["value"] for o in soup.select("#review option")]
    assert offered == ["", "not-sure", str(world.review.id)]
    assert not soup.select_one("select#received_by_agency")  # their own agency, not a choice

    response = post_form(client, "/media-inquiries/new", log_form(world.review.id))
    assert response.status_code == 302, error_summary(parse(response))
    inquiry = MediaInquiry.get()
    assert response.headers["Location"] == f"/media-inquiries/{inquiry.id}"
    assert (inquiry.received_by_agency_id, inquiry.logged_by_id) == (world.agency.id, world.lead.id)
    assert inquiry.topic is Topic.REVIEW_IN_PROGRESS and inquiry.status is InquiryStatus.ROUTED

    soup = get_page(
        client, f"/media-inquiries/{inquiry.id}", title="Media inquiry from Northvale Evening Post"
    )
    banners = [b.get_text(" ", strip=True) for b in soup.select(".govuk-notification-banner")]
    assert any("logged and passed on" in text for text in banners)
    assert any("No panel chair contact is recorded" in text for text in banners)
    who = [row.select("td")[1].get_text(strip=True) for row in soup.select("#recipients tbody tr")]
    assert who == [RecipientKind.REVIEW_OFFICER.label]
    assert not soup.select_one("form[action$='/draft']")  # agency leads do not draft


def test_validation_speaks_govuk_and_keeps_what_was_typed(app, client, world):
    sign_in(client, world.officer)
    response = post_form(client, "/media-inquiries/new", {"outlet": "Northvale Evening Post"})
    assert response.status_code == 422
    soup = parse(response)
    assert soup.title.get_text().startswith("Error: ")
    assert error_summary(soup) == [
        "Enter the date the inquiry was received",
        "Enter the time the inquiry was received",
        "Enter the name of the person who took the inquiry",
        "Enter the journalist's name",
        "Enter the journalist's email address or phone number",
        "Enter the journalist's question",
        "Enter the date of the journalist's deadline",
        "Enter the time of the journalist's deadline",
        "Select a review, or 'Not sure'",
        "Select what the inquiry is about",
    ]
    assert soup.select_one("#outlet")["value"] == "Northvale Evening Post"
    assert not MediaInquiry.select().exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"deadline_date": date_parts(local_today() - dt.timedelta(days=1))},
            "deadline_time",
            "The journalist's deadline must be after the time the inquiry was received",
        ),
        (
            {"journalist_email": "jo at post"},
            "journalist_email",
            "Enter an email address in the correct format",
        ),
        ({"journalist_email": "", "journalist_phone": "ring me"}, "journalist_phone", "Enter a phone number"),
        (
            {"journalist_email": "", "journalist_phone": ""},
            "journalist_email",
            "Enter the journalist's email",
        ),
        ({"received_time": "25:00"}, "received_time", "Time the inquiry was received must be a real time"),
        ({"topic": "review_in_progress"}, "topic", "Select the review it is about"),
        ({"review": "999999"}, "review", "Select a review from the list"),
    ],
)
def test_field_checks(app, client, world, overrides, field, message):
    sign_in(client, world.officer)
    response = post_form(client, "/media-inquiries/new", log_form(**overrides))
    assert response.status_code == 422
    assert field_error(parse(response), field).startswith(message), field_error(parse(response), field)
    assert not MediaInquiry.select().exists()


def test_a_loose_phone_number_is_enough(app, client, world):
    sign_in(client, world.officer)
    data = log_form(journalist_email="", journalist_phone="+44 (0)1632 960 001")
    assert post_form(client, "/media-inquiries/new", data).status_code == 302
    assert MediaInquiry.get().journalist_phone == "+44 (0)1632 960 001"


# Who sees what ------------------------------------------------------------------------------------


def test_agency_leads_see_only_what_they_or_their_agency_logged(app, client, world):
    ours, _ = log(app, world.lead, world.review)
    colleague = make_user(Role.AGENCY_LEAD, agency=world.agency)
    by_colleague, _ = log(app, colleague, None)
    theirs, _ = log(app, make_user(Role.AGENCY_LEAD), None)
    by_officer, _ = log(app, world.officer, world.review, received_by_agency=world.agency.id)
    sign_in(client, world.lead)
    links = {
        a["href"] for a in get_page(client, "/media-inquiries?status=all").select("#inquiry-results tbody a")
    }
    assert links == {f"/media-inquiries/{ours.id}", f"/media-inquiries/{by_colleague.id}"}
    for hidden in (theirs, by_officer):
        assert client.get(f"/media-inquiries/{hidden.id}").status_code == 404
    assert client.get("/media-inquiries/999999").status_code == 404
    assert post_form(client, f"/media-inquiries/{ours.id}/approve").status_code == 403


def test_the_csp_team_sees_their_partnerships_inquiries(app, client, world):
    ours, _ = log(app, world.lead, world.review)
    elsewhere, _ = log(app, world.officer, make_review())
    no_review, _ = log(app, world.officer, None)
    sign_in(client, world.csp)
    links = {
        a["href"]
        for a in get_page(client, "/media-inquiries").select("#inquiry-results tbody td:nth-of-type(2) a")
    }
    assert links == {f"/media-inquiries/{ours.id}"}
    soup = get_page(client, f"/media-inquiries/{ours.id}")
    assert "Is the partnership reviewing the death in March?" in soup.get_text()
    assert "jo.inkwell@evening-post.example" in soup.get_text()
    for hidden in (elsewhere, no_review):
        assert client.get(f"/media-inquiries/{hidden.id}").status_code == 404
    assert AuditEvent.select().where(AuditEvent.action == "media_inquiry_viewed").count() == 1


def test_review_officers_see_every_inquiry(app, client, world):
    made = [log(app, world.lead, world.review)[0], log(app, world.officer, make_review())[0]]
    made.append(log(app, world.csp, None)[0])
    sign_in(client, make_user(Role.REVIEW_OFFICER))
    rows = get_page(client, "/media-inquiries").select("#inquiry-results tbody tr")
    assert len(rows) == len(made)


# The list: filters, inline steps, counts ------------------------------------------------------------


def test_list_orders_by_deadline_marks_urgent_and_filters(app, client, world):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    later, _ = log(app, world.lead, world.review, deadline_at=now + dt.timedelta(days=5))
    soon, _ = log(app, world.officer, None, deadline_at=now + dt.timedelta(hours=3))
    sign_in(client, world.officer)
    soup = get_page(client, "/media-inquiries", title="Media inquiries")
    rows = soup.select("#inquiry-results tbody tr")
    assert [r["id"] for r in rows] == [f"inquiry-{soon.id}", f"inquiry-{later.id}"]
    assert "Urgent" in rows[0].get_text() and "Urgent" not in rows[1].get_text()
    assert soup.select_one("#inquiry-counts [data-status='urgent']").get_text() == "1"

    fragment = client.get(f"/media-inquiries?reference={world.review.reference}", headers=HTMX)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    soup = parse(fragment)
    assert soup.select_one("#inquiry-results") and not soup.select_one("html")
    assert [r["id"] for r in soup.select("tbody tr")] == [f"inquiry-{later.id}"]
    soup = get_page(client, f"/media-inquiries?agency={world.agency.id}")
    assert [r["id"] for r in soup.select("#inquiry-results tbody tr")] == [f"inquiry-{later.id}"]
    step(app, workflow.close_no_comment, soon, world.officer, "Nothing to say")
    assert len(get_page(client, "/media-inquiries").select("#inquiry-results tbody tr")) == 1
    soup = get_page(client, "/media-inquiries?status=closed_no_comment")
    assert [r["id"] for r in soup.select("#inquiry-results tbody tr")] == [f"inquiry-{soon.id}"]


def test_the_urgent_count_adds_up_urgent_inquiries_of_every_open_status(app, client, world):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    routed, _ = log(app, world.lead, world.review, deadline_at=now + dt.timedelta(hours=2))
    drafted, _ = log(app, world.officer, None, deadline_at=now + dt.timedelta(hours=3))
    drafted = step(app, workflow.draft_response, drafted, world.officer, "A holding line")
    log(app, world.officer, None, deadline_at=now + dt.timedelta(days=5))  # open, not urgent
    assert routed.status != drafted.status  # counted in two groups
    sign_in(client, world.officer)
    soup = get_page(client, "/media-inquiries")
    counts = {el["data-status"]: int(el.get_text()) for el in soup.select("#inquiry-counts [data-status]")}
    assert counts["urgent"] == 2
    assert (counts[routed.status.value], counts[drafted.status.value]) == (2, 1)


def test_each_lists_caption_counts_its_rows_whether_or_not_it_asks_the_database_again(app, client, world):
    """A list filtered by an open status alone takes its total from the counts above it (one query
    fewer); one filtered by anything else counts its rows. Both must say how many rows there are."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    log(app, world.lead, world.review, deadline_at=now + dt.timedelta(hours=2))  # routed, urgent
    drafted, _ = log(app, world.officer, None, deadline_at=now + dt.timedelta(hours=3))
    step(app, workflow.draft_response, drafted, world.officer, "A holding line")  # drafted, urgent
    log(app, world.officer, world.review, deadline_at=now + dt.timedelta(days=5))  # routed, not urgent
    closed, _ = log(app, world.officer, None, deadline_at=now + dt.timedelta(days=6))
    step(app, workflow.close_no_comment, closed, world.officer, "Nothing to say")
    sign_in(client, world.officer)

    def shown(query: str) -> tuple[int, int, int]:
        with count_queries() as counted:
            soup = parse(client.get(f"/media-inquiries?{query}", headers=HTMX))
        caption = soup.select_one("#inquiry-results caption").get_text()
        return (
            int(caption.split()[0]),
            len(soup.select("#inquiry-results tbody tr[id^=inquiry-]")),
            counted.count,
        )

    statuses = ["", "status=open", "status=urgent", "status=all", "status=closed_no_comment"]
    statuses += [f"status={status.value}" for status in InquiryStatus if status.is_open]
    statements = {}
    for status in statuses:
        for extra in ("", f"reference={world.review.reference}"):
            query = "&".join(part for part in (status, extra) if part)
            total, rows, statements[query] = shown(query)
            assert total == rows, query
    assert (
        shown("")[:2] == (3, 3) and shown("status=urgent")[:2] == (2, 2) and shown("status=all")[:2] == (4, 4)
    )
    # Counted from the counts: one statement fewer than the same list counted by the database.
    assert statements["status=open"] == statements["status=all"] - 1


def test_a_long_list_is_counted_only_as_far_as_it_needs_and_its_pages_run_on(app, client, world, monkeypatch):
    """Every inquiry ever logged is counted up to queries.COUNT_AT_MOST (1,000), or as far as the page
    asked for: past that the caption says "more than", and the pages go on with no last page."""
    from portal.media_inquiries import queries

    monkeypatch.setattr(queries, "COUNT_AT_MOST", 26)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    for hours in range(27):
        log(app, world.officer, None, deadline_at=now + dt.timedelta(hours=hours + 1))
    sign_in(client, world.officer)

    first = parse(client.get("/media-inquiries?status=all", headers=HTMX))
    assert first.select_one("#inquiry-results caption").get_text().startswith("More than 26 inquiries")
    assert first.select_one("#inquiry-results")["data-app-announce"] == "More than 26 inquiries shown"
    assert len(first.select("#inquiry-results tbody tr[id^=inquiry-]")) == 25
    pages = first.select_one(".govuk-pagination")
    assert pages.select_one(".govuk-pagination__next a")["href"].endswith("page=2")
    assert [item.get_text(strip=True) for item in pages.select(".govuk-pagination__item")] == ["1", "2", "⋯"]

    # Page 2 counts as far as its own rows: the whole list, exactly.
    second = parse(client.get("/media-inquiries?status=all&page=2", headers=HTMX))
    assert second.select_one("#inquiry-results caption").get_text().startswith("27 inquiries")
    assert len(second.select("#inquiry-results tbody tr[id^=inquiry-]")) == 2
    assert second.select_one(".govuk-pagination__next") is None

    # The open list is counted by the counts above it, exactly, however long.
    assert (
        parse(client.get("/media-inquiries", headers=HTMX))
        .select_one("#inquiry-results caption")
        .get_text()
        .startswith("27 inquiries")
    )


def test_inline_approve_updates_the_row_and_counts_and_refuses_stale_or_forbidden(app, client, world):
    inquiry, _ = log(app, world.lead, world.review)
    inquiry = step(
        app, workflow.draft_response, inquiry, world.officer, "The partnership will comment after the trial."
    )

    sign_in(client, world.officer)  # officers draft and send; consent is the partnership's
    response = post_form(
        client, f"/media-inquiries/{inquiry.id}/approve", {"version": inquiry.version}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Only the community safety team" in parse(response).select_one(".govuk-error-message").text

    client = app.test_client()  # a second person, in their own browser
    sign_in(client, world.csp)
    soup = get_page(client, "/media-inquiries")
    assert soup.select_one(f"#inquiry-{inquiry.id} button#approve-{inquiry.id}")
    stale = post_form(
        client, f"/media-inquiries/{inquiry.id}/approve", {"version": inquiry.version - 1}, headers=HTMX
    )
    assert stale.status_code == 409
    assert "Someone else changed this record" in parse(stale).select_one(".govuk-error-message").text
    assert fresh(inquiry).status is InquiryStatus.RESPONSE_DRAFTED

    response = post_form(
        client, f"/media-inquiries/{inquiry.id}/approve", {"version": inquiry.version}, headers=HTMX
    )
    assert response.status_code == 200
    soup = parse(response)
    assert (
        soup.select_one(f"tr#inquiry-{inquiry.id}").select_one(".govuk-tag").get_text(strip=True)
        == "Approved"
    )
    counts = soup.select_one("#inquiry-counts[hx-swap-oob]")
    assert counts.select_one("[data-status='approved']").get_text() == "1"
    assert counts.select_one("[data-status='response_drafted']").get_text() == "0"
    assert fresh(inquiry).approved_by_id == world.csp.id


def test_without_javascript_a_step_redirects_back_with_a_message(app, client, world):
    inquiry, _ = log(app, world.lead, world.review)
    sign_in(client, world.officer)
    response = post_form(
        client,
        f"/media-inquiries/{inquiry.id}/responded",
        {"version": inquiry.version, "back": "/media-inquiries"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/media-inquiries"
    banner = get_page(client, "/media-inquiries").select_one(".govuk-notification-banner").get_text()
    assert "until the partnership has approved it" in banner
    assert fresh(inquiry).status is InquiryStatus.ROUTED


def test_the_list_runs_the_same_queries_however_many_rows(app, client, world):
    log(app, world.lead, world.review)
    sign_in(client, world.officer)
    with count_queries() as few:
        client.get("/media-inquiries")
    for _ in range(6):
        log(app, world.lead, world.review)
        log(app, world.officer, make_review(), received_by_agency=make_agency().id)
    with count_queries() as many:
        client.get("/media-inquiries")
    assert many.count == few.count <= 12


def result_ids(soup) -> list[str]:
    return [row["id"] for row in soup.select("#inquiry-results tbody tr[id]")]


def test_the_review_filter_is_a_typed_reference(app, client, world):
    about, _ = log(app, world.lead, world.review)
    other = make_review(reference="DARDR-2026-010")
    log(app, world.officer, other)
    sign_in(client, world.officer)
    soup = get_page(client, "/media-inquiries")
    box = soup.select_one("form input#filter-reference[name=reference]")
    assert (
        box["value"] == "" and soup.select_one("label[for=filter-reference]").get_text() == "Review reference"
    )
    assert "DHR-2026-004" in soup.select_one(f"#{box['aria-describedby']}").get_text()
    assert not soup.select("select[name=review]")
    assert "input changed delay:500ms from:#filter-reference" in soup.select_one("form[hx-get]")["hx-trigger"]

    typed = f"  {world.review.reference.lower()} "  # trimmed, any case
    soup = get_page(client, "/media-inquiries?" + urlencode({"reference": typed}))
    assert result_ids(soup) == [f"inquiry-{about.id}"]
    assert soup.select_one("#filter-reference")["value"] == world.review.reference
    fragment = parse(client.get("/media-inquiries?" + urlencode({"reference": typed}), headers=HTMX))
    assert result_ids(fragment) == [f"inquiry-{about.id}"] and not fragment.select_one("form")

    # Links made before the box keep working, and show the reference they stand for.
    soup = get_page(client, f"/media-inquiries?review={world.review.id}")
    assert result_ids(soup) == [f"inquiry-{about.id}"]
    assert soup.select_one("#filter-reference")["value"] == world.review.reference

    for nothing in ("DHR-1999-999", "DHR-2026", "%", "x" * 200):
        soup = get_page(client, "/media-inquiries?" + urlencode({"reference": nothing}))
        assert "No inquiries match these filters." in soup.select_one("#inquiry-results").get_text()
    assert "No inquiries match" in get_page(client, "/media-inquiries?review=999999").get_text()


@pytest.mark.parametrize("who", ["lead", "csp"])
def test_a_reference_you_cannot_see_looks_like_one_that_does_not_exist(app, client, world, who):
    elsewhere = make_review(reference="DHR-2026-077")  # another partnership's review
    hidden, _ = log(app, world.officer, elsewhere)
    mine, _ = log(app, world.lead, world.review)
    sign_in(client, getattr(world, who))
    assert result_ids(get_page(client, f"/media-inquiries?reference={world.review.reference}")) == [
        f"inquiry-{mine.id}"
    ]

    def answer(**args):
        soup = get_page(client, "/media-inquiries?" + urlencode({"status": "all", **args}))
        return soup.select_one("main"), soup

    unseen, unseen_page = answer(reference=elsewhere.reference)
    missing, _ = answer(reference="DHR-2026-078")
    assert result_ids(unseen_page) == []
    assert unseen.select_one("#inquiry-results") == missing.select_one("#inquiry-results")
    by_id, by_id_page = answer(review=str(elsewhere.id))
    assert result_ids(by_id_page) == [] and by_id_page.select_one("#filter-reference")["value"] == ""
    assert elsewhere.reference not in by_id.get_text()
    assert by_id.select_one("#inquiry-results") == missing.select_one("#inquiry-results")


def test_the_filters_do_not_grow_with_the_reviews_that_have_inquiries(app, client, world):
    agency = world.agency
    log(app, world.lead, world.review, received_by_agency=agency.id)
    sign_in(client, world.officer)

    def measure():
        with count_queries() as counted:
            soup = get_page(client, "/media-inquiries?status=all")
        return counted.count, len(soup.select("form option"))

    few = measure()
    for _ in range(8):
        log(app, world.officer, make_review(), received_by_agency=agency.id)
    assert measure() == few


# The inquiry page: drafting, conflicts, reassigning --------------------------------------------------


def test_drafting_on_the_page_with_errors_and_conflicts(app, client, world):
    inquiry, _ = log(app, world.lead, world.review)
    inquiry = fresh(inquiry)
    sign_in(client, world.officer)
    response = post_form(client, f"/media-inquiries/{inquiry.id}/draft", {"version": inquiry.version})
    assert response.status_code == 422
    assert field_error(parse(response), "draft_response") == "Enter the draft response"

    stale = {"version": inquiry.version - 1, "draft_response": "My careful words"}
    response = post_form(client, f"/media-inquiries/{inquiry.id}/draft", stale)
    assert response.status_code == 409
    soup = parse(response)
    assert soup.select_one(".govuk-error-summary").get_text().count("This record has changed") == 1
    assert soup.select_one("#draft_response").get_text() == "My careful words"
    assert soup.select_one("form[action$='/draft'] input[name=version]")["value"] == str(inquiry.version)

    response = post_form(
        client,
        f"/media-inquiries/{inquiry.id}/draft",
        {"version": inquiry.version, "draft_response": "Words"},
    )
    assert response.status_code == 302
    assert fresh(inquiry).status is InquiryStatus.RESPONSE_DRAFTED
    soup = get_page(client, f"/media-inquiries/{inquiry.id}")
    assert "Not yet approved: it cannot be sent until the partnership agrees it." in soup.get_text()
    history = [row.select("td")[2].get_text(" ", strip=True) for row in soup.select("#history tbody tr")]
    assert history[0].startswith("Logged as received") and history[-1].startswith(
        "Routed to response drafted"
    )


def test_reassigning_a_not_sure_inquiry_to_a_review_tells_its_officer(app, client, world):
    inquiry, _ = log(app, world.lead, None)
    inquiry = fresh(inquiry)
    sign_in(client, world.officer)
    soup = get_page(client, f"/media-inquiries/{inquiry.id}/reassign", title="Change the review")
    assert soup.select_one("#review option[selected]")["value"] == "not-sure"
    local = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    data = {
        "version": inquiry.version,
        "review": str(world.review.id),
        "topic": "review_in_progress",
        "deadline_date": date_parts(local.date()),
        "deadline_time": "4pm",
    }
    response = post_form(client, f"/media-inquiries/{inquiry.id}/reassign", data)
    assert response.status_code == 302, error_summary(parse(response))
    inquiry = fresh(inquiry)
    assert (inquiry.review_id, inquiry.owner_id, inquiry.topic) == (
        world.review.id,
        world.officer.id,
        Topic.REVIEW_IN_PROGRESS,
    )
    told = {r.email for r in InquiryRecipient.select().where(InquiryRecipient.inquiry == inquiry.id)}
    assert told == {"media@northvale.example", "officer@portal.example"}
    assert AuditEvent.get(AuditEvent.action == "media_inquiry_reassigned").detail["changed"] == [
        "deadline_at",
        "review",
        "topic",
    ]


def test_the_panel_chair_contact_form(app, client, world):
    sign_in(client, world.officer)
    url = f"/media-inquiries/reviews/{world.review.id}/contact"
    soup = get_page(client, url, title="Panel chair contact")
    version = soup.select_one("input[name=version]")["value"]
    bad = post_form(client, url, {"version": version, "panel_chair_email": "chair at example"})
    assert bad.status_code == 422
    good = {"version": version, "panel_chair_name": "Cal Chair", "panel_chair_email": "Chair@Ind.example"}
    assert post_form(client, url, good).status_code == 302
    assert ReviewMediaContact.get().panel_chair_email == "chair@ind.example"
    assert post_form(client, url, good).status_code == 409  # that form was for a contact not yet saved
    inquiry, _ = log(app, world.lead, world.review)
    assert {r.kind for r in InquiryRecipient.select()} == {
        RecipientKind.REVIEW_OFFICER,
        RecipientKind.PANEL_CHAIR,
    }


# Admin: the routing rules -----------------------------------------------------------------------------


def test_an_admin_edits_who_is_told(app, client, world):
    sign_in(client, world.admin)
    soup = get_page(client, "/admin/media-routing", title="Media routing")
    assert len(soup.select("#routing-rules tbody tr")) == 4
    url = "/admin/media-routing/no-identifiable-review"
    version = get_page(client, url).select_one("input[name=version]")["value"]
    empty = post_form(client, url, {"version": version})
    assert empty.status_code == 422
    assert field_error(parse(empty), "recipients") == "Select at least one person or mailbox to tell"
    data = {"version": version, "recipients": ["business_office", "media_contact"]}
    assert post_form(client, url, data).status_code == 302
    assert rule_for(Topic.NO_IDENTIFIABLE_REVIEW).recipient_kinds == [
        RecipientKind.BUSINESS_OFFICE,
        RecipientKind.MEDIA_CONTACT,
    ]
    assert post_form(client, url, data).status_code == 409  # the same old version again
    assert AuditEvent.select().where(AuditEvent.action == "media_routing_rule_updated").count() == 1
    assert client.get("/admin/media-routing/no_identifiable_review").status_code == 404
