"""Rules for signing in, sessions, set-password links and managing accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app

from portal.accounts import throttle
from portal.accounts.models import Role, SetPasswordToken, User, UserSession
from portal.accounts.passwords import hash_password, password_problem, verify_password
from portal.audit.service import record
from portal.clock import utcnow
from portal.database import changed_fields
from portal.extensions import db
from portal.prepared_queries import prepared

# last_seen_at is written at most this often, so reading pages is not a write each time.
LAST_SEEN_RESOLUTION = dt.timedelta(seconds=60)


class AccountRuleError(ValueError):
    """A change that the account rules do not allow; the message is for the user."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Signing in --------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The user if the email and password are right and the account may sign in.

    This is only the first step: the person is not signed in until the second
    factor (accounts/two_factor.py) is checked too, and complete_sign_in() runs.

    Unknown, inactive, locked and throttled accounts cost the same password check
    and get the same answer as a wrong password, so the answer says nothing about
    whether an account exists.
    """
    now = utcnow()
    address = normalise_email(email)
    guess = throttle.claim_guess(address)
    user = User.get_or_none(User.email == address)
    password_ok = verify_password(user.password_hash if user else None, password)
    if guess is None:
        reason = "throttled"
    elif user is None:
        reason = "unknown_account"
    elif not user.active:
        reason = "inactive"
    elif is_locked(user, now):
        reason = "locked"
    elif not password_ok:
        reason = "bad_password"
    else:
        throttle.forget_guess(guess)
        return user
    count_failure(user, now, reason=reason)
    return None


def is_locked(user: User, now: dt.datetime | None = None) -> bool:
    return bool(user.locked_until and user.locked_until > (now or utcnow()))


# Only these count toward the lock-out; the others are refused before any check counts.
COUNTED_FAILURES = frozenset({"bad_password", "wrong_code", "reused_code"})


def count_failure(
    user: User | None, now: dt.datetime, event: str = "sign_in_failed", reason: str = "bad_password"
) -> None:
    """Record a refusal; LOCKOUT_ATTEMPTS wrong passwords or codes in a row lock the account.

    Every refusal runs the same statements, whatever its reason (for an unknown
    account or one that is not counted they match no row), so the time an answer
    takes does not tell an existing account from an unknown one.
    """
    attempts = current_app.config["LOCKOUT_ATTEMPTS"]
    minutes = current_app.config["LOCKOUT_MINUTES"]
    target = user.id if user is not None and reason in COUNTED_FAILURES else 0  # 0: no such row
    with db.database.atomic():
        # Counted in SQL so two workers' failures both count.
        User.update(failed_login_count=User.failed_login_count + 1).where(User.id == target).execute()
        count = User.select(User.failed_login_count).where(User.id == target).scalar() or 0
        User.update(failed_login_count=0, locked_until=now + dt.timedelta(minutes=minutes)).where(
            User.id == target, User.failed_login_count >= attempts
        ).execute()
        record(event, obj=user, reason="locked_now" if count >= attempts else reason)


def complete_sign_in(user: User, client_address: str | None) -> str:
    """Both factors are right: clear the lock-out count and start a new server-side session."""
    with db.database.atomic():
        User.update(failed_login_count=0, locked_until=None, last_signed_in_at=utcnow()).where(
            User.id == user.id
        ).execute()
        return start_session(user, client_address)


# Sessions ----------------------------------------------------------------------------


def start_session(user: User, client_address: str | None) -> str:
    key = secrets.token_urlsafe(32)
    UserSession.create(key_hash=_digest(key), user=user, client_address=client_address)
    record("sign_in", actor=user, obj=user)
    user.session_key = key
    return key


@prepared
def _open_session(key_hash):
    """Run on every signed-in request, so prepared (portal/prepared_queries.py)."""
    return (
        UserSession.select(UserSession, User)
        .join(User)
        .where(UserSession.key_hash == key_hash, UserSession.ended_at.is_null())
        .limit(1)
    )


def load_session(key: str) -> User | None:
    """The signed-in user for a session key, or None if the session has ended."""
    if not key:
        return None
    row = _open_session().first(key_hash=_digest(key))
    if row is None:
        return None
    now = utcnow()
    config = current_app.config
    idle = dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    lifetime = dt.timedelta(hours=config["SESSION_MAX_HOURS"])
    user = row.user
    if not user.active:
        _end(row, "deactivated")
        return None
    if now - row.last_seen_at > idle:
        _end(row, "idle_timeout")
        return None
    if now - row.created_at > lifetime:
        _end(row, "absolute_timeout")
        return None
    if now - row.last_seen_at > LAST_SEEN_RESOLUTION:
        UserSession.update(last_seen_at=now).where(UserSession.id == row.id).execute()
    user.session_key = key
    return user


def _end(row: UserSession, reason: str) -> None:
    UserSession.update(ended_at=utcnow(), end_reason=reason).where(
        UserSession.id == row.id, UserSession.ended_at.is_null()
    ).execute()
    record("session_ended", actor=row.user, obj=row.user, reason=reason)


def end_session(key: str, user: User) -> None:
    UserSession.update(ended_at=utcnow(), end_reason="signed_out").where(
        UserSession.key_hash == _digest(key), UserSession.ended_at.is_null()
    ).execute()
    record("sign_out", actor=user, obj=user)


def end_all_sessions(user: User, reason: str) -> int:
    return (
        UserSession.update(ended_at=utcnow(), end_reason=reason)
        .where(UserSession.user == user, UserSession.ended_at.is_null())
        .execute()
    )


# Set-password links -------------------------------------------------------------------


def create_set_password_token(user: User, created_by: User | None) -> str:
    """A new single-use link token; any earlier unused link for the user stops working."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    hours = current_app.config["SET_PASSWORD_LINK_HOURS"]
    with db.database.atomic():
        SetPasswordToken.update(used_at=now).where(
            SetPasswordToken.user == user, SetPasswordToken.used_at.is_null()
        ).execute()
        link = SetPasswordToken.create(
            token_hash=_digest(token),
            user=user,
            created_by=created_by,
            expires_at=now + dt.timedelta(hours=hours),
        )
        record(
            "set_password_link_created",
            actor=created_by,
            obj=user,
            expires_at=link.expires_at.isoformat(timespec="minutes"),
        )
    return token


def find_set_password_token(token: str) -> SetPasswordToken | None:
    """The link's record if it is unused, unexpired and for an active account."""
    if not token or len(token) > 128:
        return None
    link = (
        SetPasswordToken.select(SetPasswordToken, User)
        .join(User, on=(SetPasswordToken.user == User.id))
        .where(SetPasswordToken.token_hash == _digest(token))
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow() or not link.user.active:
        return None
    return link


def set_password_with_token(token: str, password: str) -> User:
    link = find_set_password_token(token)
    if link is None:
        raise AccountRuleError("password", "This link has expired or has already been used")
    user = link.user
    problem = password_problem(password, user.email)
    if problem:
        raise AccountRuleError("password", problem)
    now = utcnow()
    with db.database.atomic():
        # The used_at condition makes the link single-use even if two requests race.
        claimed = (
            SetPasswordToken.update(used_at=now)
            .where(SetPasswordToken.id == link.id, SetPasswordToken.used_at.is_null())
            .execute()
        )
        if claimed != 1:
            raise AccountRuleError("password", "This link has expired or has already been used")
        User.update(password_hash=hash_password(password), failed_login_count=0, locked_until=None).where(
            User.id == user.id
        ).execute()
        end_all_sessions(user, "password_changed")
        record("password_set", actor=user, obj=user)
    return user


# Managing accounts (admins) -----------------------------------------------------------

USER_FIELDS = ("email", "full_name", "role", "agency", "partnership")


def _check_user_rules(values: dict, user_id: int | None = None) -> dict:
    values = dict(values)
    values["email"] = normalise_email(values["email"])
    role = Role(values["role"])
    if role is Role.AGENCY_LEAD:
        if not values.get("agency"):
            raise AccountRuleError("agency", "Select the agency this lead answers for")
    else:
        values["agency"] = None
    if role is Role.CSP_TEAM:
        if not values.get("partnership"):
            raise AccountRuleError("partnership", "Select the partnership this person works for")
    else:
        values["partnership"] = None
    clash = User.select(User.id).where(User.email == values["email"])
    if user_id is not None:
        clash = clash.where(User.id != user_id)
    if clash.exists():
        raise AccountRuleError("email", "An account with this email address already exists")
    return values


def create_user(values: dict, created_by: User) -> tuple[User, str]:
    """A new account with no password, and the token for its set-password link."""
    values = _check_user_rules(values)
    with db.database.atomic():
        user = User.create(**{field: values[field] for field in USER_FIELDS})
        record("user_created", actor=created_by, obj=user, role=str(user.role))
        token = create_set_password_token(user, created_by)
    return user, token


def update_user(user: User, expected_version: int, values: dict, changed_by: User) -> User:
    values = _check_user_rules(values, user_id=user.id)
    changed = changed_fields(user, {f: values[f] for f in USER_FIELDS})
    with db.database.atomic():
        user.save_changes(expected_version, **{f: values[f] for f in USER_FIELDS})
        if "role" in changed or "agency" in changed or "partnership" in changed:
            # What they may see changed: make them sign in again.
            end_all_sessions(user, "access_changed")
        record("user_updated", actor=changed_by, obj=user, changed=changed)
    return user


def set_user_active(user: User, expected_version: int, active: bool, changed_by: User) -> User:
    if user.id == changed_by.id and not active:
        raise AccountRuleError("active", "You cannot deactivate your own account")
    with db.database.atomic():
        user.save_changes(expected_version, active=active)
        if not active:
            end_all_sessions(user, "deactivated")
        record("user_reactivated" if active else "user_deactivated", actor=changed_by, obj=user)
    return user
