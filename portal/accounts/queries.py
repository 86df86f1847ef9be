"""Named reads about accounts."""

from __future__ import annotations

from portal.accounts.models import User


def active_user_emails(user_ids: set[int]) -> dict[int, str]:
    """{user id: email} for the active ones among these users, in one query (for reminders)."""
    if not user_ids:
        return {}
    return dict(User.select(User.id, User.email).where(User.id.in_(list(user_ids)), User.active).tuples())
