"""What a subject access search found, record by record: the hits, why each matched, and the
whole record as the portal holds it (for the page and the export)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from portal.clock import to_local
from portal.family_contact.models import (
    ContactMethod,
    ContactPurpose,
    ContactRoute,
    FamilyContactEntry,
    FamilyMember,
    Participation,
)
from portal.media_inquiries.models import InquiryStatus, MediaInquiry, Topic
from portal.reviews.models import Subject, SubjectRole
from portal.subject_access import queries
from portal.subject_access.matching import (
    Strength,
    Variant,
    make_variants,
    match_initials,
    match_name,
    match_text,
)
from portal.trawls.models import ReturnKind, Trawl, TrawlReturn

# Aliases recorded on the subjects found, searched as well: at most this many more spellings.
MAX_STORED_ALIASES = 20


class RecordKind(StrEnum):
    SUBJECT = "subject"
    TRAWL_SUBJECT = "trawl_subject"
    AGENCY_RETURN = "agency_return"
    FAMILY_MEMBER = "family_member"
    FAMILY_CONTACT_ENTRY = "family_contact_entry"
    MEDIA_INQUIRY = "media_inquiry"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    RecordKind.SUBJECT: "People in reviews",
    RecordKind.TRAWL_SUBJECT: "People as sent to agencies in trawls",
    RecordKind.AGENCY_RETURN: "Agencies' returns that mention the name",
    RecordKind.FAMILY_MEMBER: "Family members and key contacts",
    RecordKind.FAMILY_CONTACT_ENTRY: "Family contact log entries",
    RecordKind.MEDIA_INQUIRY: "Media inquiries",
}


@dataclass(frozen=True)
class Criteria:
    name: str
    alternatives: tuple[str, ...] = ()
    date_of_birth: dt.date | None = None
    request_reference: str = ""

    def variants(self) -> list[Variant]:
        return make_variants([(self.name, "name")] + [(text, "alternative") for text in self.alternatives])


@dataclass(frozen=True)
class Match:
    field: str  # which field of the record matched
    value: str  # what it holds
    searched: str  # the spelling that found it
    strength: Strength


@dataclass
class Hit:
    kind: RecordKind
    record_id: int
    title: str
    review_reference: str = ""
    matches: list[Match] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    endpoint: str = ""
    endpoint_args: dict = field(default_factory=dict)
    note: str = ""
    names: tuple[str, ...] = ()  # a subject's full name and aliases, as stored

    @property
    def strength(self) -> Strength:
        return max(match.strength for match in self.matches)


@dataclass
class Results:
    criteria: Criteria
    variants: list[Variant]
    stored_aliases: list[Variant]  # spellings found on subjects and searched as well
    hits: dict[RecordKind, list[Hit]]
    searched_at: dt.datetime

    @property
    def counts(self) -> dict[str, int]:
        return {kind.value: len(self.hits[kind]) for kind in RecordKind}

    @property
    def total(self) -> int:
        return sum(len(found) for found in self.hits.values())

    @property
    def all_variants(self) -> list[Variant]:
        return self.variants + self.stored_aliases


def _best_name_match(variants: list[Variant], field_label: str, values: list[str]) -> list[Match]:
    found = []
    for value in values:
        for variant in variants:
            strength = match_name(variant, value)
            if strength:
                found.append(Match(field_label, value, variant.text, strength))
                break
    return found


def _text_matches(variants: list[Variant], fields: list[tuple[str, str]]) -> list[Match]:
    found = []
    for label, text in fields:
        for variant in variants:
            if text and match_text(variant, text):
                found.append(Match(label, _excerpt(text, variant), variant.text, Strength.MENTIONED))
                break
    return found


def _excerpt(text: str, variant: Variant, width: int = 60) -> str:
    """A little of the text around the first word searched, so the page shows why it matched."""
    lowered = text.lower()
    at = lowered.find(variant.words[0])
    if at < 0:
        return text[: width * 2]
    start, end = max(0, at - width), min(len(text), at + width)
    return ("…" if start else "") + " ".join(text[start:end].split()) + ("…" if end < len(text) else "")


def _date(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return to_local(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _dob_note(stored: str | None, wanted: dt.date | None) -> str:
    if wanted is None:
        return ""
    if not stored:
        return "No date of birth recorded"
    if stored == wanted.isoformat():
        return "Date of birth matches"
    return f"Different date of birth ({stored}): check it is the same person"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def subject_hits(rows, variants: list[Variant], criteria: Criteria) -> list[Hit]:
    hits = []
    for subject in rows:
        matches = _best_name_match(variants, "Full name", [subject.full_name]) + _best_name_match(
            variants, "Alternative spelling or alias", _lines(subject.aliases)
        )
        if not matches:
            continue
        dob = subject.date_of_birth.isoformat() if subject.date_of_birth else None
        hits.append(
            Hit(
                RecordKind.SUBJECT,
                subject.id,
                f"{subject.full_name} ({SubjectRole(subject.role).label.lower()})",
                subject.review.reference,
                matches,
                _subject_details(subject),
                "reviews.edit_subject",
                {"review_id": subject.review_id, "subject_id": subject.id},
                _dob_note(dob, criteria.date_of_birth),
                (subject.full_name, *_lines(subject.aliases)),
            )
        )
    return hits


def _subject_details(subject: Subject) -> list[tuple[str, str]]:
    return [
        ("Review", subject.review.reference),
        ("Role in the review", SubjectRole(subject.role).label),
        ("Full name", subject.full_name),
        ("Alternative spellings and aliases", "; ".join(_lines(subject.aliases))),
        ("Date of birth", _date(subject.date_of_birth)),
        ("Address at the time", subject.address_at_time),
        ("Known previous addresses", subject.previous_addresses),
        ("Relationship to the deceased", subject.relationship_to_deceased),
        ("Period to search from", _date(subject.scope_from)),
        ("Period to search to", _date(subject.scope_to)),
        ("Added", _date(subject.created_at)),
    ]


def stored_aliases(subjects: list[Hit], variants: list[Variant]) -> list[Variant]:
    """The other names of subjects found by a whole name: the same person, by the review's own record."""
    names = [name for hit in subjects if hit.strength is Strength.WHOLE_NAME for name in hit.names]
    known = {variant.words for variant in variants}
    extra = [
        v for v in make_variants([(name, "stored alias") for name in names if name]) if v.words not in known
    ]
    return extra[:MAX_STORED_ALIASES]


def trawl_hits(rows, variants: list[Variant], criteria: Criteria) -> list[Hit]:
    trawls: list[tuple[Trawl, dict, list[Match]]] = []
    for trawl in rows:
        for person in trawl.subjects_snapshot or []:
            matches = _best_name_match(variants, "Full name", [person.get("full_name", "")])
            matches += _best_name_match(
                variants, "Alternative spelling or alias", person.get("aliases") or []
            )
            if matches:
                trawls.append((trawl, person, matches))
    counts = queries.request_counts(sorted({trawl.id for trawl, _, _ in trawls}))
    hits = []
    for trawl, person, matches in trawls:
        asked, answered = counts.get(trawl.id, (0, 0))
        hits.append(
            Hit(
                RecordKind.TRAWL_SUBJECT,
                trawl.id,
                f"{person.get('full_name', '')}: trawl {trawl.number}",
                trawl.review.reference,
                matches,
                [
                    ("Review", trawl.review.reference),
                    ("Trawl", trawl.label),
                    ("Issued", _date(trawl.issued_on)),
                    ("Agencies asked", str(asked)),
                    ("Agencies that have answered", str(answered)),
                    ("Role in the review", person.get("role_label", "")),
                    ("Full name", person.get("full_name", "")),
                    ("Alternative spellings and aliases", "; ".join(person.get("aliases") or [])),
                    ("Date of birth", person.get("date_of_birth") or ""),
                    ("Address at the time", person.get("address_at_time", "")),
                    ("Known previous addresses", person.get("previous_addresses", "")),
                    ("Relationship to the deceased", person.get("relationship_to_deceased", "")),
                    ("Period to search from", person.get("scope_from") or ""),
                    ("Period to search to", person.get("scope_to") or ""),
                ],
                "trawls.dashboard",
                {"review_id": trawl.review_id},
                "; ".join(
                    note
                    for note in (
                        _dob_note(person.get("date_of_birth"), criteria.date_of_birth),
                        f"{answered} of {asked} agencies have answered this trawl about the people it names"
                        if answered
                        else "",
                    )
                    if note
                ),
            )
        )
    return hits


def return_hits(rows, variants: list[Variant]) -> list[Hit]:
    hits = []
    for answer in rows:
        answer: TrawlReturn
        matches = _text_matches(
            variants,
            [
                ("Summary of involvement", answer.summary),
                ("Contact outside the period searched", answer.contact_outside_scope_note),
                ("Personal interest", answer.personal_interest_note),
            ],
        )
        if not matches:
            continue
        request = answer.request
        hits.append(
            Hit(
                RecordKind.AGENCY_RETURN,
                answer.id,
                f"{request.agency.name}: return {answer.number}",
                request.review.reference,
                matches,
                [
                    ("Review", request.review.reference),
                    ("Agency", request.agency.name),
                    ("Return", str(answer.number)),
                    ("Kind", ReturnKind(answer.kind).label),
                    ("Submitted", _date(answer.submitted_at)),
                    ("Summary of involvement", answer.summary),
                    ("First contact", _date(answer.contact_from)),
                    ("Last contact", _date(answer.contact_to)),
                    ("Contact outside the period searched", answer.contact_outside_scope_note),
                    ("Records secured", "Yes" if answer.records_secured else "No"),
                    ("Personal interest", answer.personal_interest_note),
                ],
                "trawls.show_request",
                {"request_id": request.id},
            )
        )
    return hits


def member_hits(rows, variants: list[Variant]) -> list[Hit]:
    hits = []
    for member in rows:
        member: FamilyMember
        matches = _best_name_match(variants, "Referred to as", [member.referred_to_as])
        for variant in variants:
            if match_initials(variant, member.initials):
                matches.append(Match("Initials", member.initials, variant.text, Strength.INITIALS))
                break
        matches += _text_matches(variants, [("Notes", member.notes), ("Safety note", member.safety_note)])
        if not matches:
            continue
        hits.append(
            Hit(
                RecordKind.FAMILY_MEMBER,
                member.id,
                f"{member.referred_to_as} ({member.initials})",
                member.review.reference,
                matches,
                [
                    ("Review", member.review.reference),
                    ("Referred to as", member.referred_to_as),
                    ("Initials", member.initials),
                    ("Relationship to the deceased", member.relationship),
                    ("Taking part", Participation(member.participation).label),
                    ("Preferred route", ContactRoute(member.preferred_route).label),
                    ("Named contact", member.route_details),
                    ("Language", member.language),
                    ("Interpreter needed", "Yes" if member.interpreter_needed else "No"),
                    ("Safety concern", "Yes" if member.safety_concern else "No"),
                    ("Safety note", member.safety_note),
                    ("Notes", member.notes),
                    ("Added", _date(member.created_at)),
                ],
                "family_contact.edit_member",
                {"review_id": member.review_id, "member_id": member.id},
            )
        )
    return hits


def entry_hits(variants: list[Variant], members: list[Hit]) -> list[Hit]:
    member_strength = {hit.record_id: hit.strength for hit in members}
    member_ids = list(member_strength)
    entries = list(queries.family_entries(variants, member_ids))
    people = queries.entry_members([entry.id for entry in entries])
    hits = []
    for entry in entries:
        entry: FamilyContactEntry
        with_whom = people.get(entry.id, [])
        matches = [
            Match("With", member.referred_to_as, "a family member found above", member_strength[member.id])
            for member in with_whom
            if member.id in member_strength
        ]
        matches += _text_matches(variants, [("Summary", entry.summary), ("Outcome", entry.outcome)])
        if not matches:
            continue
        hits.append(
            Hit(
                RecordKind.FAMILY_CONTACT_ENTRY,
                entry.id,
                f"{_date(entry.contacted_at)}: {ContactPurpose(entry.purpose).label}",
                entry.review.reference,
                matches,
                [
                    ("Review", entry.review.reference),
                    ("Date and time", _date(entry.contacted_at)),
                    ("With", "; ".join(f"{m.referred_to_as} ({m.initials})" for m in with_whom)),
                    ("Made by", entry.made_by),
                    ("Contact made", "Yes" if entry.contact_made else "No, attempted"),
                    ("Route", ContactRoute(entry.route).label),
                    ("Method", ContactMethod(entry.method).label),
                    ("Purpose", ContactPurpose(entry.purpose).label),
                    ("Summary", entry.summary),
                    ("Outcome", entry.outcome),
                    ("Next contact due", _date(entry.next_contact_due)),
                    ("Entered in error", entry.error_reason if entry.entered_in_error else "No"),
                ],
                "family_contact.entry_history",
                {"review_id": entry.review_id, "entry_id": entry.id},
            )
        )
    return hits


MEDIA_NAME_LABELS = {
    "journalist_name": "Journalist",
    "journalist_email": "Journalist's email",
    "received_by_name": "Received by",
}
MEDIA_TEXT_LABELS = {
    "question": "Question",
    "draft_response": "Draft response",
    "sent_response": "Response sent",
    "approval_note": "Approval note",
    "close_reason": "Reason for closing",
}


def media_hits(rows, variants: list[Variant]) -> list[Hit]:
    hits = []
    for inquiry in rows:
        inquiry: MediaInquiry
        matches = []
        for name, label in MEDIA_NAME_LABELS.items():
            matches += _best_name_match(variants, label, [getattr(inquiry, name)])
        matches += _text_matches(
            variants, [(label, getattr(inquiry, name)) for name, label in MEDIA_TEXT_LABELS.items()]
        )
        if not matches:
            continue
        reference = inquiry.review.reference if inquiry.review_id else ""
        hits.append(
            Hit(
                RecordKind.MEDIA_INQUIRY,
                inquiry.id,
                f"{inquiry.outlet}: {inquiry.journalist_name}",
                reference,
                matches,
                [
                    ("Review", reference),
                    ("Received", _date(inquiry.received_at)),
                    ("Received by", inquiry.received_by_name),
                    ("Outlet", inquiry.outlet),
                    ("Journalist", inquiry.journalist_name),
                    ("Journalist's email", inquiry.journalist_email),
                    ("Journalist's phone", inquiry.journalist_phone),
                    ("Topic", Topic(inquiry.topic).label),
                    ("Status", InquiryStatus(inquiry.status).label),
                    ("Question", inquiry.question),
                    ("Deadline", _date(inquiry.deadline_at)),
                    ("Draft response", inquiry.draft_response),
                    ("Approval note", inquiry.approval_note),
                    ("Response sent", inquiry.sent_response),
                    ("Reason for closing", inquiry.close_reason),
                ],
                "media_inquiries.show",
                {"inquiry_id": inquiry.id},
            )
        )
    return hits
