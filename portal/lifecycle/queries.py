from __future__ import annotations

from peewee import JOIN

from portal.accounts.models import User
from portal.lifecycle.models import HomeOfficeReturn, StageTransition, Suspension


def timeline(review):
    by = User.alias()
    return (
        StageTransition.select(StageTransition, by)
        .join(by, JOIN.LEFT_OUTER, on=(StageTransition.by == by.id))
        .where(StageTransition.review == review)
        .order_by(StageTransition.occurred_at.desc(), StageTransition.id.desc())
    )


def suspensions_of(review):
    return Suspension.select().where(Suspension.review == review).order_by(Suspension.started_on.desc())


def home_office_returns(review):
    return (
        HomeOfficeReturn.select()
        .where(HomeOfficeReturn.review == review)
        .order_by(HomeOfficeReturn.returned_on.desc(), HomeOfficeReturn.id.desc())
    )
