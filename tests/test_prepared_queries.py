"""Prepared queries (portal/prepared_queries.py): built once per shape, compiled once per engine,
run with each call's values, giving the same rows as the query built afresh."""

import datetime as dt

import pytest
from peewee import JOIN, Case, DatabaseError, Select, fn
from playhouse.test_utils import count_queries

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.organisations.models import Agency, Sector
from portal.prepared_queries import inserting, prepared
from portal.trawls import queries
from portal.trawls.models import TrawlRequest
from tests.factories import make_agency, make_partnership, make_user
from tests.trawls.builders import issue, make_review, make_subject, review_with_trawl


@prepared
def _agencies(sector_filter, sector, name_after, ids):
    query = Agency.select(Agency.id, Agency.name).where(Agency.name > name_after, Agency.id.in_(ids.many(3)))
    if sector_filter:
        query = query.where(Agency.sector == sector)  # an enum: bound through the field's db_value
    return query.order_by(Agency.name)


@pytest.fixture
def agencies(ctx):
    return [
        make_agency("Alder police", Sector.POLICE),
        make_agency("Birch trust", Sector.HEALTH),
        make_agency("Cedar police", Sector.POLICE),
        make_agency("Damson housing", Sector.HOUSING),
    ]


def names(rows) -> list[str]:
    return [row.name for row in rows]


def test_each_call_binds_its_own_values_and_converts_them_as_peewee_would(agencies):
    ids = [agency.id for agency in agencies]
    police = _agencies(True)
    assert names(police.rows(sector=Sector.POLICE, name_after="", ids=ids[:3])) == [
        "Alder police",
        "Cedar police",
    ]
    assert names(police.rows(sector=Sector.POLICE, name_after="B", ids=ids[:3])) == ["Cedar police"]
    assert names(police.rows(sector=Sector.HOUSING, name_after="", ids=ids[1:])) == ["Damson housing"]
    assert names(_agencies(False).rows(sector=None, name_after="A", ids=ids[1:])) == [
        "Birch trust",
        "Cedar police",
        "Damson housing",
    ]


def test_a_list_shorter_than_its_places_is_padded_with_null_and_a_longer_one_refused(agencies):
    ids = [agency.id for agency in agencies]
    every = _agencies(False)
    assert names(every.rows(sector=None, name_after="", ids=[ids[3]])) == ["Damson housing"]
    assert every.rows(sector=None, name_after="", ids=[]) == []
    with pytest.raises(ValueError, match="more than the 3 values"):
        every.rows(sector=None, name_after="", ids=ids)


def test_a_list_of_any_length_runs_in_chunks_of_its_places(agencies):
    ids = [agency.id for agency in agencies]
    every = _agencies(False)
    with count_queries() as counted:
        found = every.rows_in_chunks("ids", sector=None, name_after="", ids=ids)
    assert sorted(names(found)) == ["Alder police", "Birch trust", "Cedar police", "Damson housing"]
    assert counted.count == 2  # 3 places: 3 ids, then 1
    with count_queries() as counted:
        assert every.rows_in_chunks("ids", sector=None, name_after="", ids=[]) == []
    assert counted.count == 0


def test_plain_rows_are_the_drivers_own_and_a_counted_page_carries_the_total(agencies):
    ids = [agency.id for agency in agencies]

    @prepared
    def sectors(ids):
        return (
            Agency.select(Agency.name, Agency.sector).where(Agency.id.in_(ids.many(4))).order_by(Agency.name)
        )

    assert sectors().rows(ids=ids)[0].sector is Sector.POLICE  # converted to the enum...
    assert sectors().plain_rows(ids=ids)[0] == ("Alder police", "police")  # ...or not
    assert type(sectors().plain_rows(ids=ids)[0][1]) is str
    assert [row[0] for row in sectors().plain_rows_in_chunks("ids", ids=ids[1:] + ids[:1])] == [
        "Alder police", "Birch trust", "Cedar police", "Damson housing",
    ]  # fmt: skip

    @prepared
    def by_name(name_after):
        return Agency.select(Agency.id, Agency.name).where(Agency.name > name_after).order_by(Agency.name)

    with count_queries() as counted:
        second = by_name().paged_and_counted(3).rows(name_after="", offset=3)
    assert counted.count == 1
    assert [(row.name, row.rows_in_all) for row in second] == [("Damson housing", 4)]
    after_c = by_name().paged_and_counted(3).rows(name_after="C", offset=0)
    assert [row.rows_in_all for row in after_c] == [2, 2]


def test_an_insert_converts_each_value_as_its_field_does_unless_told_and_gives_the_new_id(ctx):
    # The sector is an enum, converted as its field does; the name is told otherwise.
    fields = ("name", "sector", "contact_email", "version", "created_at")
    add_agency = inserting(Agency, *fields, name=str.upper)

    when = dt.datetime(2026, 6, 15, 9, 30)
    with count_queries() as counted:
        new_id = add_agency.scalar(
            name="Rowan trust",
            sector=Sector.HEALTH,
            contact_email="a@example.test",
            version=1,
            created_at=when,
        )
    assert counted.count == 1
    added = Agency.get_by_id(new_id)
    assert (added.name, added.sector, added.created_at) == ("ROWAN TRUST", Sector.HEALTH, when)
    assert added.active  # a constant default is inserted too

    with pytest.raises(TypeError, match="created_at's default changes on each insert"):
        inserting(Agency, "name", "sector", "contact_email", "version")


def test_a_missing_value_is_an_error_not_a_null(agencies):
    with pytest.raises(TypeError, match="'name_after'"):
        _agencies(False).rows(sector=None, ids=[1])


def test_each_shape_is_built_once_and_each_run_is_one_logged_statement(agencies):
    built = []

    @prepared
    def by_name(police_only, name_after):
        built.append(police_only)
        query = Agency.select(Agency.id, Agency.name).where(Agency.name > name_after).order_by(Agency.name)
        return query.where(Agency.sector == Sector.POLICE) if police_only else query

    with count_queries() as counted:
        for letter in "ABC":
            by_name(True).rows(name_after=letter)
            by_name(False).first(name_after=letter)
    assert counted.count == 6
    assert built == [True, False]
    assert by_name(True) is by_name(True)
    assert by_name(True).first(name_after="Z") is None
    assert by_name(False).scalar(name_after="C") == agencies[2].id


def test_trawl_status_counts_match_the_requests_whatever_the_number_of_reviews(ctx):
    partnership = make_partnership()
    police = make_agency("Elm police", Sector.POLICE)
    reviews = []
    for number in range(queries.STATUS_COUNTS_CHUNK + 2):  # two chunks
        review = make_review(partnership=partnership, title=f"Review {number}")
        make_subject(review)
        if number % 2 == 0:
            issue(ctx, review, [police])
        reviews.append(review)
    today = TrawlRequest.select(fn.MAX(TrawlRequest.due_date)).scalar() + dt.timedelta(days=1)
    counts = queries.status_counts([review.id for review in reviews], today)
    assert [counts[review.id]["overdue"] for review in reviews] == [
        1 if number % 2 == 0 else 0 for number in range(len(reviews))
    ]
    assert all(counts[review.id]["awaiting"] == 0 for review in reviews)


def test_trawl_status_counts_split_awaiting_requests_into_due_and_overdue_as_each_row_is_shown(ctx):
    # Counted by stored status with the overdue ones beside (one index range): the same counts as
    # display_status() of every request, whatever mix of statuses and due dates.
    review = make_review(partnership=make_partnership())
    make_subject(review)
    issue(ctx, review, [make_agency(f"Agency {number}") for number in range(8)])
    today = dt.date(2026, 6, 15)
    requests = list(TrawlRequest.select().where(TrawlRequest.review == review).order_by(TrawlRequest.id))
    plan = [
        ("awaiting", -3), ("awaiting", -1), ("awaiting", 0), ("awaiting", 5),
        ("extension_requested", -2), ("nil_return", -9), ("involvement", 4), ("accepted", -1),
    ]  # fmt: skip
    for request, (status, days) in zip(requests, plan, strict=True):
        TrawlRequest.update(status=status, due_date=today + dt.timedelta(days=days)).where(
            TrawlRequest.id == request.id
        ).execute()
    expected = {key: 0 for key, _ in queries.DISPLAY_STATUSES}
    for request in TrawlRequest.select().where(TrawlRequest.review == review):
        expected[queries.display_status(request, today)] += 1
    assert expected == {
        "awaiting": 2, "overdue": 2, "extension_requested": 1, "nil_return": 1, "involvement": 1, "accepted": 1,
    }  # fmt: skip
    assert queries.status_counts([review.id], today)[review.id] == expected
    assert queries.counts_of(queries.dashboard_rows(review, today=today)) == expected


def _requests_and_who_answered(review):
    answered_by = User.alias()
    return (
        TrawlRequest.select(TrawlRequest.id, TrawlRequest.status, Agency.name, answered_by.full_name)
        .join(Agency)
        .switch(TrawlRequest)
        .join(answered_by, JOIN.LEFT_OUTER, on=(TrawlRequest.answered_by == answered_by.id))
        .where(TrawlRequest.review == review)
        .order_by(Agency.name)
    )


_requests_and_who_answered_prepared = prepared(_requests_and_who_answered)


def test_joined_models_are_read_alike_on_every_run_with_or_without_the_joined_row(ctx):
    # How columns become models is worked out on the first run and reused: a later run with a
    # missing (outer-joined) row, or with one where the first had none, must read as built afresh.
    def seen(rows):
        return [
            (row.id, row.status, row.agency.name, row.answered_by.full_name if row.answered_by else None)
            for row in rows
        ]

    unanswered, _, _ = review_with_trawl(ctx, agency_count=2)
    answered, agencies, _ = review_with_trawl(ctx, agency_count=1)
    lead = make_user(Role.AGENCY_LEAD, agency=agencies[0], full_name="Robin Ashdown")
    TrawlRequest.update(answered_by=lead).where(TrawlRequest.review == answered).execute()
    query = _requests_and_who_answered_prepared()
    for review in (unanswered, answered, unanswered, answered):
        expected = seen(_requests_and_who_answered(review))
        assert seen(query.rows(review=review)) == expected
        assert seen([query.first(review=review)]) == expected[:1]
    assert seen(query.rows(review=answered))[0][3] == "Robin Ashdown"


# On PostgreSQL a prepared query is also prepared on the server (PREPARE once per connection, then
# EXECUTE by name), so the server does not parse and plan it on every run.


def _on_the_server() -> list[str]:
    found = db.database.execute_sql("SELECT name FROM pg_prepared_statements ORDER BY name").fetchall()
    return [name for (name,) in found]


def _ours(label: str) -> list[str]:
    return [name for name in _on_the_server() if name.startswith(label)]


@pytest.fixture
def postgresql_only(engine):
    if engine != "postgresql":
        pytest.skip("statements prepared on the server are PostgreSQL's")


def test_a_query_is_prepared_on_the_server_once_per_connection(postgresql_only, agencies):
    ids = [agency.id for agency in agencies]
    police = _agencies(True)
    with count_queries() as counted:
        assert names(police.rows(sector=Sector.POLICE, name_after="", ids=ids[:3])) == [
            "Alder police",
            "Cedar police",
        ]
        assert names(police.rows(sector=Sector.HOUSING, name_after="", ids=ids[1:])) == ["Damson housing"]
    assert counted.count == 2  # a statement a run, as ever: the PREPARE is not counted as the query's
    assert [record.msg[0].split(" (")[0] for record in counted.get_queries()] == [
        f"EXECUTE {_ours('test_prepared_queries__agencies')[0]}"
    ] * 2
    assert len(_ours("test_prepared_queries__agencies")) == 1  # this shape; the other is not used yet

    # A new connection (the pool replaced one the server dropped) has none: it is prepared again.
    db.database.close()
    db.database.connect()
    assert _ours("test_prepared_queries__agencies") == []
    assert names(police.rows(sector=Sector.HOUSING, name_after="", ids=ids[1:])) == ["Damson housing"]
    assert len(_ours("test_prepared_queries__agencies")) == 1


@prepared
def _labelled(kind, name_after):
    """Constants of every kind beside a placeholder used twice (in the select and in GROUP BY)."""
    label = Case(None, [(Agency.name > name_after, "it's 100% after")], "before")
    return (
        Agency.select(
            label.alias("label"), fn.COUNT(Agency.id), fn.SUM(Case(None, [(Agency.sector == kind, 1)], 0))
        )
        .group_by(label)
        .order_by(label)
        .tuples()
    )


def test_constants_are_written_into_the_statement_and_a_repeated_placeholder_is_one_parameter(
    postgresql_only, agencies
):
    counts = _labelled(Sector.POLICE).rows(name_after="B")
    assert counts == [("before", 1, 1), ("it's 100% after", 3, 1)]
    assert _labelled(Sector.POLICE).rows(name_after="Z") == [("before", 4, 2)]
    assert len(_ours("test_prepared_queries__labelled")) == 1


@prepared
def _sum_of(a, b):
    return Select(columns=[(a + b).alias("total")]).tuples()


def test_a_query_the_server_cannot_prepare_runs_as_it_is(postgresql_only, ctx):
    # `$1 + $2`: the server cannot tell what is added up, and refuses to prepare it.
    assert _sum_of().rows(a=2, b=3) == [(5,)]
    assert _sum_of().rows(a=4, b=3) == [(7,)]
    assert _ours("test_prepared_queries__sum_of") == []


def test_inside_a_transaction_a_query_not_yet_prepared_runs_as_it_is(postgresql_only, agencies):
    ids = [agency.id for agency in agencies]
    with db.database.atomic():  # a failed PREPARE here would spoil the transaction: none is tried
        assert names(_agencies(False).rows(sector=None, name_after="C", ids=ids[1:])) == [
            "Cedar police",
            "Damson housing",
        ]
        assert _ours("test_prepared_queries__agencies") == []
    assert names(_agencies(False).rows(sector=None, name_after="C", ids=ids[1:])) == [
        "Cedar police",
        "Damson housing",
    ]
    assert len(_ours("test_prepared_queries__agencies")) == 1
    with db.database.atomic():  # once prepared on the connection, it is run by name in a transaction too
        with count_queries() as counted:
            _agencies(False).rows(sector=None, name_after="C", ids=ids[1:])
        assert counted.get_queries()[0].msg[0].startswith("EXECUTE test_prepared_queries__agencies")


def test_preparing_on_the_server_can_be_turned_off(postgresql_only, app, agencies):
    from portal import create_app

    unprepared = create_app({**app.config, "DATABASE": None, "DATABASE_PREPARE_ON_SERVER": False})
    ids = [agency.id for agency in agencies]
    with unprepared.app_context():
        db.database.connect(reuse_if_open=True)
        with count_queries() as counted:
            assert names(_agencies(True).rows(sector=Sector.POLICE, name_after="", ids=ids[:3])) == [
                "Alder police",
                "Cedar police",
            ]
        assert counted.get_queries()[0].msg[0].startswith("SELECT")
        assert _ours("test_prepared_queries__agencies") == []
        db.database.close()


def test_a_statement_gone_from_the_server_is_prepared_again(postgresql_only, agencies):
    ids = [agency.id for agency in agencies]
    police = _agencies(True)
    assert names(police.rows(sector=Sector.POLICE, name_after="", ids=ids[:3])) == [
        "Alder police",
        "Cedar police",
    ]
    db.database.execute_sql("DEALLOCATE ALL")  # what a pooler's DISCARD ALL does behind the portal's back
    assert _ours("test_prepared_queries__agencies") == []
    assert names(police.rows(sector=Sector.POLICE, name_after="B", ids=ids[:3])) == ["Cedar police"]
    assert names(police.rows(sector=Sector.POLICE, name_after="", ids=ids[:3])) == [
        "Alder police",
        "Cedar police",
    ]
    assert len(_ours("test_prepared_queries__agencies")) == 1

    db.database.execute_sql("DEALLOCATE ALL")
    with pytest.raises(DatabaseError), db.database.atomic():  # in a transaction it cannot be saved
        police.rows(sector=Sector.POLICE, name_after="", ids=ids[:3])
