"""Publication: each removal check records whether it passed (a 404 or 410 for a document,
the list of published reviews without the review)."""

from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column("removal_check", "passed", BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("removal_check", "passed"))
