"""The sign-in throttle: at most THROTTLE_ATTEMPTS guesses per account in THROTTLE_MINUTES.

A guess is a password or a second-factor code. It is kept in the database, so
every gunicorn worker sees the same count, and it is keyed by a hash of the
typed email address, so an unknown address is throttled exactly like a real one
and another person's account is never affected.

Check-then-act is atomic without a lock: each guess is written and committed
*before* the guesses are counted. Whatever the interleaving of two workers, the
later of the two counts includes the earlier's row, so no more than the limit
are ever let through. A guess refused by the throttle is removed again (it was
never checked), and a correct guess is removed (it was not a guess at someone
else's account).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import current_app

from portal.accounts.models import SignInAttempt
from portal.clock import utcnow
from portal.extensions import db


def account_key(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()


def claim_guess(email: str) -> SignInAttempt | None:
    """Record one guess at this account; None if it is over the limit (then check nothing)."""
    config = current_app.config
    now = utcnow()
    window_start = now - dt.timedelta(minutes=config["THROTTLE_MINUTES"])
    key = account_key(email)
    with db.database.atomic():  # committed before counting: see the module docstring
        SignInAttempt.delete().where(SignInAttempt.attempted_at <= window_start).execute()
        guess = SignInAttempt.create(account_key=key, attempted_at=now)
    counted = (
        SignInAttempt.select()
        .where(SignInAttempt.account_key == key, SignInAttempt.attempted_at > window_start)
        .count()
    )
    if counted > config["THROTTLE_ATTEMPTS"]:
        forget_guess(guess)
        return None
    return guess


def forget_guess(guess: SignInAttempt | None) -> None:
    if guess is not None:
        SignInAttempt.delete().where(SignInAttempt.id == guess.id).execute()
