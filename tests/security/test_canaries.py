"""Test 3: canary crawl. A unique string in every restricted field of partnership X's review
(its people, agency A's answer, its family-contact log, agency A's media inquiry about it,
its publication); every page, fragment and export crawled as each role; the canaries appear
nowhere a role has no access, and in no email at all.

Restricted fields are listed in CANARY_FIELDS with the roles that may not see them (a new
one joins with a line); those written through a service are in plant_answers().
"""

from __future__ import annotations

import datetime as dt

import time_machine

from portal.accounts.models import Role
from portal.family_contact.models import FamilyContactEntry, FamilyContactEntryVersion, FamilyMember
from portal.lifecycle.stages import Stage
from portal.media_inquiries.models import InquiryEvent, InquiryStatus, MediaInquiry
from portal.notifications.models import OutboxMessage
from portal.publication.models import PublishedDocument
from portal.reviews.models import Review, Subject
from portal.trawls import service as trawls
from portal.trawls.models import ReturnKind, Trawl, TrawlRequest
from tests.family_contact.builders import make_entry
from tests.media_inquiries.builders import log as log_inquiry
from tests.security.conftest import ANON, CSP_X, CSP_Y, LEAD_A, LEAD_B, ROLES, request, routes

ADMIN, OFFICER = Role.ADMIN.value, Role.REVIEW_OFFICER.value
# Who may see none of it:
PEOPLE = (ANON, LEAD_B, CSP_X, CSP_Y)  # a review's people and agency A's answers
FAMILY = (ANON, LEAD_A, LEAD_B, CSP_X, CSP_Y)  # the family-contact log: officers and admins only
INQUIRY = (ANON, LEAD_B, CSP_Y)  # what agency A logged about partnership X's review
MEDIA_WORK = (ANON, LEAD_A, LEAD_B, CSP_Y)  # drafts, consent notes, history notes: staff only
PUBLICATION = (ANON, LEAD_A, LEAD_B, CSP_Y)  # a review's publication page: staff, its own CSP team
# Special-category data (health, family, the circumstances of a death): every page showing it
# is audited (test_audit_completeness.py). The rest is restricted, but not of that kind.
SPECIAL_CATEGORY = (PEOPLE, FAMILY)

# (model, field, hidden from) -> the canary is written there, made unique per field.
CANARY_FIELDS = [
    (Subject, "full_name", PEOPLE),
    (Subject, "aliases", PEOPLE),
    (Subject, "address_at_time", PEOPLE),
    (Subject, "previous_addresses", PEOPLE),
    (Subject, "relationship_to_deceased", PEOPLE),
    (Trawl, "instructions", PEOPLE),
    (FamilyMember, "referred_to_as", FAMILY),
    (FamilyMember, "relationship", FAMILY),
    (FamilyMember, "route_details", FAMILY),
    (FamilyMember, "language", FAMILY),
    (FamilyMember, "safety_note", FAMILY),
    (FamilyMember, "notes", FAMILY),
    (FamilyContactEntry, "made_by", FAMILY),
    (FamilyContactEntry, "summary", FAMILY),
    (FamilyContactEntry, "outcome", FAMILY),
    (MediaInquiry, "received_by_name", INQUIRY),
    (MediaInquiry, "outlet", INQUIRY),
    (MediaInquiry, "journalist_name", INQUIRY),
    (MediaInquiry, "journalist_phone", INQUIRY),
    (MediaInquiry, "question", INQUIRY),
    (MediaInquiry, "sent_response", INQUIRY),
    (MediaInquiry, "draft_response", MEDIA_WORK),
    (MediaInquiry, "approval_note", MEDIA_WORK),
    (MediaInquiry, "close_reason", MEDIA_WORK),
    (Review, "hold_reason", PUBLICATION),
    (PublishedDocument, "original_name", PUBLICATION),
]
# Written below with their own rows (the fields above are on the world's records):
EXTRA_CANARIES = {
    "CANARY80xEntryHistory": FAMILY,  # an entry's value before an edit, on its history page
    "CANARY81xEntryErrorReason": FAMILY,  # why an entry was entered in error
    "CANARY82xEntryInError": FAMILY,  # the struck-through entry's summary
    "CANARY83xInquiryEventNote": MEDIA_WORK,  # a note in the inquiry's history
    "canary84xjournalistemail": INQUIRY,  # an address, so in lower case
}
ANSWER_CANARIES = {
    "CANARY90xReturnSummary": PEOPLE,
    "CANARY91xExtensionReason": PEOPLE,
    "CANARY92xPersonalInterest": PEOPLE,
}
# Stored but on show to nobody in this state, so only the leak check applies to them: the
# request for more time is settled by the answer that follows it; an inquiry that has been
# answered shows what was sent, not the draft, and was not closed with no comment.
NOT_ON_SHOW = {"CANARY91xExtensionReason", (MediaInquiry, "draft_response"), (MediaInquiry, "close_reason")}


def canary_for(number: int, model, field: str) -> str:
    return f"CANARY{number:02d}x{model.__name__}{field}".replace("_", "")


def _row(world, model):
    review_id = world.values["review_id"]
    return {
        Subject: lambda: Subject.get_by_id(world.values["subject_id"]),
        Trawl: lambda: Trawl.get(Trawl.review == review_id),
        FamilyMember: lambda: world.records["member"],
        FamilyContactEntry: lambda: world.records["entry"],
        MediaInquiry: lambda: world.records["inquiry"],
        Review: lambda: Review.get_by_id(review_id),
        PublishedDocument: lambda: world.records["document"],
    }[model]()


def plant(world) -> dict[str, tuple]:
    """Write every canary; {canary: roles that must never see it}."""
    canaries: dict[str, tuple] = {}
    for number, (model, field, hidden) in enumerate(CANARY_FIELDS):
        value = canary_for(number, model, field)
        canaries[value] = hidden
        model.update({getattr(model, field): value}).where(model.id == _row(world, model).id).execute()
    # The frozen copy of the people that agencies see.
    trawl = Trawl.get(Trawl.review == world.values["review_id"])
    names = {"full_name": canary_for(0, Subject, "full_name"), "aliases": canary_for(1, Subject, "aliases")}
    Trawl.update(subjects_snapshot=[{**item, **names} for item in trawl.subjects_snapshot]).where(
        Trawl.id == trawl.id
    ).execute()
    _put_in_state(world)
    canaries.update(EXTRA_CANARIES)
    canaries.update(plant_answers(world))
    return canaries


def shown_canaries(canaries: dict) -> list[str]:
    fields = {
        canary_for(n, model, field)
        for n, (model, field, _) in enumerate(CANARY_FIELDS)
        if (model, field) in NOT_ON_SHOW
    }
    return [canary for canary in canaries if canary not in NOT_ON_SHOW | fields]


def _put_in_state(world) -> None:
    """What makes each canary show where it belongs: a published review kept online, a safety
    concern, an edited entry and one entered in error, an answered inquiry with a note."""
    review_id, officer = world.values["review_id"], world.users[Role.REVIEW_OFFICER.value]
    today = dt.date.today()
    Review.update(
        stage=Stage.PUBLISHED,
        cleared_on=today - dt.timedelta(days=60),
        publication_planned_on=today - dt.timedelta(days=40),
        published_on=today - dt.timedelta(days=30),
        removal_due_on=today + dt.timedelta(days=335),
        held_until=today + dt.timedelta(days=400),
    ).where(Review.id == review_id).execute()
    FamilyMember.update(safety_concern=True).where(FamilyMember.id == world.records["member"].id).execute()
    entry = FamilyContactEntry.get_by_id(world.records["entry"].id)
    old = entry.snapshot([world.records["member"]]) | {"summary": "CANARY80xEntryHistory"}
    FamilyContactEntryVersion.create(
        entry=entry, version=1, values=old, changed=["summary"], changed_by=officer
    )
    FamilyContactEntry.update(version=2).where(FamilyContactEntry.id == entry.id).execute()
    make_entry(
        Review.get_by_id(review_id),
        [world.records["member"]],
        summary="CANARY82xEntryInError",
        entered_in_error=True,
        error_reason="CANARY81xEntryErrorReason",
        error_marked_by=officer,
        error_marked_at=dt.datetime(2026, 3, 11, 9, 0),
        version=2,
    )
    inquiry = world.records["inquiry"]
    csp = world.users[CSP_X]
    MediaInquiry.update(
        status=InquiryStatus.RESPONDED,
        journalist_email="canary84xjournalistemail@post.example",
        drafted_by=officer,
        drafted_at=dt.datetime(2026, 3, 11, 9, 0),
        approved_by=csp,
        approved_at=dt.datetime(2026, 3, 11, 10, 0),
        responded_by=officer,
        responded_at=dt.datetime(2026, 3, 11, 11, 0),
    ).where(MediaInquiry.id == inquiry.id).execute()
    InquiryEvent.create(
        inquiry=inquiry.id,
        actor=csp,
        from_status=InquiryStatus.RESPONSE_DRAFTED,
        to_status=InquiryStatus.APPROVED,
        note="CANARY83xInquiryEventNote",
    )


def plant_answers(world) -> dict[str, tuple]:
    """Agency A's own answer and request for more time, written through the service."""
    request_a = TrawlRequest.get_by_id(world.values["request_id"])
    lead = world.users[LEAD_A]
    with world.app.test_request_context():
        trawls.request_extension(
            request_a,
            request_a.version,
            "CANARY91xExtensionReason",
            request_a.due_date + dt.timedelta(days=9),
            lead,
        )
        request_a = TrawlRequest.get_by_id(request_a.id)
        trawls.submit_return(
            request_a,
            request_a.version,
            ReturnKind.INVOLVEMENT,
            {
                "summary": "CANARY90xReturnSummary",
                "contact_from": dt.date(2025, 1, 4),
                "contact_to": dt.date(2025, 2, 9),
                "contact_outside_scope": False,
                "contact_outside_scope_note": "",
                "records_secured": True,
                "personal_interest": True,
                "personal_interest_note": "CANARY92xPersonalInterest",
            },
            lead,
        )
    return dict(ANSWER_CANARIES)


def crawl(world, role: str) -> dict[str, str]:
    client = world.fresh_client(role)
    pages = {}
    for rule, _ in routes(world.app, methods=("GET",)):
        if rule.endpoint == "static":
            continue
        url = world.url(rule)
        for htmx in (False, True):
            response = request(client, "GET", url, htmx=htmx)
            pages[f"{'htmx ' if htmx else ''}{url}"] = response.get_data().decode("utf-8", "replace")
    return pages


def test_canaries_appear_only_where_the_role_has_access(world):
    canaries = plant(world)
    leaks, seen = [], {}
    for role in ROLES:
        pages = crawl(world, role)
        seen[role] = "\n".join(pages.values())
        hidden = [canary for canary, roles in canaries.items() if role in roles]
        for url, body in pages.items():
            leaks += [f"{role} saw {canary} on {url}" for canary in hidden if canary in body]
    print(f"{len(canaries)} canaries, {len(ROLES)} roles, {len(pages)} pages and fragments each")
    assert not leaks, "\n".join(leaks)
    # The crawl does reach them where access is given, so the absence above means something.
    shown = shown_canaries(canaries)
    for role in (OFFICER, ADMIN):
        missing = [canary for canary in shown if canary not in seen[role] and canaries[canary] != PEOPLE]
        assert not missing, f"{role} never saw {missing}"
    assert not [canary for canary in shown if canaries[canary] == PEOPLE and canary not in seen[OFFICER]]
    for role, visible in ((LEAD_A, (INQUIRY,)), (CSP_X, (INQUIRY, MEDIA_WORK, PUBLICATION))):
        expected = [canary for canary in shown if canaries[canary] in visible]
        assert expected and not [c for c in expected if c not in seen[role]], role
    assert "CANARY00xSubjectfullname" in seen[LEAD_A] and "CANARY90xReturnSummary" in seen[LEAD_A]


def test_no_canary_in_any_email(world):
    canaries = plant(world)
    request_a = TrawlRequest.get_by_id(world.values["request_id"])
    from portal.jobs.runner import run_job
    from portal.publication import service as publication

    # A new inquiry full of canaries (routed at once, and near its deadline, so its owner is
    # reminded straight away), a contact due, a report coming off the website.
    lead = world.users[LEAD_A]
    review = Review.get_by_id(world.values["review_id"])
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    log_inquiry(
        world.app,
        lead,
        review,
        outlet="CANARY93xOutlet",
        journalist_name="CANARY94xJournalist",
        question="CANARY95xQuestion",
        received_by_name="CANARY96xReceivedBy",
        deadline_at=now + dt.timedelta(hours=2),
    )
    canaries |= {"CANARY93xOutlet": INQUIRY, "CANARY94xJournalist": INQUIRY, "CANARY95xQuestion": INQUIRY}
    FamilyContactEntry.update(next_contact_due=request_a.due_date).where(
        FamilyContactEntry.review == review.id
    ).execute()
    # Reminders and escalations for every stage, then everything else queued so far.
    for days in (-3, 0, 4, 9):
        when = dt.datetime.combine(request_a.due_date + dt.timedelta(days=days), dt.time(9))
        with time_machine.travel(when.replace(tzinfo=dt.UTC), tick=False):
            for job in ("trawl_reminders", "family_contact_reminders", "media_deadline_reminders"):
                run_job(world.app, job)
            run_job(world.app, "deadline_digest")
    with world.app.test_request_context():
        review = Review.get_by_id(review.id)
        publication.remove_early(review, review.version, "CANARY97xRemovalReason", world.users[CSP_X])
    canaries["CANARY97xRemovalReason"] = PUBLICATION
    messages = list(OutboxMessage.select())
    templates = {message.template for message in messages}
    print(f"{len(messages)} emails checked, from the templates {sorted(templates)}")
    assert {
        "trawl_reminder",
        "family_contact_due",
        "media_inquiry_routed",
        "publication_removed",
    } <= templates
    for message in messages:
        text = " ".join(
            [message.recipient, message.subject, message.text_body or "", message.html_body or ""]
        )
        assert not [canary for canary in canaries if canary.lower() in text.lower()], message.subject
