from __future__ import annotations

import datetime as dt

from flask import Blueprint, request

from portal.accounts.models import Role, User
from portal.audit import queries
from portal.audit.forms import AuditFilterForm
from portal.clock import local_to_utc
from portal.web.access import allow
from portal.web.htmx import render_page_or_fragment
from portal.web.pagination import paginate

bp = Blueprint("audit", __name__, url_prefix="/admin/audit-log")


@bp.route("")
@allow(Role.ADMIN)
def events():
    form = AuditFilterForm(request.args)
    form.actor.choices = [("", "Anyone")] + [
        (str(u.id), f"{u.full_name} ({u.email})")
        for u in User.select(User.id, User.full_name, User.email).order_by(User.full_name)
    ]
    filters: dict = {}
    if request.args and form.validate():
        data = form.data
        filters = {
            "actor_id": int(data["actor"]) if data["actor"] else None,
            "action": data["action"] or None,
            "object_type": (data["object_type"] or "").strip() or None,
            "object_id": (data["object_id"] or "").strip() or None,
            "occurred_from": _start_of(data["occurred_from"]),
            "occurred_to": _start_of(data["occurred_to"] + dt.timedelta(days=1))
            if data["occurred_to"]
            else None,
        }
    page = paginate(queries.audit_events(**filters), size=50)
    return render_page_or_fragment(
        "audit/events.html",
        "audit/partials/events_table.html",
        page=page,
        filter_form=form,
    )


def _start_of(day: dt.date | None) -> dt.datetime | None:
    """Midnight in London, as stored UTC."""
    return local_to_utc(dt.datetime.combine(day, dt.time())) if day else None
