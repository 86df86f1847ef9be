"""The public list of published reports: index (stage, removed_on, published_on, reference).

The list is the reviews on the website (published, not removed), newest publication first. With
only the stage index, SQLite read every published review and sorted them for each page, and
counting them read each one's row: the page grew with the number of reports ever published. With
this index a page is read in order and the count from the index alone.
"""

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_index("review", ("stage", "removed_on", "published_on", "reference"), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("review", "review_stage_removed_on_published_on_reference"),
    )
