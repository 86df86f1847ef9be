"""Builders for media inquiry tests. Every outlet, journalist and person is invented."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal.accounts.models import Role, User
from portal.clock import utcnow
from portal.media_inquiries.models import MediaInquiry, Topic
from portal.organisations.models import Agency, Partnership
from portal.reviews.models import Review
from tests.factories import make_agency, make_partnership, make_user
from tests.trawls.builders import issue, make_review, make_subject


@dataclass
class World:
    """A review in progress, its officer, its partnership's CSP team, and an agency lead with a trawl for it."""

    partnership: Partnership
    officer: User
    review: Review
    agency: Agency
    lead: User
    csp: User
    admin: User


def make_world(app) -> World:
    partnership = make_partnership()
    officer = make_user(Role.REVIEW_OFFICER, email="officer@portal.example", full_name="Olu Officer")
    review = make_review(partnership=partnership, officer=officer)
    make_subject(review)
    agency = make_agency(contact_email="press@agency.example")
    issue(app, review, [agency])
    return World(
        partnership=partnership,
        officer=officer,
        review=review,
        agency=agency,
        lead=make_user(Role.AGENCY_LEAD, agency=agency, email="lead@agency.example"),
        csp=make_user(
            Role.CSP_TEAM, partnership=partnership, email="csp@portal.example", full_name="Cass Manager"
        ),
        admin=make_user(Role.ADMIN, email="admin@portal.example", full_name="Ada Admin"),
    )


def inquiry_values(review: Review | None = None, *, topic: Topic | None = None, **values) -> dict:
    now = utcnow().replace(microsecond=0)
    defaults = {
        "received_at": now - dt.timedelta(hours=1),
        "received_by_agency": None,
        "received_by_name": "Pat Switchboard",
        "outlet": "Northvale Evening Post",
        "journalist_name": "Jo Inkwell",
        "journalist_email": "jo.inkwell@evening-post.example",
        "journalist_phone": "",
        "question": "Is the partnership reviewing the death in March?",
        "deadline_at": now + dt.timedelta(days=3),
        "review": review,
        "topic": topic,
    }
    defaults.update(values)
    return defaults


def log(app, actor: User, review: Review | None = None, *, topic: Topic | None = None, config=None, **values):
    """Log an inquiry through the service, as the view would; (inquiry, routing)."""
    from portal.media_inquiries import service

    with app.test_request_context():
        return service.log_inquiry(
            inquiry_values(review, topic=topic, **values), actor, {**app.config, **(config or {})}
        )


def fresh(inquiry: MediaInquiry) -> MediaInquiry:
    return MediaInquiry.get_by_id(inquiry.id)


def step(app, action, inquiry: MediaInquiry, actor: User, *args):
    """Run a workflow step on the inquiry as stored now (its current version)."""
    with app.test_request_context():
        current = fresh(inquiry)
        action(current, current.version, actor, *args)
    return fresh(inquiry)
