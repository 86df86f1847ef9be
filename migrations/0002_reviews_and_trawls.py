"""Reviews and their subjects, trawls, trawl requests, returns, extensions and added bank holidays.

Datetime defaults (utcnow) are applied by the application, not the database.
"""

from peewee import *


def up(migrator, db):
    class Agency(Model):
        class Meta:
            database = db
            table_name = "agency"

    class Partnership(Model):
        class Meta:
            database = db
            table_name = "partnership"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class BankHoliday(Model):
        date = DateField(unique=True)
        name = CharField(max_length=120)
        added_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        added_at = DateTimeField()

        class Meta:
            database = db
            table_name = "bank_holiday"

    db.create_tables([BankHoliday])

    class Review(Model):
        version = IntegerField(default=1)
        reference = CharField(unique=True, max_length=32)
        kind = CharField(max_length=32)
        partnership = ForeignKeyField(Partnership, on_delete="RESTRICT")
        review_officer = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        title = CharField(max_length=80)
        date_of_death = DateField(null=True)
        date_notified = DateField()
        stage = CharField(max_length=40, default="notified")
        is_open = BooleanField(index=True, default=True)
        created_at = DateTimeField()
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "review"

    db.create_tables([Review])

    class Trawl(Model):
        review = ForeignKeyField(Review, on_delete="CASCADE")
        number = IntegerField()
        purpose = CharField(max_length=32)
        issued_at = DateTimeField()
        issued_on = DateField()
        issued_by = ForeignKeyField(User, on_delete="RESTRICT")
        working_days = IntegerField(default=10)
        instructions = TextField(default="")
        subjects_snapshot = JSONField(default=list)

        class Meta:
            database = db
            table_name = "trawl"
            indexes = ((("review", "number"), True),)

    db.create_tables([Trawl])

    class TrawlRequest(Model):
        version = IntegerField(default=1)
        trawl = ForeignKeyField(Trawl, on_delete="CASCADE")
        review = ForeignKeyField(Review, on_delete="CASCADE")
        agency = ForeignKeyField(Agency, on_delete="RESTRICT")
        status = CharField(max_length=32, default="awaiting")
        due_date = DateField()
        due_basis = CharField(max_length=32, default="working_days")
        answered_at = DateTimeField(null=True)
        answered_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        accepted_at = DateTimeField(null=True)
        accepted_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        last_chased_at = DateTimeField(null=True)
        last_chased_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        last_reminder_at = DateTimeField(null=True)
        last_reminder_stage = CharField(null=True, max_length=32)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "trawl_request"
            indexes = (
                (("trawl", "agency"), True),
                (("agency", "status", "due_date"), False),
                (("review", "status"), False),
                (("status", "due_date"), False),
            )

    db.create_tables([TrawlRequest])

    class ExtensionRequest(Model):
        request = ForeignKeyField(TrawlRequest, on_delete="CASCADE")
        reason = TextField()
        proposed_date = DateField()
        requested_at = DateTimeField()
        requested_by = ForeignKeyField(User, on_delete="RESTRICT")
        decision = CharField(null=True, max_length=16)
        decided_at = DateTimeField(null=True)
        decided_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        decision_note = TextField(default="")
        granted_date = DateField(null=True)

        class Meta:
            database = db
            table_name = "extension_request"

    db.create_tables([ExtensionRequest])

    class Subject(Model):
        version = IntegerField(default=1)
        review = ForeignKeyField(Review, on_delete="CASCADE")
        role = CharField(max_length=32)
        full_name = CharField(max_length=120)
        aliases = TextField(default="")
        date_of_birth = DateField(null=True)
        address_at_time = TextField(default="")
        previous_addresses = TextField(default="")
        relationship_to_deceased = CharField(max_length=120, default="")
        scope_from = DateField(null=True)
        scope_to = DateField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "subject"

    db.create_tables([Subject])

    class TrawlReturn(Model):
        request = ForeignKeyField(TrawlRequest, on_delete="CASCADE")
        number = IntegerField()
        kind = CharField(max_length=32)
        submitted_at = DateTimeField()
        submitted_by = ForeignKeyField(User, on_delete="RESTRICT")
        recorded_on_behalf = BooleanField(default=False)
        received_by = CharField(null=True, max_length=16)
        searched_names = BooleanField(default=False)
        searched_alternative_spellings = BooleanField(default=False)
        searched_dates_of_birth = BooleanField(default=False)
        searched_paper_records = BooleanField(default=False)
        searched_electronic_records = BooleanField(default=False)
        summary = TextField(default="")
        contact_from = DateField(null=True)
        contact_to = DateField(null=True)
        contact_outside_scope = BooleanField(default=False)
        contact_outside_scope_note = TextField(default="")
        records_secured = BooleanField(default=False)
        personal_interest = BooleanField(default=False)
        personal_interest_note = TextField(default="")

        class Meta:
            database = db
            table_name = "trawl_return"
            indexes = ((("request", "number"), True),)

    db.create_tables([TrawlReturn])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("trawl_return"))
    migrator.migrate(migrator.drop_table("subject"))
    migrator.migrate(migrator.drop_table("extension_request"))
    migrator.migrate(migrator.drop_table("trawl_request"))
    migrator.migrate(migrator.drop_table("trawl"))
    migrator.migrate(migrator.drop_table("review"))
    migrator.migrate(migrator.drop_table("bank_holiday"))
