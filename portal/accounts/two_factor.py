"""Two-factor sign-in: TOTP (RFC 6238) codes from an authenticator app, and recovery codes.

- The secret is stored encrypted (Fernet, with a key derived from SECRET_KEY by
  HKDF), so a copy of the database alone does not give anyone the codes.
  Changing SECRET_KEY therefore means everyone sets up their app again.
- A code is accepted for the time step before, at or after now (±30 seconds of
  clock drift) and only for a step later than the last one accepted, claimed by
  one conditional UPDATE: a code, once used, is refused, even by two workers at once.
- Recovery codes are random, shown once, kept as SHA-256 hashes (they carry ~50 bits
  of entropy and every guess is throttled, so a slow hash adds nothing) and each
  works once.
- Every code guess counts toward the sign-in throttle and the lock-out.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import re
import secrets
from functools import lru_cache

import pyotp
import qrcode
import qrcode.image.svg
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from portal.accounts import throttle
from portal.accounts.models import RecoveryCode, User
from portal.accounts.service import count_failure, end_all_sessions, is_locked
from portal.audit.service import record
from portal.clock import utcnow
from portal.extensions import db

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are read off paper and typed.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
_CODE = re.compile(r"\d{6}")


# The secret at rest --------------------------------------------------------------------


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"review-portal totp secret v1").derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, secret_key: str | None = None) -> str:
    return _fernet(secret_key or current_app.config["SECRET_KEY"]).encrypt(secret.encode()).decode()


def unseal(token: str | None, secret_key: str | None = None) -> str | None:
    if not token:
        return None
    try:
        return _fernet(secret_key or current_app.config["SECRET_KEY"]).decrypt(token.encode()).decode()
    except InvalidToken:
        return None  # SECRET_KEY changed: the person must set up their app again


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends


# Enrolment -------------------------------------------------------------------------------


def provisioning_uri(user: User, secret: str) -> str:
    issuer = f"{current_app.config['SERVICE_NAME']} ({current_app.config['COUNCIL_NAME']})"
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI for an <img>: no script, no inline style, no |safe."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def manual_key(secret: str) -> str:
    """The secret in groups of four, easier to type into an app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# Checking a code -------------------------------------------------------------------------


def current_step() -> int:
    return int(dt.datetime.now(dt.UTC).timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str) -> int | None:
    """The time step this code belongs to, within the allowed drift, or None."""
    totp = pyotp.TOTP(secret)
    now = current_step()
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        # Compare every candidate, so the time taken does not say which one matched.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def normalise_code(code: str | None) -> str:
    return re.sub(r"[\s-]", "", code or "")


class CodeRefused(Exception):
    """The code was not accepted; `reason` is for the audit log, never for the screen."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _claim_step(user: User, step: int, *, enrol_secret: str | None = None) -> bool:
    """Accept this time step for the user once: a conditional UPDATE, atomic on every engine."""
    changes: dict = {User.totp_last_step: step}
    condition = User.totp_last_step.is_null() | (User.totp_last_step < step)
    if enrol_secret is not None:
        changes.update({User.totp_secret: seal(enrol_secret), User.totp_enrolled_at: utcnow()})
        condition = User.totp_enrolled_at.is_null()
    return User.update(changes).where(User.id == user.id, condition).execute() == 1


def _guard(user: User, event: str):
    """The throttle and lock-out checks every code guess passes first."""
    guess = throttle.claim_guess(user.email)
    if guess is None:
        record(event, obj=user, reason="throttled")
        raise CodeRefused("throttled")
    if not user.active or is_locked(user):
        record(event, obj=user, reason="inactive" if not user.active else "locked")
        raise CodeRefused("locked")
    return guess


def verify_code(user: User, code: str) -> None:
    """Accept a TOTP code for an enrolled user, or raise CodeRefused."""
    code = normalise_code(code)
    guess = _guard(user, "two_factor_code_refused")
    secret = unseal(user.totp_secret)
    step = matching_step(secret, code) if secret and _CODE.fullmatch(code) else None
    if step is None:
        count_failure(user, utcnow(), "two_factor_code_refused", "wrong_code")
        raise CodeRefused("wrong_code")
    if not _claim_step(user, step):
        # Right code, already used (or an older one): a replay. It still counts as a failure.
        count_failure(user, utcnow(), "two_factor_code_refused", "reused_code")
        raise CodeRefused("reused_code")
    throttle.forget_guess(guess)
    record("two_factor_code_accepted", actor=user, obj=user)


def confirm_enrolment(user: User, secret: str, code: str) -> list[str]:
    """The first code from a newly set-up app: enrol the user and return their recovery codes."""
    code = normalise_code(code)
    guess = _guard(user, "two_factor_code_refused")
    step = matching_step(secret, code) if _CODE.fullmatch(code) else None
    if step is None:
        count_failure(user, utcnow(), "two_factor_code_refused", "wrong_code")
        raise CodeRefused("wrong_code")
    with db.database.atomic():
        if not _claim_step(user, step, enrol_secret=secret):
            raise CodeRefused("already_enrolled")
        codes = _replace_recovery_codes(user)
        record("two_factor_enrolled", actor=user, obj=user)
    throttle.forget_guess(guess)
    return codes


# Recovery codes --------------------------------------------------------------------------


def _hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).lower().encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.delete().where(RecoveryCode.user == user).execute()
    RecoveryCode.insert_many(
        [{"user": user.id, "code_hash": _hash_recovery_code(code)} for code in codes]
    ).execute()
    return codes


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.select().where(RecoveryCode.user == user, RecoveryCode.used_at.is_null()).count()


def use_recovery_code(user: User, code: str) -> int:
    """Accept an unused recovery code (once, atomically); the number left. Or CodeRefused."""
    guess = _guard(user, "recovery_code_refused")
    used = (
        RecoveryCode.update(used_at=utcnow())
        .where(
            RecoveryCode.user == user,
            RecoveryCode.code_hash == _hash_recovery_code(code),
            RecoveryCode.used_at.is_null(),
        )
        .execute()
    )
    if used != 1:
        count_failure(user, utcnow(), "recovery_code_refused", "wrong_code")
        raise CodeRefused("wrong_code")
    throttle.forget_guess(guess)
    remaining = remaining_recovery_codes(user)
    record("recovery_code_used", actor=user, obj=user, remaining=remaining)
    return remaining


# Administration --------------------------------------------------------------------------


def reset_two_factor(user: User, reset_by: User) -> None:
    """Forget the user's app and recovery codes and sign them out: they set it up again."""
    with db.database.atomic():
        User.update(totp_secret=None, totp_enrolled_at=None, totp_last_step=None).where(
            User.id == user.id
        ).execute()
        RecoveryCode.delete().where(RecoveryCode.user == user).execute()
        end_all_sessions(user, "two_factor_reset")
        record("two_factor_reset", actor=reset_by, obj=user)


def end_sessions_for(user: User, ended_by: User) -> int:
    with db.database.atomic():
        count = end_all_sessions(user, "ended_by_admin")
        record("sessions_ended_by_admin", actor=ended_by, obj=user, count=count)
    return count
