"""Test 3: canary crawl. A unique string in every restricted field of partnership X's review
and agency A's answer; every page, fragment and export crawled as each role; the
canaries appear nowhere a role has no access, and in no email at all.

Restricted fields are listed in CANARY_FIELDS (a new one joins with a line); the
roles that may see none of them are NO_ACCESS.
"""

from __future__ import annotations

import datetime as dt

import time_machine

from portal.accounts.models import Role
from portal.notifications.models import OutboxMessage
from portal.reviews.models import Subject
from portal.trawls import service as trawls
from portal.trawls.models import ReturnKind, Trawl, TrawlRequest
from tests.security.conftest import ANON, CSP_X, CSP_Y, LEAD_A, LEAD_B, request, routes

# (model, field) -> where the canary is written; the value is made unique per field.
CANARY_FIELDS = [
    (Subject, "full_name"),
    (Subject, "aliases"),
    (Subject, "address_at_time"),
    (Subject, "previous_addresses"),
    (Subject, "relationship_to_deceased"),
    (Trawl, "instructions"),
]
# Who may see none of a partnership X review's people or agency A's answers.
NO_ACCESS = (ANON, LEAD_B, CSP_X, CSP_Y)


def plant(world) -> list[str]:
    canaries = []
    subject = Subject.get_by_id(world.values["subject_id"])
    for model, field in CANARY_FIELDS:
        value = f"CANARY{len(canaries):02d}x{model.__name__}{field}".replace("_", "")
        canaries.append(value)
        row = subject if model is Subject else Trawl.get(Trawl.review == world.values["review_id"])
        model.update({getattr(model, field): value}).where(model.id == row.id).execute()
    # The frozen copy agencies see, and agency A's own answer and request for more time.
    Trawl.update(
        subjects_snapshot=[{**item, "full_name": canaries[0], "aliases": canaries[1]} for item in _snapshot(world)]
    ).where(Trawl.review == world.values["review_id"]).execute()
    request_a = TrawlRequest.get_by_id(world.values["request_id"])
    lead = world.users[LEAD_A]
    summary, reason = "CANARY90xReturnSummary", "CANARY91xExtensionReason"
    with world.app.test_request_context():
        trawls.request_extension(request_a, request_a.version, reason, request_a.due_date + dt.timedelta(days=9), lead)
        request_a = TrawlRequest.get_by_id(request_a.id)
        trawls.submit_return(
            request_a,
            request_a.version,
            ReturnKind.INVOLVEMENT,
            {
                "summary": summary,
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
    return canaries + [summary, reason, "CANARY92xPersonalInterest"]


def _snapshot(world) -> list[dict]:
    return Trawl.get(Trawl.review == world.values["review_id"]).subjects_snapshot


def crawl(world, role: str) -> dict[str, str]:
    client = world.fresh_client(role)
    pages = {}
    for rule, _ in routes(world.app, methods=("GET",)):
        if rule.endpoint == "static":
            continue
        url = world.url(rule)
        for htmx in (False, True):
            response = request(client, "GET", url, htmx=htmx)
            pages[f"{'htmx ' if htmx else ''}{url}"] = response.get_data(as_text=True)
    return pages


def test_canaries_appear_only_where_the_role_has_access(world):
    canaries = plant(world)
    leaks = []
    for role in NO_ACCESS:
        for url, body in crawl(world, role).items():
            leaks += [f"{role} saw {canary} on {url}" for canary in canaries if canary in body]
    assert not leaks, "\n".join(leaks)
    # The crawl does reach them where access is given, so the absence above means something.
    seen = "\n".join(crawl(world, Role.REVIEW_OFFICER.value).values())
    # (The request for more time is settled by the answer that follows it, so its reason
    # is no longer on show to anyone: it is still in the leak check above.)
    shown = [canary for canary in canaries if canary != "CANARY91xExtensionReason"]
    assert all(canary in seen for canary in shown), [c for c in shown if c not in seen]
    seen_by_lead = "\n".join(crawl(world, LEAD_A).values())
    assert canaries[0] in seen_by_lead and "CANARY90xReturnSummary" in seen_by_lead


def test_no_canary_in_any_email(world):
    canaries = plant(world)
    request_a = TrawlRequest.get_by_id(world.values["request_id"])
    from portal.jobs.runner import run_job

    # Reminders and escalations for every stage, then everything else queued so far.
    for days in (-3, 0, 4, 9):
        when = dt.datetime.combine(request_a.due_date + dt.timedelta(days=days), dt.time(9))
        with time_machine.travel(when.replace(tzinfo=dt.UTC), tick=False):
            run_job(world.app, "trawl_reminders")
    messages = list(OutboxMessage.select())
    assert messages, "the crawl queued no email, so it proves nothing"
    for message in messages:
        text = " ".join([message.recipient, message.subject, message.text_body or "", message.html_body or ""])
        assert not [canary for canary in canaries if canary in text], message.subject
