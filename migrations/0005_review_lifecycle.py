"""The review lifecycle: key dates and decisions on the review, stage transitions,
suspensions, Home Office returns, published documents and removal checks."""

from peewee import *


def up(migrator, db):
    class Agency(Model):
        class Meta:
            database = db
            table_name = "agency"

    class Review(Model):
        class Meta:
            database = db
            table_name = "review"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class HomeOfficeReturn(Model):
        review = ForeignKeyField(Review, on_delete="CASCADE")
        returned_on = DateField()
        feedback_summary = TextField()
        resubmitted_on = DateField(null=True)
        recorded_by = ForeignKeyField(User, on_delete="RESTRICT")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "home_office_return"

    db.create_tables([HomeOfficeReturn])

    class PublishedDocument(Model):
        review = ForeignKeyField(Review, on_delete="CASCADE")
        kind = CharField(max_length=32)
        stored_name = CharField(unique=True, max_length=64)
        original_name = CharField(max_length=120)
        size_bytes = IntegerField()
        sha256 = CharField(max_length=64)
        uploaded_at = DateTimeField()
        uploaded_by = ForeignKeyField(User, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "published_document"
            indexes = ((("review", "kind"), True),)

    db.create_tables([PublishedDocument])

    class RemovalCheck(Model):
        review = ForeignKeyField(Review, on_delete="CASCADE")
        url = CharField(max_length=200)
        status = IntegerField()
        checked_at = DateTimeField()

        class Meta:
            database = db
            table_name = "removal_check"

    db.create_tables([RemovalCheck])

    class StageTransition(Model):
        review = ForeignKeyField(Review, on_delete="CASCADE")
        from_stage = CharField(max_length=40)
        to_stage = CharField(max_length=40)
        occurred_at = DateTimeField(index=True)
        by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "stage_transition"

    db.create_tables([StageTransition])

    class Suspension(Model):
        review = ForeignKeyField(Review, on_delete="CASCADE")
        reason = CharField(max_length=32)
        note = TextField(default="")
        started_on = DateField()
        ended_on = DateField(null=True)
        started_by = ForeignKeyField(User, on_delete="RESTRICT")
        ended_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "suspension"

    db.create_tables([Suspension])

    migrator.migrate(migrator.add_column("review", "decision_outcome", CharField(null=True, max_length=32)))
    migrator.migrate(migrator.add_column("review", "decision_on", DateField(null=True)))
    migrator.migrate(migrator.add_column("review", "home_office_told_on", DateField(null=True)))
    migrator.migrate(migrator.add_column("review", "chair_appointed_on", DateField(null=True)))
    migrator.migrate(migrator.add_column("review", "tor_agreed_on", DateField(null=True)))
    migrator.migrate(migrator.add_column("review", "report_submitted_on", DateField(null=True)))
    migrator.migrate(migrator.add_column("review", "cleared_on", DateField(null=True)))
    migrator.migrate(migrator.add_column("review", "commissioner_copy_on", DateField(null=True)))
    migrator.migrate(migrator.add_column("review", "suspended_since", DateField(null=True)))
    migrator.migrate(migrator.add_column("review", "publication_planned_on", DateField(null=True)))
    migrator.migrate(
        migrator.add_column(
            "review",
            "lead_press_office_id",
            ForeignKeyField(Agency, field=Agency.id, null=True, on_delete="RESTRICT"),
        )
    )
    migrator.migrate(migrator.add_column("review", "published_on", DateField(index=True, null=True)))
    migrator.migrate(migrator.add_column("review", "removal_due_on", DateField(index=True, null=True)))
    migrator.migrate(migrator.add_column("review", "removed_on", DateField(null=True)))
    migrator.migrate(migrator.add_column("review", "held_until", DateField(null=True)))
    migrator.migrate(migrator.add_column("review", "hold_reason", TextField(default="")))
    migrator.migrate(migrator.add_column("review", "report_available_at", TextField(default="")))
    migrator.migrate(migrator.add_index("review", ("stage",)))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("review", "review_stage"))
    migrator.migrate(migrator.drop_index("review", "review_removal_due_on"))
    migrator.migrate(migrator.drop_index("review", "review_published_on"))
    migrator.migrate(migrator.drop_index("review", "review_lead_press_office_id"))
    migrator.migrate(migrator.drop_column("review", "report_available_at"))
    migrator.migrate(migrator.drop_column("review", "hold_reason"))
    migrator.migrate(migrator.drop_column("review", "held_until"))
    migrator.migrate(migrator.drop_column("review", "removed_on"))
    migrator.migrate(migrator.drop_column("review", "removal_due_on"))
    migrator.migrate(migrator.drop_column("review", "published_on"))
    migrator.migrate(migrator.drop_column("review", "lead_press_office_id"))
    migrator.migrate(migrator.drop_column("review", "publication_planned_on"))
    migrator.migrate(migrator.drop_column("review", "suspended_since"))
    migrator.migrate(migrator.drop_column("review", "commissioner_copy_on"))
    migrator.migrate(migrator.drop_column("review", "cleared_on"))
    migrator.migrate(migrator.drop_column("review", "report_submitted_on"))
    migrator.migrate(migrator.drop_column("review", "tor_agreed_on"))
    migrator.migrate(migrator.drop_column("review", "chair_appointed_on"))
    migrator.migrate(migrator.drop_column("review", "home_office_told_on"))
    migrator.migrate(migrator.drop_column("review", "decision_on"))
    migrator.migrate(migrator.drop_column("review", "decision_outcome"))
    migrator.migrate(migrator.drop_table("suspension"))
    migrator.migrate(migrator.drop_table("stage_transition"))
    migrator.migrate(migrator.drop_table("removal_check"))
    migrator.migrate(migrator.drop_table("published_document"))
    migrator.migrate(migrator.drop_table("home_office_return"))
