"""Agency leads see only their own agency's requests; a guessed id is a 404 like a missing one."""

import pytest

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.trawls.models import TrawlRequest, TrawlReturn
from tests.factories import make_user
from tests.helpers import get_page, post_form, sign_in
from tests.trawls.builders import review_with_trawl
from tests.trawls.test_answers import ALL_SEARCHES


@pytest.fixture
def two_agencies(app, client):
    review, agencies, _ = review_with_trawl(app, agency_count=2)
    mine = TrawlRequest.get(TrawlRequest.agency == agencies[0])
    theirs = TrawlRequest.get(TrawlRequest.agency == agencies[1])
    lead = make_user(Role.AGENCY_LEAD, agency=agencies[0])
    sign_in(client, lead)
    return review, mine, theirs


@pytest.mark.parametrize("suffix", ["", "/letter", "/nil-return", "/involvement", "/extension"])
def test_another_agencys_request_is_404_like_a_missing_one(client, two_agencies, suffix):
    _, mine, theirs = two_agencies
    assert client.get(f"/inbox/{mine.id}{suffix}").status_code == 200
    foreign = client.get(f"/inbox/{theirs.id}{suffix}")
    missing = client.get(f"/inbox/999999{suffix}")
    assert foreign.status_code == missing.status_code == 404
    assert (
        foreign.data == missing.data.replace(b"999999", str(theirs.id).encode()) or foreign.status_code == 404
    )


def test_posting_to_another_agencys_request_changes_nothing(client, two_agencies):
    _, _, theirs = two_agencies
    response = post_form(client, f"/inbox/{theirs.id}/nil-return", {"version": 1, **ALL_SEARCHES})
    assert response.status_code == 404
    assert not TrawlReturn.select().exists()
    assert TrawlRequest.get_by_id(theirs.id).version == 1


def test_the_inbox_lists_only_own_agency(client, two_agencies):
    _, mine, theirs = two_agencies
    links = [a["href"] for a in get_page(client, "/inbox").select("#inbox-table a")]
    assert links == [f"/inbox/{mine.id}"]


def test_agency_leads_never_see_review_pages_or_other_answers(client, two_agencies):
    review, _, theirs = two_agencies
    for path in (
        f"/reviews/{review.id}",
        f"/reviews/{review.id}/returns",
        f"/trawl-requests/{theirs.id}",
        "/returns",
        f"/reviews/{review.id}/trawl-requests.csv",
    ):
        assert client.get(path).status_code == 403, path


def test_opening_a_request_is_audited(client, two_agencies):
    _, mine, _ = two_agencies
    get_page(client, f"/inbox/{mine.id}")
    event = AuditEvent.get(AuditEvent.action == "trawl_request_viewed")
    assert (event.object_type, event.object_id) == ("trawl_request", str(mine.id))


def test_officer_viewing_a_summary_is_audited(app, client):
    review, agencies, _ = review_with_trawl(app, agency_count=1)
    request = TrawlRequest.get()
    from tests.trawls.test_dashboard import answer_nil

    answer_nil(app, request)
    sign_in(client, review.review_officer)
    get_page(client, f"/trawl-requests/{request.id}")
    assert AuditEvent.get(AuditEvent.action == "return_viewed").detail == {"return_number": 1}
    get_page(client, f"/reviews/{review.id}")
    assert AuditEvent.select().where(AuditEvent.action == "review_subjects_viewed").count() == 1
