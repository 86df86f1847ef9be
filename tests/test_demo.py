import pytest

from portal.accounts.models import Role, User
from portal.demo.data import DEMO_PASSWORD, DemoRefused, load_demo_data
from portal.organisations.models import Agency, Partnership
from tests.helpers import get_page, sign_in


def test_loads_a_fictional_council(ctx):
    message = load_demo_data(ctx.config)
    assert "8 partnerships" in message
    assert Partnership.select().count() == 8
    assert Agency.select().count() >= 25
    assert {u.role for u in User.select()} == set(Role)
    assert User.select().where(User.role == Role.AGENCY_LEAD).count() == 2
    assert len({u.agency_id for u in User.select().where(User.role == Role.AGENCY_LEAD)}) == 2


def test_refuses_a_database_with_users_unless_asked_to_skip(ctx):
    load_demo_data(ctx.config)
    with pytest.raises(DemoRefused):
        load_demo_data(ctx.config)
    assert "already has users" in load_demo_data(ctx.config, only_if_empty=True)


def test_refuses_production(ctx):
    with pytest.raises(DemoRefused, match="production"):
        load_demo_data({**ctx.config, "PORTAL_ENV": "production"})
    assert not User.select().exists()


def test_demo_users_can_sign_in(app, client):
    with app.test_request_context():
        load_demo_data(app.config)
    admin = User.get(User.role == Role.ADMIN)
    sign_in(client, admin, password=DEMO_PASSWORD)
    get_page(client, "/admin/users", title="Users")


def test_demo_reviews_with_open_requests_have_their_overview_sort_keys(ctx):
    from peewee import fn

    from portal.reviews.models import Review
    from portal.trawls.models import OPEN_STATUSES, TrawlRequest

    load_demo_data(ctx.config)
    earliest = dict(
        TrawlRequest.select(TrawlRequest.review, fn.MIN(TrawlRequest.due_date))
        .where(TrawlRequest.status.in_(list(OPEN_STATUSES)))
        .group_by(TrawlRequest.review)
        .tuples()
    )
    assert earliest, "the demo has open requests"
    stored = {
        review.id: review.next_return_due_on
        for review in Review.select().where(Review.id.in_(list(earliest)))
    }
    assert stored == earliest
