"""Logging and routing media inquiries, changing their review or deadline, and the admin's rules.

The steps from a routed inquiry to a sent response, and who may take them, are in
workflow.py. Every write is audited, in one transaction with the emails it causes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from peewee import IntegrityError

from portal.accounts.models import Role, User
from portal.audit.service import record
from portal.clock import utcnow
from portal.database import StaleRecordError, changed_fields
from portal.extensions import db
from portal.media_inquiries import queries, reminders
from portal.media_inquiries.models import (
    InquiryEvent,
    InquiryRecipient,
    InquiryStatus,
    MediaInquiry,
    RecipientKind,
    ReviewMediaContact,
    RoutingRule,
    Topic,
)
from portal.media_inquiries.routing import Routing, default_topic, route
from portal.media_inquiries.workflow import MediaRuleError, can_reassign, require, transition
from portal.notifications.mail import portal_url
from portal.notifications.outbox import enqueue
from portal.reviews.models import Review

INQUIRY_FIELDS = (
    "received_at",
    "received_by_agency",
    "received_by_name",
    "outlet",
    "journalist_name",
    "journalist_email",
    "journalist_phone",
    "question",
    "deadline_at",
)


# Logging and routing ---------------------------------------------------------------------


def log_inquiry(values: Mapping, actor: User, config: Mapping) -> tuple[MediaInquiry, Routing]:
    """Record an inquiry, tell the people the rules name, and remind the owner now if the deadline is near.

    `values` has INQUIRY_FIELDS, "review" (a Review or None for "not sure") and "topic"
    (a Topic, or None to let the portal decide from the review).
    """
    review: Review | None = values["review"]
    if review is not None and not queries.reviews_for_logging(actor).where(Review.id == review.id).exists():
        raise MediaRuleError("Select a review from the list, or 'Not sure'", field="review")
    topic = values["topic"] or default_topic(review)
    if topic.needs_review and review is None:
        raise MediaRuleError(
            "Select the review it is about, or choose 'No identifiable review'", field="topic"
        )
    if values["deadline_at"] < values["received_at"]:
        raise MediaRuleError(
            "The journalist's deadline must be after the time the inquiry was received", field="deadline_time"
        )
    fields = {name: values[name] for name in INQUIRY_FIELDS}
    if actor.role is Role.AGENCY_LEAD:
        fields["received_by_agency"] = actor.agency_id  # leads log what their own agency received
    with db.database.atomic():
        inquiry = MediaInquiry.create(
            **fields,
            review=review,
            topic=topic,
            logged_by=actor,
            logged_by_agency=actor.agency_id if actor.role is Role.AGENCY_LEAD else None,
            owner=_owner_of(review),
        )
        InquiryEvent.create(inquiry=inquiry, actor=actor, to_status=InquiryStatus.RECEIVED)
        record(
            "media_inquiry_logged",
            actor=actor,
            obj=inquiry,
            topic=topic.value,
            review_id=review.id if review else None,
        )
        routing = _route(inquiry, config)
        reminders.remind_if_due(inquiry, utcnow(), config)
    return inquiry, routing


def _owner_of(review: Review | None) -> int | None:
    """The review's officer; with no review (or no officer), the business office (no one person)."""
    return review.review_officer_id if review is not None else None


def _route(inquiry: MediaInquiry, config: Mapping) -> Routing:
    """Tell everyone the rules name who has not been told yet; received -> routed when someone was."""
    review = Review.get_by_id(inquiry.review_id) if inquiry.review_id else None
    routing = route(inquiry.topic, review, config)
    already = {
        email.lower()
        for (email,) in InquiryRecipient.select(InquiryRecipient.email)
        .where(InquiryRecipient.inquiry == inquiry.id)
        .tuples()
    }
    told = []
    for recipient in routing.recipients:
        if recipient.email.lower() in already:
            continue
        InquiryRecipient.create(
            inquiry=inquiry,
            kind=recipient.kind,
            email=recipient.email,
            name=recipient.name,
            user=recipient.user_id,
        )
        enqueue(
            recipient.email,
            _subject(inquiry, review),
            "media_inquiry_routed",
            dedupe_key=f"media-routed:{inquiry.id}:{recipient.email.lower()}",
            reference=review.reference if review else None,
            reason=recipient.kind.label[0].lower() + recipient.kind.label[1:],
            topic=inquiry.topic.label.lower(),
            deadline=inquiry.deadline_at,
            business_office=config.get("BUSINESS_OFFICE_EMAIL", ""),
            link=portal_url("media_inquiries.show", inquiry_id=inquiry.id),
        )
        told.append(recipient)
    if told:
        note = "Sent to " + ", ".join(
            f"{r.name or r.email} ({r.kind.label.removeprefix('The ')})" for r in told
        )
        if routing.gaps:
            note += ". Not told: " + "; ".join(routing.gaps)
        record(
            "media_inquiry_routed",
            actor=None,
            obj=inquiry,
            recipient_kinds=sorted({r.kind.value for r in told}),
        )
        if inquiry.status is InquiryStatus.RECEIVED:
            transition(inquiry, inquiry.version, None, InquiryStatus.ROUTED, note, routed_at=utcnow())
        else:
            InquiryEvent.create(
                inquiry=inquiry, actor=None, from_status=inquiry.status, to_status=inquiry.status, note=note
            )
    return routing


def _subject(inquiry: MediaInquiry, review: Review | None) -> str:
    about = review.reference if review else "no identified review"
    return f"Media inquiry ({about}): please act before the journalist's deadline"


# Changing the review, topic or deadline ---------------------------------------------------


def reassign(
    inquiry: MediaInquiry, expected_version: int, actor: User, values: Mapping, config: Mapping
) -> Routing | None:
    """Change the review, topic or deadline. Anyone the new routing names is told; a new deadline
    gets its own reminder. Returns the routing when the review or topic changed."""
    require(can_reassign(actor), "Only review officers and admins can change an inquiry's review or deadline")
    require(inquiry.status.is_open, "This inquiry is closed or has been answered")
    review: Review | None = values["review"]
    topic: Topic = values["topic"]
    if topic.needs_review and review is None:
        raise MediaRuleError(
            "Select the review it is about, or choose 'No identifiable review'", field="topic"
        )
    if values["deadline_at"] < inquiry.received_at:
        raise MediaRuleError(
            "The journalist's deadline must be after the time the inquiry was received", field="deadline_time"
        )
    changes = {"review": review.id if review else None, "topic": topic, "deadline_at": values["deadline_at"]}
    changed = changed_fields(inquiry, changes)
    if not changed:
        return None
    if "review" in changed:
        changes["owner"] = _owner_of(review)
    routing = None
    with db.database.atomic():
        inquiry.save_changes(expected_version, **changes)
        inquiry.review = review
        InquiryEvent.create(
            inquiry=inquiry,
            actor=actor,
            from_status=inquiry.status,
            to_status=inquiry.status,
            note=_reassign_note(changed, review, topic, values["deadline_at"]),
        )
        record("media_inquiry_reassigned", actor=actor, obj=inquiry, changed=changed)
        if {"review", "topic"} & set(changed):
            routing = _route(inquiry, config)
        reminders.remind_if_due(inquiry, utcnow(), config)
    return routing


def _reassign_note(changed: list[str], review: Review | None, topic: Topic, deadline: dt.datetime) -> str:
    from portal.web.filters import govuk_datetime

    parts = []
    if "review" in changed:
        parts.append(f"Review: {review.reference if review else 'not identified'}")
    if "topic" in changed:
        parts.append(f"About: {topic.label.lower()}")
    if "deadline_at" in changed:
        parts.append(f"New deadline: {govuk_datetime(deadline)}")
    return "; ".join(parts)


# Administration: the routing rules and reviews' panel chair contacts -----------------------


def update_rule(rule: RoutingRule, expected_version: int, recipients: list[str], actor: User) -> None:
    """Save who is told about a topic; version 0 is a default rule whose row does not exist yet."""
    kinds = [kind.value for kind in RecipientKind if kind.value in set(recipients)]
    if not kinds:
        raise MediaRuleError("Select at least one person or mailbox to tell", field="recipients")
    with db.database.atomic():
        if rule.id is None:
            if expected_version != 0:
                raise StaleRecordError(f"routing rule {rule.topic} was removed")
            try:
                with db.database.atomic():
                    rule = RoutingRule.create(topic=rule.topic, recipients=kinds, updated_by=actor.id)
            except IntegrityError as error:
                raise StaleRecordError(f"routing rule {rule.topic} was created meanwhile") from error
        else:
            rule.save_changes(expected_version, recipients=kinds, updated_at=utcnow(), updated_by=actor.id)
        record("media_routing_rule_updated", actor=actor, obj=rule, topic=rule.topic.value, recipients=kinds)


def save_review_contact(
    review: Review, expected_version: int, values: Mapping, actor: User
) -> ReviewMediaContact:
    """The panel chair's contact for a review; version 0 means the form was opened before there was one."""
    values = {
        "panel_chair_name": (values.get("panel_chair_name") or "").strip(),
        "panel_chair_email": (values.get("panel_chair_email") or "").strip().lower(),
    }
    contact = ReviewMediaContact.get_or_none(ReviewMediaContact.review == review.id)
    with db.database.atomic():
        if contact is None:
            if expected_version != 0:
                raise StaleRecordError(f"review {review.id} media contact was removed")
            try:
                with db.database.atomic():
                    contact = ReviewMediaContact.create(review=review, updated_by=actor.id, **values)
            except IntegrityError as error:  # someone else saved the first one at the same moment
                raise StaleRecordError(f"review {review.id} media contact was created meanwhile") from error
            changed = sorted(name for name, value in values.items() if value)
        else:
            changed = changed_fields(contact, values)
            contact.save_changes(expected_version, updated_at=utcnow(), updated_by=actor.id, **values)
        record("review_media_contact_updated", actor=actor, obj=contact, review_id=review.id, changed=changed)
    return contact
