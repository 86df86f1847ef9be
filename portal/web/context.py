"""What every template can use: navigation for the signed-in role, settings."""

from __future__ import annotations

from flask import Flask, request, url_for
from flask_login import current_user

from portal.accounts.models import Role

# (label, endpoint, roles that see it). The first match on the path prefix is "current".
NAVIGATION = (
    ("Home", "pages.home", tuple(Role)),
    ("Reviews", "reviews.index", (Role.ADMIN, Role.REVIEW_OFFICER)),
    ("Returns", "trawls.overview", (Role.ADMIN, Role.REVIEW_OFFICER)),
    ("Trawl requests", "inbox.index", (Role.AGENCY_LEAD,)),
    ("Reviews", "trawls.partnership_reviews", (Role.CSP_TEAM,)),
    ("Users", "admin.users", (Role.ADMIN,)),
    ("Partnerships", "admin.partnerships", (Role.ADMIN,)),
    ("Agencies", "admin.agencies", (Role.ADMIN,)),
    ("Audit log", "audit.events", (Role.ADMIN,)),
    ("Outbox", "outbox.messages", (Role.ADMIN,)),
    ("Scheduled jobs", "jobs.runs", (Role.ADMIN,)),
    ("Bank holidays", "workdays.bank_holidays", (Role.ADMIN,)),
)


def navigation_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    for label, endpoint, roles in NAVIGATION:
        if current_user.role not in roles:
            continue
        href = url_for(endpoint)
        current = request.path == href
        active = not current and href != "/" and request.path.startswith(href)
        items.append({"text": label, "href": href, "current": current, "active": active})
    return items


def init_context(app: Flask) -> None:
    @app.context_processor
    def portal_context():
        return {
            "council_name": app.config["COUNCIL_NAME"],
            "service_name": app.config["SERVICE_NAME"],
            "navigation_items": navigation_items,
            "Role": Role,
        }
