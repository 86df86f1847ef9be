"""The open inquiries list reads the partial index of open deadlines (migration 0014) on both
engines: its SQL names the open statuses as the index does, never as parameters."""

from portal.extensions import db
from portal.media_inquiries import queries
from portal.media_inquiries.models import OPEN_STATUSES_SQL, InquiryStatus, MediaInquiry
from tests.media_inquiries.builders import log, make_world


def _plan(sql: str, params: list, engine: str) -> str:
    if engine == "sqlite":
        db.database.execute_sql("ANALYZE")  # as a database in use would have: SQLite plans by them
        rows = db.database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        return " ".join(str(row[-1]) for row in rows)
    with db.database.atomic() as transaction:
        db.database.execute_sql("SET LOCAL enable_seqscan = off")  # a test's table is tiny
        rows = db.database.execute_sql(f"EXPLAIN {sql}", params).fetchall()
        transaction.rollback()
    return " ".join(row[0] for row in rows)


def test_the_open_list_says_the_open_statuses_as_the_partial_index_does_and_reads_it(app, engine):
    world = make_world(app)
    for _ in range(3):
        log(app, world.lead, world.review)
    # Most inquiries ever logged are closed: copies of one, closed, so the open ones are a few.
    closed = {**MediaInquiry.select().first().__data__, "status": InquiryStatus.CLOSED}
    del closed["id"]
    MediaInquiry.insert_many([closed] * 400).execute()
    with app.test_request_context():
        sql, params = queries.list_inquiries(world.officer).limit(25).sql()
    assert f"IN ({OPEN_STATUSES_SQL})" in sql
    assert not set(params) & {"approved", "received", "response_drafted", "routed"}
    assert "mediainquiry_open_deadline_at" in _plan(sql, params, engine)
