"""The overview's sort keys stored on each review (portal/trawls/service.py keeps them) and the
order they give: reviews with overdue returns first, then by next due date."""

import datetime as dt
import importlib.util

import pytest
import time_machine
from playhouse.test_utils import count_queries

from portal import ROOT
from portal.accounts.models import Role
from portal.extensions import db
from portal.reviews.models import Review
from portal.trawls import queries, service
from portal.trawls.models import ReceivedBy, RequestStatus, ReturnKind, TrawlRequest
from portal.workdays.service import add_bank_holiday
from tests.factories import make_agency, make_user
from tests.helpers import get_page, sign_in
from tests.trawls.builders import issue, make_review, make_subject

MONDAY = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
NIL = {
    "searched_names": True,
    "searched_alternative_spellings": True,
    "searched_dates_of_birth": True,
    "searched_paper_records": True,
    "searched_electronic_records": True,
}
INVOLVEMENT = {"summary": "One contact about housing repairs.", "records_secured": True}


def keys(review) -> tuple[dt.date | None, dt.date | None]:
    """(next return due on, earliest awaiting due on), as stored."""
    stored = Review.get_by_id(review.id)
    return stored.next_return_due_on, stored.earliest_awaiting_due_on


def fresh(agency) -> TrawlRequest:
    return TrawlRequest.get(TrawlRequest.agency == agency)


def answer(request, kind=ReturnKind.NIL_RETURN, actor=None, **options):
    values = NIL if kind is ReturnKind.NIL_RETURN else INVOLVEMENT
    actor = actor or make_user(Role.AGENCY_LEAD, agency=request.agency)
    service.submit_return(request, request.version, kind, values, actor, **options)


def ask_for_more_time(request, until: dt.date):
    lead = make_user(Role.AGENCY_LEAD, agency=request.agency)
    service.request_extension(request, request.version, "Paper records are in the archive.", until, lead)


def test_the_keys_follow_every_step_of_a_request(ctx):
    review = make_review()
    make_subject(review)
    officer = review.review_officer
    a, b, c, d = (make_agency() for _ in range(4))
    dec = {day: dt.date(2026, 12, day) for day in (7, 14, 21, 28)}
    with time_machine.travel(MONDAY, tick=False):
        assert keys(review) == (None, None)  # no trawls yet
        issue(ctx, review, [a, b, c], due_date=dec[7])
        assert keys(review) == (dec[7], dec[7])
        issue(ctx, review, [d], due_date=dec[14])
        assert keys(review) == (dec[7], dec[7])

        answer(fresh(a))
        assert keys(review) == (dec[7], dec[7])  # b and c still awaiting on the 7th
        ask_for_more_time(fresh(b), dec[21])
        assert keys(review) == (dec[7], dec[7])  # c still awaiting
        answer(fresh(c), actor=officer, received_by=ReceivedBy.EMAIL)  # recorded on the agency's behalf
        # b's extension is open (not overdue however late); the earliest awaiting is d's.
        assert keys(review) == (dec[7], dec[14])

        service.decide_extension(fresh(b), fresh(b).version, officer, grant=True, granted_date=dec[28])
        assert keys(review) == (dec[14], dec[14])
        ask_for_more_time(fresh(d), dec[21])
        assert keys(review) == (dec[14], dec[28])
        service.decide_extension(fresh(d), fresh(d).version, officer, grant=False)
        assert keys(review) == (dec[14], dec[14])

        service.accept_return(fresh(a), fresh(a).version, officer)
        answer(fresh(c), ReturnKind.INVOLVEMENT)  # an amendment
        assert keys(review) == (dec[14], dec[14])
        answer(fresh(d))
        assert keys(review) == (dec[28], dec[28])
        answer(fresh(b))
        assert keys(review) == (None, None)  # nothing open
    assert fresh(c).status is RequestStatus.INVOLVEMENT and fresh(a).status is RequestStatus.ACCEPTED


def test_a_new_bank_holiday_moves_the_keys_with_the_due_dates(ctx):
    review, untouched = make_review(), make_review()
    for each in (review, untouched):
        make_subject(each)
    with time_machine.travel(MONDAY, tick=False):
        issue(ctx, review, [make_agency()])  # due by the working-day rule
        issue(ctx, untouched, [make_agency()], due_date=dt.date(2026, 12, 7))  # set by hand: stays
        before = TrawlRequest.get(TrawlRequest.review == review).due_date
        assert keys(review) == (before, before) and before >= dt.date(2026, 11, 30)
        add_bank_holiday(dt.date(2026, 11, 30), "One-off bank holiday", make_user(Role.ADMIN))
    after = TrawlRequest.get(TrawlRequest.review == review).due_date
    assert after > before
    assert keys(review) == (after, after)
    assert keys(untouched) == (dt.date(2026, 12, 7), dt.date(2026, 12, 7))


@pytest.fixture
def reviews(app):
    """Six reviews, one of each kind the order has to tell apart, seen on 23 November 2026."""
    officer = make_user(Role.REVIEW_OFFICER)
    made = {}
    for name, reference in (
        ("later_overdue", "DHR-2026-201"),
        ("sooner_overdue", "DHR-2026-202"),
        ("extension", "DHR-2026-203"),
        ("calm", "DHR-2026-204"),
        ("answered", "DHR-2026-205"),
        ("no_trawls", "DHR-2026-206"),
    ):
        made[name] = make_review(officer=officer, reference=reference)
        make_subject(made[name])
    with app.test_request_context():
        with time_machine.travel(dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC), tick=False):
            issue(app, made["sooner_overdue"], [make_agency()], due_date=dt.date(2026, 11, 10))
            issue(app, made["later_overdue"], [make_agency()], due_date=dt.date(2026, 11, 16))
            # Past due, but waiting for a decision on more time: not overdue, the earliest next due date.
            late_asker = make_agency()
            issue(app, made["extension"], [late_asker, make_agency()], due_date=dt.date(2026, 11, 5))
            ask_for_more_time(fresh(late_asker), dt.date(2026, 12, 1))
            answered = make_agency()
            issue(app, made["answered"], [answered], due_date=dt.date(2026, 11, 10))
            answer(fresh(answered))
        with time_machine.travel(MONDAY, tick=False):
            issue(app, made["extension"], [make_agency()], due_date=dt.date(2026, 12, 14))
            issue(app, made["calm"], [make_agency()], due_date=dt.date(2026, 12, 7))
    other = TrawlRequest.get(
        TrawlRequest.review == made["extension"],
        TrawlRequest.agency != late_asker,
        TrawlRequest.due_date < TODAY,
    )
    with app.test_request_context():
        answer(other)  # leaves the extension (5 Nov) and an awaiting request (14 Dec)
    return made


ORDER = ["sooner_overdue", "later_overdue", "extension", "calm", "answered", "no_trawls"]


def test_overdue_first_then_by_next_due_date_with_counts_for_the_rows_fetched(app, reviews):
    rows = list(queries.overview(today=TODAY))
    assert [row.id for row in rows] == [reviews[name].id for name in ORDER]
    by_name = {name: row for name, row in zip(ORDER, rows, strict=True)}
    assert (by_name["sooner_overdue"].overdue, by_name["sooner_overdue"].next_due) == (
        1,
        dt.date(2026, 11, 10),
    )
    extension = by_name["extension"]
    assert (extension.overdue, extension.extension_requested, extension.awaiting, extension.nil_return) == (
        0,
        1,
        1,
        1,
    )
    assert extension.next_due == dt.date(2026, 11, 5)
    assert by_name["answered"].next_due is None and by_name["answered"].nil_return == 1
    assert by_name["no_trawls"].next_due is None and by_name["no_trawls"].awaiting == 0

    # A page: its reviews, then their counts, however many reviews there are.
    with count_queries() as counted:
        page = list(queries.overview(today=TODAY).paginate(2, 2))
    assert [row.id for row in page] == [reviews["extension"].id, reviews["calm"].id]
    assert (page[1].awaiting, page[1].overdue) == (1, 0)
    assert counted.count == 2
    # Filtering and counting it work as on any query of reviews.
    assert queries.overview(today=TODAY).where(Review.reference >= "DHR-2026-204").count() == 3

    # The day after the calm review's due date it is overdue too, and comes first.
    after = dt.date(2026, 12, 8)
    assert [row.id for row in queries.overview(today=after)][:3] == [
        reviews[name].id for name in ("sooner_overdue", "later_overdue", "calm")
    ]


def test_the_page_shows_that_order(app, client, reviews):
    with time_machine.travel(MONDAY, tick=False):
        sign_in(client, make_user(Role.ADMIN))
        soup = get_page(client, "/returns?all=1")
    shown = [row.select_one("a").get_text() for row in soup.select("#overview-table tbody tr")]
    assert shown == [reviews[name].reference for name in ORDER]


def test_the_migrations_backfill_gives_the_keys_the_service_keeps(ctx, reviews):
    kept = {review.id: keys(review) for review in reviews.values()}
    assert any(next_due != awaiting for next_due, awaiting in kept.values())  # the extension case
    Review.update(next_return_due_on=None, earliest_awaiting_due_on=None).execute()
    path = ROOT / "migrations" / "0011_review_overview_keys.py"
    spec = importlib.util.spec_from_file_location("migration_0011", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with db.database.atomic():
        db.database.execute_sql(migration.BACKFILL)
    assert {review.id: keys(review) for review in reviews.values()} == kept
