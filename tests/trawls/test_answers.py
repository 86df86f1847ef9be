"""Agency leads answer their own requests: nil return, involvement, amendments, more time."""

import datetime as dt

import time_machine

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.trawls.models import ExtensionDecision, ExtensionRequest, RequestStatus, TrawlRequest, TrawlReturn
from tests.factories import make_user
from tests.helpers import error_summary, field_error, get_page, parse, post_form, sign_in
from tests.trawls.builders import review_with_trawl

ALL_SEARCHES = {
    "searched_names": "y",
    "searched_alternative_spellings": "y",
    "searched_dates_of_birth": "y",
    "searched_paper_records": "y",
    "searched_electronic_records": "y",
}
INVOLVEMENT = {
    "summary": "Two contacts with the housing team about repairs.\n\nNo safeguarding concerns were raised.",
    "contact_from": ["4", "1", "2025"],
    "contact_to": ["9", "2", "2025"],
    "records_secured": "y",
}


def lead_for(client, agency):
    lead = make_user(Role.AGENCY_LEAD, agency=agency)
    sign_in(client, lead)
    return lead


def request_of(agency) -> TrawlRequest:
    return TrawlRequest.get(TrawlRequest.agency == agency)


def test_nil_return_needs_every_search_confirmed(app, client):
    _, agencies, _ = review_with_trawl(app)
    lead_for(client, agencies[0])
    request = request_of(agencies[0])
    response = post_form(client, f"/inbox/{request.id}/nil-return", {"version": 1, "searched_names": "y"})
    assert response.status_code == 422
    soup = parse(response)
    assert error_summary(soup) == [
        "Confirm you searched for every name, spelling and date of birth, in paper and electronic records"
    ]
    assert soup.select_one("#searched_names").has_attr("checked")  # kept
    assert not TrawlReturn.select().exists()

    response = post_form(client, f"/inbox/{request.id}/nil-return", {"version": 1, **ALL_SEARCHES})
    assert response.status_code == 302
    request = request_of(agencies[0])
    assert request.status is RequestStatus.NIL_RETURN and request.answered_by.role is Role.AGENCY_LEAD
    answer = TrawlReturn.get()
    assert (answer.kind.value, answer.number, answer.recorded_on_behalf) == ("nil_return", 1, False)


def test_involvement_with_validation(app, client):
    _, agencies, _ = review_with_trawl(app)
    lead_for(client, agencies[0])
    request = request_of(agencies[0])
    bad = {
        "version": 1,
        "summary": "",
        "contact_from": ["1", "3", "2025"],
        "contact_to": ["1", "2", "2025"],
        "personal_interest": "y",
    }
    soup = parse(post_form(client, f"/inbox/{request.id}/involvement", bad))
    assert error_summary(soup) == [
        "Enter a summary of your agency's involvement",
        "Date of last contact must be on or after the first contact",
        "Confirm that the records have been secured",
        "Describe the personal interest and how it is managed",
    ]
    future = {**INVOLVEMENT, "version": 1, "contact_to": ["1", "1", "2099"]}
    soup = parse(post_form(client, f"/inbox/{request.id}/involvement", future))
    assert field_error(soup, "contact_to") == "Date of last contact must be today or in the past"
    assert soup.select_one("#summary").get_text().startswith("Two contacts")  # nothing lost

    response = post_form(
        client,
        f"/inbox/{request.id}/involvement",
        {
            **INVOLVEMENT,
            "version": 1,
            "personal_interest": "y",
            "personal_interest_note": "A cousin works here",
        },
    )
    assert response.status_code == 302
    answer = TrawlReturn.get()
    assert (
        answer.contact_from == dt.date(2025, 1, 4) and answer.personal_interest_note == "A cousin works here"
    )
    assert request_of(agencies[0]).status is RequestStatus.INVOLVEMENT


def test_amendments_keep_every_version_until_accepted(app, client):
    review, agencies, _ = review_with_trawl(app)
    lead_for(client, agencies[0])
    request = request_of(agencies[0])
    post_form(client, f"/inbox/{request.id}/nil-return", {"version": 1, **ALL_SEARCHES})
    page = get_page(client, f"/inbox/{request.id}/involvement")
    assert page.select_one("h1").get_text() == "Send a summary of involvement"
    post_form(client, f"/inbox/{request.id}/involvement", {**INVOLVEMENT, "version": 2})
    assert [r.kind.value for r in TrawlReturn.select().order_by(TrawlReturn.number)] == [
        "nil_return",
        "involvement",
    ]

    officer_client = app.test_client()
    sign_in(officer_client, review.review_officer)
    post_form(officer_client, f"/trawl-requests/{request.id}/accept", {"version": 3})
    assert request_of(agencies[0]).status is RequestStatus.ACCEPTED
    refused = post_form(client, f"/inbox/{request.id}/nil-return", {"version": 4, **ALL_SEARCHES})
    assert refused.status_code == 422
    assert "accepted and can no longer be changed" in parse(refused).get_text()
    assert TrawlReturn.select().count() == 2


def test_stale_answer_is_a_conflict(app, client):
    _, agencies, _ = review_with_trawl(app)
    lead_for(client, agencies[0])
    request = request_of(agencies[0])
    post_form(client, f"/inbox/{request.id}/nil-return", {"version": 1, **ALL_SEARCHES})
    again = post_form(client, f"/inbox/{request.id}/involvement", {**INVOLVEMENT, "version": 1})
    assert again.status_code == 409
    assert parse(again).select_one("#summary").get_text().startswith("Two contacts")
    assert TrawlReturn.select().count() == 1


def test_extension_requested_granted_and_due_date_moves(app, client):
    review, agencies, _ = review_with_trawl(app)
    lead_for(client, agencies[0])
    request = request_of(agencies[0])
    proposed = request.due_date + dt.timedelta(days=14)
    soup = parse(
        post_form(
            client,
            f"/inbox/{request.id}/extension",
            {"version": 1, "reason": "", "proposed_date": ["", "", ""]},
        )
    )
    assert error_summary(soup) == ["Enter why you need more time", "Enter the proposed date"]
    soup = parse(
        post_form(
            client,
            f"/inbox/{request.id}/extension",
            {
                "version": 1,
                "reason": "Records in storage",
                "proposed_date": [
                    str(request.due_date.day),
                    str(request.due_date.month),
                    str(request.due_date.year),
                ],
            },
        )
    )
    assert error_summary(soup) == ["Proposed date must be after the current due date"]
    response = post_form(
        client,
        f"/inbox/{request.id}/extension",
        {
            "version": 1,
            "reason": "Records in storage",
            "proposed_date": [str(proposed.day), str(proposed.month), str(proposed.year)],
        },
    )
    assert response.status_code == 302
    assert request_of(agencies[0]).status is RequestStatus.EXTENSION_REQUESTED

    officer = app.test_client()
    sign_in(officer, review.review_officer)
    response = post_form(
        officer, f"/trawl-requests/{request.id}/extension", {"version": 2, "decision": "grant"}
    )
    assert response.status_code == 302
    request = request_of(agencies[0])
    assert (request.status, request.due_date, request.due_basis.value) == (
        RequestStatus.AWAITING,
        proposed,
        "extension",
    )
    assert ExtensionRequest.get().decision is ExtensionDecision.GRANTED
    assert AuditEvent.get(AuditEvent.action == "extension_granted").detail == {
        "due_date": proposed.isoformat()
    }


def test_extension_refused_keeps_the_due_date(app, client):
    review, agencies, _ = review_with_trawl(app)
    request = request_of(agencies[0])
    original = request.due_date
    with app.test_request_context():
        from portal.trawls import service

        service.request_extension(
            request, 1, "Busy", original + dt.timedelta(days=5), make_user(Role.AGENCY_LEAD)
        )
    sign_in(client, review.review_officer)
    post_form(client, f"/trawl-requests/{request.id}/extension", {"version": 2, "decision": "refuse"})
    request = request_of(agencies[0])
    assert (request.status, request.due_date) == (RequestStatus.AWAITING, original)
    assert ExtensionRequest.get().decision is ExtensionDecision.REFUSED


def test_officer_records_a_return_received_by_phone(app, client):
    review, agencies, _ = review_with_trawl(app)
    request = request_of(agencies[1])
    sign_in(client, review.review_officer)
    soup = parse(
        post_form(
            client, f"/trawl-requests/{request.id}/record-return/nil-return", {"version": 1, **ALL_SEARCHES}
        )
    )
    assert error_summary(soup) == ["Select how the agency sent its return"]
    response = post_form(
        client,
        f"/trawl-requests/{request.id}/record-return/nil-return",
        {"version": 1, "received_by": "phone", **ALL_SEARCHES},
    )
    assert response.status_code == 302
    answer = TrawlReturn.get()
    assert answer.recorded_on_behalf and answer.received_by.value == "phone"
    assert AuditEvent.get(AuditEvent.action == "return_submitted").detail["on_behalf"] is True
    text = get_page(client, f"/trawl-requests/{request.id}").select_one("main").get_text()
    assert "recorded on the agency's behalf, received by phone" in text


def test_inbox_lists_open_first_with_overdue_marks(app, client):
    from tests.trawls.builders import issue, make_review, make_subject

    review, agencies, _ = review_with_trawl(app, agency_count=1)
    later = make_review()
    make_subject(later)
    issue(app, later, [agencies[0]])
    lead_for(client, agencies[0])
    first = request_of(agencies[0])
    post_form(client, f"/inbox/{first.id}/nil-return", {"version": 1, **ALL_SEARCHES})
    with time_machine.travel(dt.datetime(2027, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        lead_for(client, agencies[0])  # a fresh session: the old one would be idle by then
        rows = get_page(client, "/inbox").select("#inbox-table tbody tr")
    assert [r.select_one("a").get_text().split(",")[0] for r in rows] == [later.reference, review.reference]
    assert "Overdue" in rows[0].get_text() and "days overdue" in rows[0].get_text()
    assert "Nil return" in rows[1].get_text()
