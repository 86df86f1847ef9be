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


class RowLink:
    """A link that every row of a table has, the same but for the row's id (`row_link("trawls.dashboard",
    "review_id")`, then `link(review.id)` in the loop): built once with url_for, which goes through
    the routing map each time, and each row puts its own id in place of a placeholder."""

    _PLACEHOLDER = "987654321"

    def __init__(self, endpoint: str, id_name: str, **values):
        self._endpoint, self._id_name, self._values = endpoint, id_name, values
        # The id takes its place among the values if it is one of them (a query string's order).
        parts = url_for(endpoint, **{**values, id_name: int(self._PLACEHOLDER)}).split(self._PLACEHOLDER)
        # Were the placeholder in one of the other values too, each row falls back to url_for.
        self._around = parts if len(parts) == 2 else None

    def __call__(self, row_id: int) -> str:
        if self._around is None:
            return url_for(self._endpoint, **{**self._values, self._id_name: row_id})
        before, after = self._around
        return f"{before}{int(row_id)}{after}"


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
    app.jinja_env.globals["row_link"] = RowLink  # a global, as url_for is: imported macros see it too

    @app.context_processor
    def portal_context():
        return {
            "council_name": app.config["COUNCIL_NAME"],
            "service_name": app.config["SERVICE_NAME"],
            "navigation_items": navigation_items,
            "admin_areas": ADMIN_AREAS,
            "Role": Role,
        }
