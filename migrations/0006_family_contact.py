"""The family-contact log: family members and key contacts, contact entries and who each was with,
every entry's earlier versions, and one row per reminder (so each is sent once).

Datetime defaults (utcnow) are applied by the application, not the database.
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

    class FamilyContactEntry(Model):
        version = IntegerField(default=1)
        review = ForeignKeyField(Review, on_delete="RESTRICT")
        contacted_at = DateTimeField()
        made_by = CharField(max_length=120)
        contact_made = BooleanField(default=True)
        route = CharField(max_length=32)
        method = CharField(max_length=32)
        purpose = CharField(max_length=32)
        summary = TextField()
        outcome = TextField(default="")
        next_contact_due = DateField(index=True, null=True)
        recorded_at = DateTimeField()
        recorded_by = ForeignKeyField(User, on_delete="RESTRICT")
        entered_in_error = BooleanField(default=False)
        error_reason = TextField(default="")
        error_marked_at = DateTimeField(null=True)
        error_marked_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "family_contact_entry"
            indexes = ((("review", "contacted_at"), False),)

    db.create_tables([FamilyContactEntry])

    class FamilyMember(Model):
        version = IntegerField(default=1)
        review = ForeignKeyField(Review, on_delete="RESTRICT")
        referred_to_as = CharField(max_length=120)
        initials = CharField(max_length=12)
        relationship = CharField(max_length=120)
        participation = CharField(max_length=32, default="not_contacted")
        preferred_route = CharField(max_length=32)
        route_details = CharField(max_length=200, default="")
        language = CharField(max_length=80, default="")
        interpreter_needed = BooleanField(default=False)
        safety_concern = BooleanField(default=False)
        safety_note = TextField(default="")
        notes = TextField(default="")
        created_at = DateTimeField()
        created_by = ForeignKeyField(User, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "family_member"

    db.create_tables([FamilyMember])

    class FamilyContactEntryMember(Model):
        entry = ForeignKeyField(FamilyContactEntry, on_delete="CASCADE")
        member = ForeignKeyField(FamilyMember, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "family_contact_entry_member"
            indexes = ((("entry", "member"), True),)

    db.create_tables([FamilyContactEntryMember])

    class FamilyContactEntryVersion(Model):
        entry = ForeignKeyField(FamilyContactEntry, on_delete="CASCADE")
        version = IntegerField()
        values = JSONField()
        changed = JSONField(default=list)
        changed_at = DateTimeField()
        changed_by = ForeignKeyField(User, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "family_contact_entry_version"
            indexes = ((("entry", "version"), True),)

    db.create_tables([FamilyContactEntryVersion])

    class FamilyContactReminder(Model):
        entry = ForeignKeyField(FamilyContactEntry, on_delete="CASCADE")
        due_date = DateField()
        sent_on = DateField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "family_contact_reminder"
            indexes = ((("entry", "due_date"), True),)

    db.create_tables([FamilyContactReminder])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("family_contact_reminder"))
    migrator.migrate(migrator.drop_table("family_contact_entry_version"))
    migrator.migrate(migrator.drop_table("family_contact_entry_member"))
    migrator.migrate(migrator.drop_table("family_member"))
    migrator.migrate(migrator.drop_table("family_contact_entry"))
