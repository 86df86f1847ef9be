"""The reads behind a subject access search: one query per kind of record, whatever the data.

Each narrows the rows in the database with `LOWER(column) LIKE ? ESCAPE '\\'` (patterns are
parameters, built by matching.like_fragment, so input is never SQL and `%`/`_` never wildcards),
a superset that matching.py then decides on. `LIKE '%…%'` cannot use an index: every search
reads each table once, which is fine for an occasional admin task.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import and_, or_

from peewee import JOIN, SQL, Cast, NodeList, Value, fn

from portal.family_contact.models import FamilyContactEntry, FamilyContactEntryMember, FamilyMember
from portal.media_inquiries.models import MediaInquiry
from portal.organisations.models import Agency
from portal.reviews.models import Review, Subject
from portal.subject_access.matching import Variant, initials_fragment, like_fragment
from portal.trawls.models import Trawl, TrawlRequest, TrawlReturn


def _like(lowered, fragment: str):
    # Plain LIKE on both engines (peewee would turn OP.LIKE into GLOB on SQLite); both sides lower case.
    pattern = Value(f"%{fragment}%", converter=False)
    return NodeList((lowered, SQL("LIKE"), pattern, SQL("ESCAPE"), Value("\\", converter=False)))


def _any(conditions: list):
    return reduce(or_, conditions) if conditions else Value(False)


def _all(conditions: list):
    return reduce(and_, conditions) if conditions else Value(True)


def words_in_any(columns: Iterable, variants: list[Variant], json_text: bool = False):
    """Rows where, for some variant, each of its words is somewhere in the columns.

    The columns are joined with line breaks (never in a fragment) and lowered once: one LIKE
    per word, not one per word and column.
    """
    columns = list(columns)
    haystack = reduce(lambda joined, column: joined.concat("\n").concat(column), columns[1:], columns[0])
    lowered = fn.LOWER(haystack)
    conditions = []
    for variant in variants:
        # A word with no fragment (non-ASCII letters only) cannot narrow the rows: matching.py decides.
        fragments = {like_fragment(word, json_text) for word in variant.words} - {""}
        conditions.append(_all([_like(lowered, fragment) for fragment in sorted(fragments)]))
    return _any(conditions)


def initials_like(column, variants: list[Variant]):
    fragments = {initials_fragment(variant) for variant in variants} - {None}
    return _any([_like(fn.LOWER(column), fragment) for fragment in sorted(fragments)])


def subjects(variants: list[Variant]):
    return (
        Subject.select(Subject, Review)
        .join(Review)
        .where(words_in_any([Subject.full_name, Subject.aliases], variants))
        .order_by(Review.reference, Subject.id)
    )


def trawls_naming(variants: list[Variant]):
    """Trawls whose frozen subjects may include the person (the JSON as text)."""
    snapshot = Cast(Trawl.subjects_snapshot, "TEXT")
    return (
        Trawl.select(Trawl, Review)
        .join(Review)
        .where(words_in_any([snapshot], variants, json_text=True))
        .order_by(Review.reference, Trawl.number)
    )


def request_counts(trawl_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per trawl: (agencies asked, agencies that have answered)."""
    if not trawl_ids:
        return {}
    rows = (
        TrawlRequest.select(
            TrawlRequest.trawl,
            fn.COUNT(TrawlRequest.id),
            fn.COUNT(TrawlRequest.answered_at),
        )
        .where(TrawlRequest.trawl.in_(trawl_ids))
        .group_by(TrawlRequest.trawl)
        .tuples()
    )
    return {trawl_id: (asked, answered) for trawl_id, asked, answered in rows}


def returns_mentioning(variants: list[Variant]):
    text = [TrawlReturn.summary, TrawlReturn.contact_outside_scope_note, TrawlReturn.personal_interest_note]
    return (
        TrawlReturn.select(TrawlReturn, TrawlRequest, Agency, Review)
        .join(TrawlRequest)
        .join(Agency)
        .switch(TrawlRequest)
        .join(Review)
        .where(words_in_any(text, variants))
        .order_by(Review.reference, Agency.name, TrawlReturn.number)
    )


def family_members(variants: list[Variant]):
    return (
        FamilyMember.select(FamilyMember, Review)
        .join(Review)
        .where(
            words_in_any(
                [FamilyMember.referred_to_as, FamilyMember.notes, FamilyMember.safety_note], variants
            )
            | initials_like(FamilyMember.initials, variants)
        )
        .order_by(Review.reference, FamilyMember.id)
    )


def family_entries(variants: list[Variant], member_ids: list[int]):
    """Entries that mention the name, and every entry of contact with a member found."""
    with_member = FamilyContactEntryMember.select(FamilyContactEntryMember.entry).where(
        FamilyContactEntryMember.member.in_(member_ids or [0])
    )
    return (
        FamilyContactEntry.select(FamilyContactEntry, Review)
        .join(Review)
        .where(
            words_in_any([FamilyContactEntry.summary, FamilyContactEntry.outcome], variants)
            | FamilyContactEntry.id.in_(with_member)
        )
        .order_by(Review.reference, FamilyContactEntry.contacted_at)
    )


def entry_members(entry_ids: list[int]) -> dict[int, list[FamilyMember]]:
    found: dict[int, list[FamilyMember]] = {}
    if not entry_ids:
        return found
    links = (
        FamilyContactEntryMember.select(FamilyContactEntryMember, FamilyMember)
        .join(FamilyMember)
        .where(FamilyContactEntryMember.entry.in_(entry_ids))
        .order_by(FamilyMember.id)
    )
    for link in links:
        found.setdefault(link.entry_id, []).append(link.member)
    return found


MEDIA_NAME_FIELDS = ("journalist_name", "journalist_email", "received_by_name")
MEDIA_TEXT_FIELDS = ("question", "draft_response", "sent_response", "approval_note", "close_reason")


def media_inquiries(variants: list[Variant]):
    names = [getattr(MediaInquiry, field) for field in MEDIA_NAME_FIELDS]
    text = [getattr(MediaInquiry, field) for field in MEDIA_TEXT_FIELDS]
    return (
        MediaInquiry.select(MediaInquiry, Review)
        .join(Review, JOIN.LEFT_OUTER)
        .where(words_in_any(names + text, variants))
        .order_by(MediaInquiry.received_at)
    )
