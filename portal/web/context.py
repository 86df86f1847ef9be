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
    # Everyone: agency leads log (and follow) what their agency received; the others act on them.
    ("Media inquiries", "media_inquiries.index", tuple(Role)),
    # One entry for every admin screen (listed on /admin), so the bar stays short.
    ("Administration", "admin.index", (Role.ADMIN,)),
)

# The admin screens, as listed on /admin: (label, endpoint, what it is for).
ADMIN_AREAS = (
    ("Users", "admin.users", "Add people, change their role, reset access, deactivate accounts."),
    ("Partnerships", "admin.partnerships", "The community safety partnerships that own reviews."),
    ("Agencies", "admin.agencies", "The agencies that are sent trawls, by sector."),
    ("Bank holidays", "workdays.bank_holidays", "Add a one-off bank holiday; affected due dates move."),
    ("Audit log", "audit.events", "Every change, sign-in and view of sensitive records."),
    ("Outbox", "outbox.messages", "Emails the portal has queued, sent or failed to send."),
    ("Scheduled jobs", "jobs.runs", "When each scheduled job last ran and what it did."),
    ("Media routing", "media_routing.rules", "Who is told about each kind of media inquiry."),
    ("Subject access", "subject_access.search", "Find and export what the portal holds about one person."),
    ("Retention", "retention.schedule", "How long records are kept, what is due for deletion, legal holds."),
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
            "admin_areas": ADMIN_AREAS,
            "Role": Role,
        }
