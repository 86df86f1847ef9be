import datetime as dt

import pytest
import time_machine

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.organisations.models import Sector
from portal.trawls import service
from portal.trawls.models import DueBasis, RequestStatus, TrawlPurpose, TrawlRequest
from tests.factories import make_agency, make_user
from tests.helpers import error_summary, get_page, parse, post_form, sign_in
from tests.trawls.builders import issue, make_review, make_subject

LONDON_NOON = dt.datetime(2026, 12, 18, 12, 0, tzinfo=dt.UTC)


def test_issue_through_the_form(app, client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    make_subject(review, full_name="Rowan Testcase")
    agencies = [make_agency(sector=Sector.POLICE), make_agency(sector=Sector.HEALTH), make_agency()]
    with time_machine.travel(LONDON_NOON, tick=False):
        sign_in(client, officer)
        page = get_page(client, f"/reviews/{review.id}/trawls/new", title="Issue a trawl")
        assert "6 January 2027" in page.select_one("main").get_text()
        response = post_form(
            client,
            f"/reviews/{review.id}/trawls/new",
            {"purpose": "initial_records_check", "agencies": [a.id for a in agencies[:2]]},
        )
    assert response.status_code == 302
    requests = list(TrawlRequest.select().order_by(TrawlRequest.agency))
    assert [(r.agency_id, r.status, r.due_date, r.due_basis) for r in requests] == [
        (agencies[0].id, RequestStatus.AWAITING, dt.date(2027, 1, 6), DueBasis.WORKING_DAYS),
        (agencies[1].id, RequestStatus.AWAITING, dt.date(2027, 1, 6), DueBasis.WORKING_DAYS),
    ]
    event = AuditEvent.get(AuditEvent.action == "trawl_issued")
    assert event.detail == {"agency_ids": sorted(a.id for a in agencies[:2]), "due_date": "2027-01-06"}


def test_due_date_set_by_hand(app):
    review = make_review()
    make_subject(review)
    agency = make_agency()
    with time_machine.travel(LONDON_NOON, tick=False):
        issue(app, review, [agency], due_date=dt.date(2027, 1, 20))
    request = TrawlRequest.get()
    assert (request.due_date, request.due_basis) == (dt.date(2027, 1, 20), DueBasis.SET_BY_HAND)


def test_form_errors_are_clear_and_keep_choices(app, client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    make_subject(review)
    agency = make_agency()
    sign_in(client, officer)
    soup = parse(
        post_form(
            client, f"/reviews/{review.id}/trawls/new", {"purpose": "", "due_date": ["31", "2", "2027"]}
        )
    )
    assert error_summary(soup) == [
        "Select what the trawl is for",
        "Select at least one agency",
        "Due date must be a real date",
    ]
    soup = parse(
        post_form(
            client,
            f"/reviews/{review.id}/trawls/new",
            {"purpose": "further", "agencies": [agency.id], "due_date": ["1", "1", "2020"]},
        )
    )
    assert error_summary(soup) == ["Due date must be after today"]
    assert soup.select_one(f"input[name=agencies][value='{agency.id}']").has_attr("checked")
    assert not TrawlRequest.select().exists()


def test_a_review_without_people_cannot_be_trawled(app):
    review = make_review()
    with pytest.raises(service.TrawlRuleError, match="Add the people"):
        issue(app, review, [make_agency()])


def test_quick_picks(app, client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    make_subject(review)
    police = make_agency(sector=Sector.POLICE)
    housing = make_agency(sector=Sector.HOUSING)
    asked = make_agency(sector=Sector.HOUSING)
    issue(app, review, [asked])
    sign_in(client, officer)

    def checked(url):
        soup = get_page(client, url)
        return {int(box["value"]) for box in soup.select("input[name=agencies][checked]")}

    assert checked(f"/reviews/{review.id}/trawls/new?pick=sector:housing") == {housing.id, asked.id}
    assert checked(f"/reviews/{review.id}/trawls/new?pick=not-asked") == {police.id, housing.id}
    soup = get_page(client, f"/reviews/{review.id}/trawls/new")
    assert soup.select_one("input[name=purpose][value=further]").has_attr("checked")


def test_subjects_are_frozen_when_the_trawl_is_issued(app, client):
    review = make_review()
    person = make_subject(review, full_name="Original Name", aliases="First Alias")
    agency = make_agency()
    issue(app, review, [agency])
    person.full_name = "Changed Name"
    person.save()
    make_subject(review, full_name="Added Later")

    lead = make_user(Role.AGENCY_LEAD, agency=agency)
    sign_in(client, lead)
    request = TrawlRequest.get()
    text = get_page(client, f"/inbox/{request.id}").select_one("main").get_text()
    assert "Original Name" in text and "First Alias" in text
    assert "Changed Name" not in text and "Added Later" not in text
    letter = get_page(client, f"/inbox/{request.id}/letter").select_one("main").get_text()
    assert "Original Name" in letter and "Changed Name" not in letter


def test_second_trawl_is_numbered_and_further(app):
    review = make_review()
    make_subject(review)
    first = issue(app, review, [make_agency()])
    second = issue(app, review, [make_agency()], purpose=TrawlPurpose.FURTHER)
    assert (first.number, second.number, second.purpose) == (1, 2, TrawlPurpose.FURTHER)
