"""The email outbox, the log of scheduled job runs, and SQLite's job locks."""

from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class OutboxMessage(Base):
        id = BigAutoField()
        message_id = CharField(max_length=255, unique=True)
        dedupe_key = CharField(max_length=200, null=True, unique=True)
        recipient = CharField(max_length=254)
        subject = CharField(max_length=200)
        template = CharField(max_length=64)
        text_body = TextField()
        html_body = TextField()
        status = CharField(max_length=16, default="queued")
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField()
        last_error = CharField(max_length=500, null=True)
        created_at = DateTimeField()
        claimed_at = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("status", "next_attempt_at"), False),)

    class JobRun(Base):
        id = BigAutoField()
        job = CharField(max_length=64)
        started_at = DateTimeField()
        finished_at = DateTimeField(null=True)
        status = CharField(max_length=16, default="running")
        summary = JSONField(default=dict)
        error = TextField(null=True)
        runner = CharField(max_length=120)
        trigger = CharField(max_length=16)

        class Meta:
            indexes = ((("job", "started_at"), False),)

    class JobLock(Base):
        name = CharField(max_length=64, primary_key=True)
        holder = CharField(max_length=64, null=True)
        locked_until = DateTimeField(null=True)

    db.create_tables([OutboxMessage, JobRun, JobLock])


def down(migrator, db):
    for table in ("job_lock", "job_run", "outbox_message"):
        db.execute_sql(f"DROP TABLE IF EXISTS {table}")
