"""Partnerships, agencies, users, sessions, set-password links and the append-only audit log."""

from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Partnership(Base):
        version = IntegerField(default=1)
        name = CharField(max_length=120, unique=True)
        active = BooleanField(default=True)
        created_at = DateTimeField()

    class Agency(Base):
        version = IntegerField(default=1)
        name = CharField(max_length=160, unique=True)
        sector = CharField(max_length=32, index=True)
        contact_email = CharField(max_length=254)
        active = BooleanField(default=True, index=True)
        created_at = DateTimeField()

    class User(Base):
        version = IntegerField(default=1)
        email = CharField(max_length=254, unique=True)
        full_name = CharField(max_length=120)
        role = CharField(max_length=32)
        agency = ForeignKeyField(Agency, null=True, on_delete="RESTRICT")
        partnership = ForeignKeyField(Partnership, null=True, on_delete="RESTRICT")
        password_hash = CharField(max_length=255, null=True)
        active = BooleanField(default=True)
        failed_login_count = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        last_signed_in_at = DateTimeField(null=True)
        created_at = DateTimeField()

    class UserSession(Base):
        key_hash = CharField(max_length=64, unique=True)
        user = ForeignKeyField(User, on_delete="CASCADE")
        created_at = DateTimeField()
        last_seen_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        end_reason = CharField(max_length=32, null=True)
        client_address = CharField(max_length=64, null=True)

    class SetPasswordToken(Base):
        token_hash = CharField(max_length=64, unique=True)
        user = ForeignKeyField(User, on_delete="CASCADE")
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)

    class AuditEvent(Base):
        id = BigAutoField()
        occurred_at = DateTimeField(index=True)
        actor = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        action = CharField(max_length=64, index=True)
        object_type = CharField(max_length=64, null=True)
        object_id = CharField(max_length=64, null=True)
        client_address = CharField(max_length=64, null=True)
        detail = JSONField(default=dict)

        class Meta:
            indexes = ((("object_type", "object_id"), False),)

    db.create_tables([Partnership, Agency, User, UserSession, SetPasswordToken, AuditEvent])
    make_append_only(db, "audit_event")


def make_append_only(db, table):
    """Refuse UPDATE and DELETE on a table, in the database itself."""
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql"
        )
        db.execute_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
