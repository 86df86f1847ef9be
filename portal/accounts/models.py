from __future__ import annotations

from enum import StrEnum

from peewee import BigIntegerField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField
from playhouse.fields import EnumField

from portal.clock import utcnow
from portal.database import BaseModel, VersionedModel
from portal.organisations.models import Agency, Partnership


class Role(StrEnum):
    ADMIN = "admin"
    REVIEW_OFFICER = "review_officer"
    AGENCY_LEAD = "agency_lead"
    CSP_TEAM = "csp_team"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.REVIEW_OFFICER: "Review officer",
    Role.AGENCY_LEAD: "Agency safeguarding lead",
    Role.CSP_TEAM: "Community safety partnership team",
}


class User(VersionedModel):
    # Stored lower-cased, so the unique index is case-insensitive on every engine.
    email = CharField(max_length=254, unique=True)
    full_name = CharField(max_length=120)
    role = EnumField(Role, max_length=32)
    agency = ForeignKeyField(Agency, null=True, backref="leads", on_delete="RESTRICT")
    partnership = ForeignKeyField(Partnership, null=True, backref="members", on_delete="RESTRICT")
    password_hash = CharField(max_length=255, null=True)
    active = BooleanField(default=True)
    failed_login_count = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    last_signed_in_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    # Two-factor sign-in (accounts/two_factor.py). The secret is encrypted with a key
    # derived from SECRET_KEY; the last accepted time step makes every code single-use.
    totp_secret = CharField(max_length=255, null=True)
    totp_enrolled_at = DateTimeField(null=True)
    totp_last_step = BigIntegerField(null=True)

    # Flask-Login: the id kept in the cookie is the session key, not the user id,
    # so ending a session on the server makes a copied cookie worthless.
    session_key: str | None = None
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_key

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enrolled_at is not None and bool(self.totp_secret)

    def __str__(self) -> str:
        return self.full_name


class UserSession(BaseModel):
    """One signed-in browser. The cookie holds the key; we keep only its hash."""

    key_hash = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)
    ended_at = DateTimeField(null=True)
    end_reason = CharField(max_length=32, null=True)
    client_address = CharField(max_length=64, null=True)


class SetPasswordToken(BaseModel):
    """A single-use, expiring link that lets someone choose a password."""

    token_hash = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="set_password_tokens", on_delete="CASCADE")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)


class RecoveryCode(BaseModel):
    """A single-use code for signing in without the authenticator app; only its hash is kept."""

    user = ForeignKeyField(User, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow)
    used_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "code_hash"), True),)


class SignInAttempt(BaseModel):
    """One guess (a password or a code) at an account, kept while it counts for the throttle.

    Keyed by a hash of the typed email address, so unknown addresses are throttled
    exactly like real ones and no typed address is stored.
    """

    account_key = CharField(max_length=64)
    attempted_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("account_key", "attempted_at"), False),)
