"""What the portal tells people by email. Each function names its purpose.

Each one queues its email in the caller's transaction (outbox.enqueue): call
it inside the `db.atomic()` block that makes the change the email is about.
"""

from __future__ import annotations

from portal.accounts.models import User
from portal.notifications.mail import portal_url
from portal.notifications.outbox import enqueue


def send_set_password_link(user: User, token: str) -> str:
    """Queue the email and return the link, so an admin can also pass it on by hand."""
    link = portal_url("accounts.set_password", token=token)
    enqueue(
        user.email,
        "Set your password for the review portal",
        "set_password",
        link=link,
        full_name=user.full_name,
    )
    return link
