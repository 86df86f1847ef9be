"""The public list of published reports: index (stage, published_on DESC, reference, removed_on).

The list is the reviews on the website (published, not removed), newest publication first. With
only the stage index, each page read every published review and sorted them, and counting the list
read each one's row: the page grew with the number of reports ever published. In this index's order
a page reads its own rows, and with removed_on in it the list is counted from the index alone.
"""

from peewee import *


def up(migrator, db):
    db.execute_sql(
        "CREATE INDEX review_on_website_newest_first "
        "ON review (stage, published_on DESC, reference, removed_on)"
    )


def down(migrator, db):
    db.execute_sql("DROP INDEX review_on_website_newest_first")
