"""The returns overview's sort keys, stored on each review: the earliest due date of its open
trawl requests and of those awaiting a return (overdue when before today), filled from the
requests already there. No index: the order's first key depends on today (see the model)."""

from peewee import *

# Open: awaiting a return or a decision on more time (RequestStatus at the time of writing).
BACKFILL = """
UPDATE review SET
    next_return_due_on = (
        SELECT MIN(due_date) FROM trawl_request
        WHERE trawl_request.review_id = review.id AND status IN ('awaiting', 'extension_requested')
    ),
    earliest_awaiting_due_on = (
        SELECT MIN(due_date) FROM trawl_request
        WHERE trawl_request.review_id = review.id AND status = 'awaiting'
    )
"""


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("review", "next_return_due_on", DateField(null=True)),
        migrator.add_column("review", "earliest_awaiting_due_on", DateField(null=True)),
    )
    db.execute_sql(BACKFILL)


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("review", "earliest_awaiting_due_on"),
        migrator.drop_column("review", "next_return_due_on"),
    )
