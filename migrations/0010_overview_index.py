"""The returns overview sorts reviews by their open requests' due dates: index (review, status, due_date).

It replaces (review, status), which it covers.
"""

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.drop_index("trawl_request", "trawlrequest_review_id_status"),
        migrator.add_index("trawl_request", ("review_id", "status", "due_date"), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("trawl_request", "trawlrequest_review_id_status_due_date"),
        migrator.add_index("trawl_request", ("review_id", "status"), False),
    )
