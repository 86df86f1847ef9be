"""The returns overview of all open reviews: index (is_open, next_return_due_on, reference).

The overview puts reviews with overdue returns first, then orders by next due date (no date
last), then reference. "Overdue" depends on today, so no index gives that order; the overview
reads a page as three ranges of this index instead (portal/trawls/queries.py overview()), so a
page reads about its own rows, not every open review.
"""

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_index("review", ("is_open", "next_return_due_on", "reference"), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("review", "review_is_open_next_return_due_on_reference"),
    )
