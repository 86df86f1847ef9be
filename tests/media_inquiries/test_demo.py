"""The demo council's two media inquiries: each demo role has something to see or do."""

from portal.accounts.models import Role, User
from portal.demo.data import load_demo_data
from portal.media_inquiries import queries, workflow
from portal.media_inquiries.models import InquiryStatus, MediaInquiry


def test_demo_inquiries_give_each_role_something_to_do(app):
    with app.test_request_context():
        load_demo_data(app.config)
    assert MediaInquiry.select().count() == 2
    police = User.get(User.email == "police.lead@northvale.example")
    team = User.get(User.role == Role.CSP_TEAM)
    lead_sees = [i.outlet for i in queries.list_inquiries(police)]
    assert lead_sees == ["Northvale Evening Post"]
    (waiting,) = queries.list_inquiries(team)
    assert waiting.status is InquiryStatus.RESPONSE_DRAFTED
    assert "approve" in workflow.available_actions(team, waiting)
