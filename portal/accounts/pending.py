"""The state between a correct password and a correct second factor.

It lives in the signed session cookie of this browser only, and it is not a
sign-in: Flask-Login's user is not set, so every page but the second-factor
pages still sends the person to sign in. It lasts SECOND_FACTOR_MINUTES, and
stops working as soon as the account's password, two-factor set-up or status
changes. A new authenticator secret offered at set-up is kept here encrypted,
not in the database, until the person proves their app has it.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import current_app, session

from portal.accounts import two_factor
from portal.accounts.models import User
from portal.clock import utcnow

KEY = "second_factor"


def _fingerprint(user: User) -> str:
    material = f"{user.id}|{user.password_hash}|{user.totp_enrolled_at}|{user.active}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def begin(user: User, next_url: str) -> None:
    # A fresh session: nothing set before the password step carries over (no fixation).
    session.clear()
    session[KEY] = {
        "user": user.id,
        "at": utcnow().isoformat(),
        "check": _fingerprint(user),
        "next": next_url,
    }


def _marker() -> dict | None:
    marker = session.get(KEY)
    if not isinstance(marker, dict):
        return None
    try:
        started = dt.datetime.fromisoformat(marker["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if utcnow() - started > dt.timedelta(minutes=current_app.config["SECOND_FACTOR_MINUTES"]):
        session.pop(KEY, None)
        return None
    return marker


def user() -> User | None:
    """The person who gave a correct password here, if the step is still open for them."""
    marker = _marker()
    if marker is None:
        return None
    found = User.get_or_none(User.id == marker.get("user"))
    if found is None or not found.active or marker.get("check") != _fingerprint(found):
        session.pop(KEY, None)
        return None
    return found


def step_for(user: User) -> str:
    return "accounts.security_code" if user.has_two_factor else "accounts.set_up_two_factor"


def next_url() -> str:
    marker = _marker() or {}
    return marker.get("next") or "/"


def enrolment_secret() -> str:
    """The secret offered to this browser for setting up an app; the same one on every reload."""
    marker = session[KEY]
    secret = two_factor.unseal(marker.get("enrol"))
    if secret is None:
        secret = two_factor.new_secret()
        marker["enrol"] = two_factor.seal(secret)
        session.modified = True
    return secret
