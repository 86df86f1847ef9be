"""Routing: each topic reaches the people the rules name, edited rules change it, and the emails
say what to do without any detail of the case."""

import pytest

from portal.accounts.models import Role
from portal.lifecycle.stages import Stage
from portal.media_inquiries import service
from portal.media_inquiries.models import (
    DEFAULT_RULES,
    InquiryEvent,
    InquiryRecipient,
    InquiryStatus,
    RecipientKind,
    ReviewMediaContact,
    RoutingRule,
    Topic,
)
from portal.media_inquiries.routing import default_topic, rule_for
from portal.media_inquiries.workflow import MediaRuleError
from portal.notifications.models import OutboxMessage
from portal.reviews.models import Review
from tests.factories import make_agency, make_partnership, make_user
from tests.helpers import send_queued_mail
from tests.media_inquiries.builders import fresh, log, make_world
from tests.trawls.builders import make_review

BUSINESS_OFFICE = "business.office@northvale.example"
MEDIA_CONTACT = "media@northvale.example"


@pytest.fixture
def world(app):
    return make_world(app)


def told(inquiry) -> dict[str, str]:
    return {
        r.email: r.kind.value for r in InquiryRecipient.select().where(InquiryRecipient.inquiry == inquiry.id)
    }


def routing_emails(inquiry) -> list[str]:
    return sorted(
        m.recipient
        for m in OutboxMessage.select().where(
            OutboxMessage.template == "media_inquiry_routed",
            OutboxMessage.dedupe_key.startswith(f"media-routed:{inquiry.id}:"),
        )
    )


def test_a_review_in_progress_goes_to_its_officer_and_panel_chair(app, world):
    ReviewMediaContact.create(
        review=world.review, panel_chair_name="Cal Chair", panel_chair_email="chair@ind.example"
    )
    inquiry, routing = log(app, world.lead, world.review)
    assert inquiry.topic is Topic.REVIEW_IN_PROGRESS  # inferred: a review chosen, not published
    assert told(inquiry) == {"officer@portal.example": "review_officer", "chair@ind.example": "panel_chair"}
    assert routing_emails(inquiry) == ["chair@ind.example", "officer@portal.example"]
    assert routing.gaps == []
    inquiry = fresh(inquiry)
    assert inquiry.status is InquiryStatus.ROUTED and inquiry.routed_at is not None
    assert inquiry.owner_id == world.officer.id
    assert inquiry.received_by_agency_id == world.agency.id == inquiry.logged_by_agency_id
    history = [(e.from_status, e.to_status) for e in InquiryEvent.select().order_by(InquiryEvent.id)]
    assert history == [(None, InquiryStatus.RECEIVED), (InquiryStatus.RECEIVED, InquiryStatus.ROUTED)]


def test_a_missing_panel_chair_contact_is_reported_not_hidden(app, world):
    inquiry, routing = log(app, world.lead, world.review)
    assert told(inquiry) == {"officer@portal.example": "review_officer"}
    assert routing.gaps == [f"No panel chair contact is recorded for {world.review.reference}"]
    assert (
        "Not told: No panel chair contact"
        in InquiryEvent.select().order_by(InquiryEvent.id.desc()).get().note
    )


@pytest.mark.parametrize("topic", [Topic.REVIEW_PROCESS, Topic.PUBLISHED_REPORT])
def test_process_and_published_reports_go_to_the_business_office_and_the_partnerships_team(app, world, topic):
    make_user(Role.CSP_TEAM)  # another partnership's team
    second = make_user(Role.CSP_TEAM, partnership=world.partnership, email="csp2@portal.example")
    make_user(Role.CSP_TEAM, partnership=world.partnership, email="gone@portal.example", active=False)
    inquiry, _ = log(app, world.officer, world.review, topic=topic)
    assert told(inquiry) == {
        BUSINESS_OFFICE: "business_office",
        "csp@portal.example": "csp_team_manager",
        second.email: "csp_team_manager",
    }


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        (Stage.REPORT_IN_PROGRESS, Topic.REVIEW_IN_PROGRESS),
        (Stage.SUBMITTED_TO_HOME_OFFICE, Topic.REVIEW_IN_PROGRESS),
        (Stage.PUBLISHED, Topic.PUBLISHED_REPORT),
        (Stage.REMOVED_FROM_WEBSITE, Topic.PUBLISHED_REPORT),
    ],
)
def test_the_topic_is_inferred_from_the_reviews_stage(app, stage, expected):
    review = make_review(stage=stage)
    assert default_topic(Review.get_by_id(review.id)) is expected
    assert default_topic(None) is Topic.NO_IDENTIFIABLE_REVIEW


def test_a_published_reports_inquiry_goes_to_the_business_office_when_inferred(app, world):
    Review.update(stage=Stage.PUBLISHED).where(Review.id == world.review.id).execute()
    inquiry, _ = log(app, world.lead, Review.get_by_id(world.review.id))
    assert inquiry.topic is Topic.PUBLISHED_REPORT
    assert told(inquiry)[BUSINESS_OFFICE] == "business_office"


def test_no_identifiable_review_goes_to_the_media_contact(app, world):
    inquiry, _ = log(app, world.lead, None)
    assert inquiry.topic is Topic.NO_IDENTIFIABLE_REVIEW
    assert told(inquiry) == {MEDIA_CONTACT: "media_contact"}
    assert fresh(inquiry).owner_id is None  # the business office's, not one person's


def test_the_lead_press_office_is_added_whenever_set(app, world):
    press = make_agency(name="Northvale Police Press Office", contact_email="press@police.example")
    Review.update(lead_press_office=press).where(Review.id == world.review.id).execute()
    inquiry, _ = log(app, world.lead, Review.get_by_id(world.review.id))
    assert told(inquiry)["press@police.example"] == RecipientKind.LEAD_PRESS_OFFICE.value


def test_edited_rules_change_who_is_told(app, world):
    rule = rule_for(Topic.NO_IDENTIFIABLE_REVIEW)
    with app.test_request_context():
        service.update_rule(rule, rule.version, ["business_office", "media_contact"], world.admin)
    rule = rule_for(Topic.REVIEW_IN_PROGRESS)
    with app.test_request_context():
        service.update_rule(rule, rule.version, ["csp_team_manager"], world.admin)
    no_review, _ = log(app, world.lead, None)
    about_review, _ = log(app, world.lead, world.review)
    assert told(no_review) == {BUSINESS_OFFICE: "business_office", MEDIA_CONTACT: "media_contact"}
    assert told(about_review) == {"csp@portal.example": "csp_team_manager"}


def test_a_rule_needs_at_least_one_recipient(app, world):
    rule = rule_for(Topic.REVIEW_PROCESS)
    with app.test_request_context(), pytest.raises(MediaRuleError, match="at least one"):
        service.update_rule(rule, rule.version, [], world.admin)


def test_nobody_resolvable_falls_back_to_the_business_office_or_stays_received(app, world):
    inquiry, routing = log(app, world.lead, None, config={"MEDIA_CONTACT_EMAIL": ""})
    assert told(inquiry) == {BUSINESS_OFFICE: "business_office"}
    assert any("business office has been told" in gap for gap in routing.gaps)
    inquiry, routing = log(
        app, world.lead, None, config={"MEDIA_CONTACT_EMAIL": "", "BUSINESS_OFFICE_EMAIL": ""}
    )
    assert told(inquiry) == {} and fresh(inquiry).status is InquiryStatus.RECEIVED
    assert routing.gaps


def test_an_agency_lead_may_only_name_reviews_their_agency_was_trawled_for(app, world):
    other = make_review(partnership=make_partnership())
    with pytest.raises(MediaRuleError, match="Select a review"):
        log(app, world.lead, other)


def test_routing_emails_say_what_to_do_with_no_case_detail_and_go_within_one_cycle(app, world, mailbox):
    inquiry, _ = log(
        app,
        world.lead,
        world.review,
        question="Did police attend 4 Example Row before Rowan Testcase died?",
        journalist_name="Jo Inkwell",
        outlet="Northvale Evening Post",
    )
    summary = send_queued_mail(app)  # one run of the scheduler's deliver_outbox job
    assert summary["sent"] == 1
    (message,) = mailbox.messages()
    assert message["To"] == "officer@portal.example"
    assert world.review.reference in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert f"https://portal.test/media-inquiries/{inquiry.id}" in body
    assert "without the partnership's agreement" in body
    for detail in ("Rowan", "Testcase", "Example Row", "Inkwell", "Evening Post", world.review.title):
        assert detail not in body and detail not in message["Subject"], detail


def test_the_migration_seeds_the_default_rules(app, engine):
    if engine == "postgresql":
        pytest.skip("the PostgreSQL test database is truncated between tests; SQLite keeps the migrated rows")
    stored = {rule.topic: rule.recipient_kinds for rule in RoutingRule.select()}
    assert stored == DEFAULT_RULES


def test_a_missing_rule_row_routes_by_the_default_and_is_created_on_first_save(app, world):
    RoutingRule.delete().execute()
    inquiry, _ = log(app, world.lead, None)
    assert told(inquiry) == {MEDIA_CONTACT: "media_contact"}
    rule = rule_for(Topic.NO_IDENTIFIABLE_REVIEW)
    assert rule.id is None and rule.version == 0
    with app.test_request_context():
        service.update_rule(rule, 0, ["business_office"], world.admin)
    assert rule_for(Topic.NO_IDENTIFIABLE_REVIEW).recipient_kinds == [RecipientKind.BUSINESS_OFFICE]


def test_an_address_the_mailer_would_refuse_is_a_gap_not_a_failure(app, world):
    ReviewMediaContact.create(review=world.review, panel_chair_email='"chair, panel"@ind.example')
    inquiry, routing = log(app, world.lead, world.review)
    assert told(inquiry) == {"officer@portal.example": "review_officer"}
    assert routing.gaps == ["Panel chair: the email address is not usable"]
