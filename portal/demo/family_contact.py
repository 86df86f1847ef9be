"""Fictional family contact for two demo reviews: two people and three log entries each.

Every name is invented. Dates are relative to today, so one next contact is
always coming up and the milestones show some done and some not yet.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from portal.accounts.models import User
from portal.clock import local_to_utc, local_today
from portal.family_contact.models import (
    ContactMethod,
    ContactPurpose,
    ContactRoute,
    FamilyContactEntry,
    FamilyContactEntryMember,
    FamilyMember,
    Participation,
    initials_of,
)
from portal.reviews.models import Review


class Person(NamedTuple):
    referred_to_as: str
    relationship: str
    participation: Participation
    route: ContactRoute
    named_contact: str = ""
    safety_note: str = ""


class Contact(NamedTuple):
    days_ago: int
    hour: int
    with_people: tuple[int, ...]  # indexes into the review's people
    route: ContactRoute
    method: ContactMethod
    purpose: ContactPurpose
    summary: str
    outcome: str = ""
    next_due_in_days: int | None = None


FLO, ADVOCATE = ContactRoute.FLO, ContactRoute.ADVOCATE
PEOPLE = {
    "DARDR-2026-001": (
        Person("Ines Kestle", "Mother", Participation.ENGAGED, FLO, "DC Fenna Marlow, family liaison"),
        Person("Tomas Brill", "Friend", Participation.ENGAGED, ContactRoute.DIRECT),
    ),
    "DHR-2025-007": (
        Person("Petra Wray", "Daughter", Participation.ENGAGED, ADVOCATE, "Northvale Victim Support Hub"),
        Person(
            "Odile Hartigan",
            "Sister",
            Participation.DECLINED,
            ADVOCATE,
            "Northvale Independent Domestic Violence Advisers",
            "Other family members must not learn how to reach her.",
        ),
    ),
}
CONTACTS = {
    "DARDR-2026-001": (
        Contact(
            30, 11, (0,), FLO, ContactMethod.IN_PERSON, ContactPurpose.FIRST_CONTACT,
            "The chair met the mother at home with the liaison officer and gave her the Home Office leaflet.",
            "She wants to take part and asked for updates through the liaison officer.",
        ),
        Contact(
            20, 14, (0,), FLO, ContactMethod.PHONE, ContactPurpose.PROCESS_EXPLAINED,
            "Explained what the review looks at and what will be published.",
        ),
        Contact(
            10, 10, (1,), ContactRoute.DIRECT, ContactMethod.VIDEO, ContactPurpose.TERMS_OF_REFERENCE,
            "The friend suggested the review look at contact with the GP surgery.",
            "Passed to the panel for the terms of reference.",
            next_due_in_days=7,
        ),
    ),
    "DHR-2025-007": (
        Contact(
            250, 10, (0, 1), ADVOCATE, ContactMethod.IN_PERSON, ContactPurpose.FIRST_CONTACT,
            "The chair met the daughter and the sister with their advocates and gave them the leaflet.",
            "The daughter will take part. The sister declined but wants to be told when the review ends.",
        ),
        Contact(
            40, 15, (0,), ADVOCATE, ContactMethod.IN_PERSON, ContactPurpose.DRAFT_REPORT_SHARED,
            "The chair went through the draft overview report with the daughter.",
        ),
        Contact(
            33, 12, (0,), ADVOCATE, ContactMethod.LETTER, ContactPurpose.DISAGREEMENT_RECORDED,
            "The daughter disagrees with how the report describes her father's health.",
            "Her view is recorded in the report.",
            next_due_in_days=3,
        ),
    ),
}  # fmt: skip


def load_demo_family_contact(officer: User) -> int:
    """People and log entries for the demo reviews that have them; the number of entries."""
    today = local_today()
    count = 0
    for review in Review.select().where(Review.reference.in_(list(PEOPLE))):
        people = [
            FamilyMember.create(
                review=review,
                referred_to_as=person.referred_to_as,
                initials=initials_of(person.referred_to_as),
                relationship=person.relationship,
                participation=person.participation,
                preferred_route=person.route,
                route_details=person.named_contact,
                safety_concern=bool(person.safety_note),
                safety_note=person.safety_note,
                created_by=officer,
            )
            for person in PEOPLE[review.reference]
        ]
        for contact in CONTACTS[review.reference]:
            day = today - dt.timedelta(days=contact.days_ago)
            due = contact.next_due_in_days
            entry = FamilyContactEntry.create(
                review=review,
                contacted_at=local_to_utc(dt.datetime.combine(day, dt.time(contact.hour))),
                made_by="The independent chair",
                route=contact.route,
                method=contact.method,
                purpose=contact.purpose,
                summary=contact.summary,
                outcome=contact.outcome,
                next_contact_due=today + dt.timedelta(days=due) if due else None,
                recorded_by=officer,
            )
            links = [{"entry": entry, "member": people[index]} for index in contact.with_people]
            FamilyContactEntryMember.insert_many(links).execute()
            count += 1
    return count
