"""Builders for test records. Every name is invented."""

from __future__ import annotations

import datetime as dt
import itertools

from portal.accounts.models import Role, User
from portal.accounts.passwords import hash_password
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.organisations.models import Agency, Partnership, Sector

PASSWORD = "correct-horse-battery-staple"
# Every factory user has two-factor sign-in set up with this secret (tests.helpers.totp_code).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_numbers = itertools.count(1)
# Hashing is deliberately slow; tests share one hash of the standard password.
_password_hash = None
_sealed_totp_secret = None


def _sealed() -> str:
    """TOTP_SECRET encrypted as the app stores it, under the test apps' SECRET_KEY."""
    global _sealed_totp_secret
    if _sealed_totp_secret is None:
        from portal.accounts.two_factor import seal
        from tests.conftest import TEST_SECRET

        _sealed_totp_secret = seal(TOTP_SECRET, TEST_SECRET)
    return _sealed_totp_secret


def _hash() -> str:
    global _password_hash
    if _password_hash is None:
        _password_hash = hash_password(PASSWORD)
    return _password_hash


def make_partnership(name: str | None = None, **values) -> Partnership:
    return Partnership.create(name=name or f"Testshire Partnership {next(_numbers)}", **values)


def make_agency(name: str | None = None, sector: Sector = Sector.POLICE, **values) -> Agency:
    number = next(_numbers)
    values.setdefault("contact_email", f"agency{number}@agency.example")
    return Agency.create(name=name or f"Test Agency {number}", sector=sector, **values)


def make_user(
    role: Role = Role.REVIEW_OFFICER,
    *,
    agency: Agency | None = None,
    partnership: Partnership | None = None,
    password: str | None = PASSWORD,
    two_factor: bool = True,
    **values,
) -> User:
    number = next(_numbers)
    if role is Role.AGENCY_LEAD and agency is None:
        agency = make_agency()
    if role is Role.CSP_TEAM and partnership is None:
        partnership = make_partnership()
    values.setdefault("email", f"person{number}@portal.example")
    values.setdefault("full_name", f"Test Person {number}")
    if two_factor:
        values.setdefault("totp_secret", _sealed())
        values.setdefault("totp_enrolled_at", dt.datetime(2026, 1, 5, 9, 0))
    return User.create(
        role=role,
        agency=agency,
        partnership=partnership,
        password_hash=_hash() if password == PASSWORD else (hash_password(password) if password else None),
        **values,
    )


def make_outbox_message(status: OutboxStatus = OutboxStatus.QUEUED, **values) -> OutboxMessage:
    """A message as the outbox holds it (enqueue() renders real ones)."""
    number = next(_numbers)
    values.setdefault("recipient", f"person{number}@portal.example")
    values.setdefault("subject", f"Test message {number}")
    values.setdefault("message_id", f"<test-message-{number}@portal.example>")
    values.setdefault("template", "set_password")
    values.setdefault("text_body", "A test message.")
    values.setdefault("html_body", "<p>A test message.</p>")
    return OutboxMessage.create(status=status, **values)
