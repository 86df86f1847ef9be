"""Trawl reminders: one row per request, due date and stage, unique, so a reminder is sent at most once."""

from peewee import *


def up(migrator, db):
    class TrawlRequest(Model):
        class Meta:
            database = db
            table_name = "trawl_request"

    class TrawlReminder(Model):
        request = ForeignKeyField(TrawlRequest, on_delete="CASCADE")
        due_date = DateField()
        stage = CharField(max_length=32)
        sent_on = DateField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "trawl_reminder"
            indexes = ((("request", "due_date", "stage"), True),)

    db.create_tables([TrawlReminder])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("trawl_reminder"))
