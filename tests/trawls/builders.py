"""Builders for reviews and trawls in tests. Every name is invented."""

from __future__ import annotations

import datetime as dt

from portal.reviews.models import Review, ReviewKind, Subject, SubjectRole
from portal.trawls.models import TrawlPurpose
from tests.factories import make_agency, make_partnership, make_user


def make_review(partnership=None, officer=None, **values) -> Review:
    from portal.accounts.models import Role

    partnership = partnership or make_partnership()
    officer = officer or make_user(Role.REVIEW_OFFICER)
    number = Review.select().count() + 1
    values.setdefault("reference", f"DHR-2026-{number:03d}")
    values.setdefault("kind", ReviewKind.DHR)
    values.setdefault("title", f"T.R. {number}")
    values.setdefault("date_notified", dt.date(2026, 3, 1))
    return Review.create(partnership=partnership, review_officer=officer, **values)


def make_subject(review, **values) -> Subject:
    values.setdefault("role", SubjectRole.DECEASED)
    values.setdefault("full_name", "Rowan Testcase")
    values.setdefault("aliases", "Rowan Testkase")
    values.setdefault("date_of_birth", dt.date(1980, 5, 17))
    return Subject.create(review=review, **values)


def issue(app, review, agencies, actor=None, **kwargs):
    """Issue a trawl through the service, inside a request context as a view would."""
    from portal.trawls import service

    actor = actor or review.review_officer
    with app.test_request_context():
        return service.issue_trawl(
            review,
            [a.id for a in agencies],
            actor,
            purpose=kwargs.pop("purpose", TrawlPurpose.INITIAL),
            **kwargs,
        )


def review_with_trawl(app, agency_count: int = 3, **review_values):
    review = make_review(**review_values)
    make_subject(review)
    agencies = [make_agency() for _ in range(agency_count)]
    trawl = issue(app, review, agencies)
    return review, agencies, trawl
