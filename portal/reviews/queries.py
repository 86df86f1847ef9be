"""Named reads for reviews. Each list is one query (plus one count), whatever its size."""

from __future__ import annotations

from peewee import JOIN

from portal.accounts.models import Role, User
from portal.organisations.models import Partnership
from portal.prepared_queries import prepared
from portal.reviews.models import Review, ReviewKind, Subject


@prepared
def _review_by_id(review_id):
    return Review.select().where(Review.id == review_id).limit(1)


def review_by_id(review_id: int) -> Review | None:
    """One review, every column (a prepared query: the busiest pages open with it)."""
    return _review_by_id().first(review_id=review_id)


def reviews_for(
    user: User,
    *,
    search: str | None = None,
    kind: ReviewKind | None = None,
    partnership_id: int | None = None,
    open_only: bool = False,
    mine_only: bool = False,
):
    """Reviews a review officer or admin can open, newest first, with partnership and officer."""
    officer = User.alias()
    query = (
        Review.select(Review, Partnership, officer)
        .join(Partnership)
        .switch(Review)
        .join(officer, JOIN.LEFT_OUTER, on=(Review.review_officer == officer.id))
        .order_by(Review.date_notified.desc(), Review.id.desc())
    )
    if search:
        query = query.where(Review.reference.contains(search) | Review.title.contains(search))
    if kind:
        query = query.where(Review.kind == kind)
    if partnership_id:
        query = query.where(Review.partnership == partnership_id)
    if open_only:
        query = query.where(Review.is_open == True)  # noqa: E712 (an equality an index can serve)
    if mine_only:
        query = query.where(Review.review_officer == user.id)
    return query


def review_officers():
    return (
        User.select()
        .where(User.role.in_([Role.REVIEW_OFFICER, Role.ADMIN]), User.active)
        .order_by(User.full_name)
    )


def subjects_of(review: Review):
    return Subject.select().where(Subject.review == review).order_by(Subject.role, Subject.id)
