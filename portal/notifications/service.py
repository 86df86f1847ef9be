"""What the portal tells people by email. Each function names its purpose."""

from __future__ import annotations

from flask import url_for

from portal.accounts.models import User
from portal.notifications.mail import absolute_url, build_message, deliver


def send_set_password_link(user: User, token: str) -> str:
    """Email the link and return it, so an admin can also pass it on by hand."""
    link = absolute_url(url_for("accounts.set_password", token=token))
    deliver(
        build_message(
            user.email,
            "Set your password for the review portal",
            "set_password",
            link=link,
            full_name=user.full_name,
        )
    )
    return link
