"""Builders for family-contact records in tests. Every name is invented."""

from __future__ import annotations

import datetime as dt

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


def make_member(review, referred_to_as: str = "Ada Penrow", **values) -> FamilyMember:
    values.setdefault("initials", initials_of(referred_to_as))
    values.setdefault("relationship", "Sister")
    values.setdefault("participation", Participation.ENGAGED)
    values.setdefault("preferred_route", ContactRoute.FLO)
    values.setdefault("created_by", review.review_officer)
    return FamilyMember.create(review=review, referred_to_as=referred_to_as, **values)


def make_entry(review, members, purpose: ContactPurpose = ContactPurpose.FIRST_CONTACT, **values):
    values.setdefault("contacted_at", dt.datetime(2026, 3, 10, 11, 0))
    values.setdefault("made_by", "The independent chair")
    values.setdefault("route", ContactRoute.FLO)
    values.setdefault("method", ContactMethod.IN_PERSON)
    values.setdefault("summary", "Met at the family home with the liaison officer.")
    values.setdefault("recorded_by", review.review_officer)
    entry = FamilyContactEntry.create(review=review, purpose=purpose, **values)
    for member in members:
        FamilyContactEntryMember.create(entry=entry, member=member)
    return entry
