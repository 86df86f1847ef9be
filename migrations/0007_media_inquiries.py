"""Media inquiries: the inquiries, who was told, their history, deadline reminders (one per
inquiry and deadline), reviews' panel chair contacts, and the routing rules with the defaults
the local procedures describe."""

import datetime

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

    class MediaInquiry(Model):
        version = IntegerField(default=1)
        received_at = DateTimeField(index=True)
        received_by_agency = ForeignKeyField(Agency, null=True, on_delete="RESTRICT")
        received_by_name = CharField(max_length=120)
        outlet = CharField(max_length=160)
        journalist_name = CharField(max_length=120)
        journalist_email = CharField(max_length=254, default="")
        journalist_phone = CharField(max_length=40, default="")
        question = TextField()
        deadline_at = DateTimeField(index=True)
        review = ForeignKeyField(Review, null=True, on_delete="RESTRICT")
        topic = CharField(max_length=32)
        logged_by = ForeignKeyField(User, on_delete="RESTRICT")
        logged_by_agency = ForeignKeyField(Agency, null=True, on_delete="RESTRICT")
        created_at = DateTimeField()
        status = CharField(index=True, max_length=32, default="received")
        owner = ForeignKeyField(User, null=True, on_delete="SET NULL")
        routed_at = DateTimeField(null=True)
        draft_response = TextField(default="")
        drafted_at = DateTimeField(null=True)
        drafted_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        approved_at = DateTimeField(null=True)
        approved_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        approval_note = TextField(default="")
        sent_response = TextField(default="")
        responded_at = DateTimeField(null=True)
        responded_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        closed_at = DateTimeField(null=True)
        closed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        close_reason = TextField(default="")

        class Meta:
            database = db
            table_name = "media_inquiry"
            indexes = ((("status", "deadline_at"), False),)

    db.create_tables([MediaInquiry])

    class DeadlineReminder(Model):
        inquiry = ForeignKeyField(MediaInquiry, on_delete="CASCADE")
        deadline_at = DateTimeField()
        recipient = CharField(max_length=254)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "media_deadline_reminder"
            indexes = ((("inquiry", "deadline_at"), True),)

    db.create_tables([DeadlineReminder])

    class InquiryEvent(Model):
        inquiry = ForeignKeyField(MediaInquiry, on_delete="CASCADE")
        occurred_at = DateTimeField()
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        from_status = CharField(null=True, max_length=32)
        to_status = CharField(max_length=32)
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "media_inquiry_event"

    db.create_tables([InquiryEvent])

    class InquiryRecipient(Model):
        inquiry = ForeignKeyField(MediaInquiry, on_delete="CASCADE")
        kind = CharField(max_length=32)
        email = CharField(max_length=254)
        name = CharField(max_length=160, default="")
        user = ForeignKeyField(User, null=True, on_delete="SET NULL")
        notified_at = DateTimeField()

        class Meta:
            database = db
            table_name = "media_inquiry_recipient"
            indexes = ((("inquiry", "email"), True),)

    db.create_tables([InquiryRecipient])

    class ReviewMediaContact(Model):
        version = IntegerField(default=1)
        review = ForeignKeyField(Review, unique=True, on_delete="CASCADE")
        panel_chair_name = CharField(max_length=120, default="")
        panel_chair_email = CharField(max_length=254, default="")
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "review_media_contact"

    db.create_tables([ReviewMediaContact])

    class RoutingRule(Model):
        version = IntegerField(default=1)
        topic = CharField(unique=True, max_length=32)
        recipients = JSONField(default=list)
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "media_routing_rule"

    db.create_tables([RoutingRule])

    # The defaults from the local procedures; admins change them at /admin/media-routing.
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    defaults = (
        ("review_in_progress", ["review_officer", "panel_chair"]),
        ("review_process", ["business_office", "csp_team_manager"]),
        ("published_report", ["business_office", "csp_team_manager"]),
        ("no_identifiable_review", ["media_contact"]),
    )
    RoutingRule.insert_many(
        [
            {"version": 1, "topic": topic, "recipients": recipients, "updated_at": now}
            for topic, recipients in defaults
        ]
    ).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_table("media_routing_rule"))
    migrator.migrate(migrator.drop_table("review_media_contact"))
    migrator.migrate(migrator.drop_table("media_inquiry_recipient"))
    migrator.migrate(migrator.drop_table("media_inquiry_event"))
    migrator.migrate(migrator.drop_table("media_deadline_reminder"))
    migrator.migrate(migrator.drop_table("media_inquiry"))
