"""Routing: who is told about an inquiry, from the admin-edited rules (RoutingRule rows).

The rules name kinds of recipient; this module turns them into addresses for
one inquiry. A review's lead press office (from the publication plan) is
always added when set. Nobody is ever silently dropped: a kind that cannot
be resolved (no panel chair contact recorded, a setting left empty) is
reported as a gap, shown to the person who logged the inquiry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from portal.accounts.models import Role, User
from portal.lifecycle.stages import Stage
from portal.media_inquiries.models import (
    DEFAULT_RULES,
    RecipientKind,
    ReviewMediaContact,
    RoutingRule,
    Topic,
)
from portal.notifications.mail import UnsafeHeader, check_recipient
from portal.organisations.models import Agency
from portal.reviews.models import Review

PUBLISHED_STAGES = frozenset({Stage.PUBLISHED, Stage.REMOVED_FROM_WEBSITE})


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    email: str
    name: str = ""
    user_id: int | None = None


@dataclass
class Routing:
    recipients: list[Recipient] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)  # what could not be resolved, in the user's words

    def add(self, recipient: Recipient) -> None:
        try:
            check_recipient(recipient.email)
        except UnsafeHeader:
            # An address the mailer would refuse must not stop the inquiry being logged.
            self.gaps.append(f"{recipient.name or recipient.kind.label}: the email address is not usable")
            return
        if recipient.email.lower() not in {r.email.lower() for r in self.recipients}:
            self.recipients.append(recipient)


def default_topic(review: Review | None) -> Topic:
    """The topic the portal assumes when the person logging does not choose one."""
    if review is None:
        return Topic.NO_IDENTIFIABLE_REVIEW
    if review.stage in PUBLISHED_STAGES:
        return Topic.PUBLISHED_REPORT
    return Topic.REVIEW_IN_PROGRESS


def rule_for(topic: Topic) -> RoutingRule:
    """The stored rule, or (if its row is missing) the default, unsaved: saving it creates the row."""
    rule = RoutingRule.get_or_none(RoutingRule.topic == topic)
    if rule is None:
        rule = RoutingRule(topic=topic, recipients=[kind.value for kind in DEFAULT_RULES[topic]], version=0)
    return rule


def route(topic: Topic, review: Review | None, config: Mapping) -> Routing:
    """The recipients for an inquiry on `topic` about `review` (None: no review identified)."""
    routing = Routing()
    for kind in rule_for(topic).recipient_kinds:
        _resolve(kind, review, config, routing)
    if review is not None and review.lead_press_office_id:
        agency = Agency.get_or_none(Agency.id == review.lead_press_office_id)
        if agency is not None and agency.contact_email:
            routing.add(
                Recipient(
                    RecipientKind.LEAD_PRESS_OFFICE, agency.contact_email, f"{agency.name} press office"
                )
            )
    if not routing.recipients:
        # Never leave an inquiry with nobody told: the business office picks it up.
        fallback = config.get("BUSINESS_OFFICE_EMAIL") or config.get("MEDIA_CONTACT_EMAIL")
        if fallback:
            routing.add(Recipient(RecipientKind.BUSINESS_OFFICE, fallback, "Business office"))
            routing.gaps.append("Nobody the rule names could be found, so the business office has been told")
    return routing


def _resolve(kind: RecipientKind, review: Review | None, config: Mapping, routing: Routing) -> None:
    if kind is RecipientKind.BUSINESS_OFFICE:
        _setting(
            routing, kind, config.get("BUSINESS_OFFICE_EMAIL", ""), "Business office", "BUSINESS_OFFICE_EMAIL"
        )
        return
    if kind is RecipientKind.MEDIA_CONTACT:
        _setting(
            routing,
            kind,
            config.get("MEDIA_CONTACT_EMAIL", ""),
            "Business office media contact",
            "MEDIA_CONTACT_EMAIL",
        )
        return
    if review is None:
        return  # review-specific recipients need a review; the rule for "no review" should not name them
    if kind is RecipientKind.REVIEW_OFFICER:
        officer = User.get_or_none(User.id == review.review_officer_id) if review.review_officer_id else None
        if officer is None or not officer.active:
            routing.gaps.append(f"{review.reference} has no active review officer")
        else:
            routing.add(Recipient(kind, officer.email, officer.full_name, officer.id))
    elif kind is RecipientKind.PANEL_CHAIR:
        contact = ReviewMediaContact.get_or_none(ReviewMediaContact.review == review.id)
        if contact is None or not contact.panel_chair_email:
            routing.gaps.append(f"No panel chair contact is recorded for {review.reference}")
        else:
            routing.add(Recipient(kind, contact.panel_chair_email, contact.panel_chair_name or "Panel chair"))
    elif kind is RecipientKind.CSP_TEAM_MANAGER:
        team = list(
            User.select()
            .where(User.role == Role.CSP_TEAM, User.partnership == review.partnership_id, User.active)
            .order_by(User.full_name)
        )
        if not team:
            routing.gaps.append(
                f"The partnership that owns {review.reference} has no community safety team members"
            )
        for member in team:
            routing.add(Recipient(kind, member.email, member.full_name, member.id))


def _setting(routing: Routing, kind: RecipientKind, email: str, name: str, setting: str) -> None:
    if email:
        routing.add(Recipient(kind, email, name))
    else:
        routing.gaps.append(f"{name}: no address is set ({setting})")
