"""Two-factor sign-in (the user's encrypted TOTP secret, its last accepted time step and
single-use recovery codes) and the database-backed sign-in throttle.

Datetime defaults (utcnow) are applied by the application, not the database.
"""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class RecoveryCode(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        code_hash = CharField(max_length=64)
        created_at = DateTimeField()
        used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "recovery_code"
            indexes = ((("user", "code_hash"), True),)

    db.create_tables([RecoveryCode])

    class SignInAttempt(Model):
        account_key = CharField(max_length=64)
        attempted_at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "sign_in_attempt"
            indexes = ((("account_key", "attempted_at"), False),)

    db.create_tables([SignInAttempt])

    migrator.migrate(migrator.add_column("user", "totp_secret", CharField(null=True, max_length=255)))
    migrator.migrate(migrator.add_column("user", "totp_enrolled_at", DateTimeField(null=True)))
    migrator.migrate(migrator.add_column("user", "totp_last_step", BigIntegerField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("user", "totp_last_step"))
    migrator.migrate(migrator.drop_column("user", "totp_enrolled_at"))
    migrator.migrate(migrator.drop_column("user", "totp_secret"))
    migrator.migrate(migrator.drop_table("sign_in_attempt"))
    migrator.migrate(migrator.drop_table("recovery_code"))
