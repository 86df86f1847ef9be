"""Retention: legal holds that keep a review's records from the retention job.

`active_for` is the review while the hold stands and NULL once lifted; its unique
index allows one standing hold per review.
"""

from peewee import *


def up(migrator, db):
    class Review(Model):
        class Meta:
            database = db
            table_name = "review"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class LegalHold(Model):
        version = IntegerField(default=1)
        review = ForeignKeyField(Review, on_delete="RESTRICT")
        active_for = ForeignKeyField(Review, null=True, unique=True, backref="+", on_delete="RESTRICT")
        reason = CharField(max_length=32)
        reference = CharField(max_length=120, default="")
        note = TextField(default="")
        set_by = ForeignKeyField(User, on_delete="RESTRICT")
        set_at = DateTimeField()
        lifted_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
        lifted_at = DateTimeField(null=True)
        lift_reason = TextField(default="")

        class Meta:
            database = db
            table_name = "legal_hold"

    db.create_tables([LegalHold])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("legal_hold"))
