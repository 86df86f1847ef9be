import datetime as dt

import time_machine

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.trawls.models import TrawlRequest
from portal.workdays.models import BankHoliday
from tests.factories import make_agency, make_user
from tests.helpers import error_summary, parse, post_form, sign_in
from tests.trawls.builders import issue, make_review, make_subject

MONDAY = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)


def test_adding_a_bank_holiday_moves_affected_open_due_dates(app, client):
    review = make_review()
    make_subject(review)
    with time_machine.travel(MONDAY, tick=False):
        issue(app, review, [make_agency()])
        issue(app, review, [make_agency()], due_date=dt.date(2026, 12, 7))  # set by hand: stays
    by_rule, by_hand = TrawlRequest.select().order_by(TrawlRequest.id)
    assert by_rule.due_date == dt.date(2026, 12, 7)

    sign_in(client, make_user(Role.ADMIN))
    response = post_form(
        client, "/admin/bank-holidays", {"date": ["30", "11", "2026"], "name": "One-off bank holiday"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/bank-holidays"
    assert TrawlRequest.get_by_id(by_rule.id).due_date == dt.date(2026, 12, 8)
    assert TrawlRequest.get_by_id(by_hand.id).due_date == dt.date(2026, 12, 7)
    event = AuditEvent.get(AuditEvent.action == "due_date_recalculated")
    assert event.detail == {
        "from_date": "2026-12-07",
        "to_date": "2026-12-08",
        "reason": "bank holiday added: 2026-11-30",
    }


def test_bank_holiday_form_errors(app, client):
    sign_in(client, make_user(Role.ADMIN))
    soup = parse(post_form(client, "/admin/bank-holidays", {"date": ["32", "13", "2026"], "name": ""}))
    assert error_summary(soup) == [
        "Date of the bank holiday must be a real date",
        "Enter the bank holiday's name",
    ]
    post_form(client, "/admin/bank-holidays", {"date": ["1", "12", "2026"], "name": "Extra"})
    soup = parse(post_form(client, "/admin/bank-holidays", {"date": ["1", "12", "2026"], "name": "Again"}))
    assert error_summary(soup) == ["This date has already been added"]
    assert BankHoliday.select().count() == 1
