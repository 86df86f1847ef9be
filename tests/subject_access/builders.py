"""A small world for subject access tests: one person recorded in every kind of record, and others
who must not be found. Every name is invented."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal.accounts.models import Role, User
from portal.family_contact.models import FamilyContactEntry, FamilyMember
from portal.media_inquiries.models import MediaInquiry
from portal.reviews.models import Review, Subject, SubjectRole
from portal.trawls.models import ReturnKind, TrawlRequest, TrawlReturn
from tests.factories import make_agency, make_user
from tests.family_contact.builders import make_entry, make_member
from tests.media_inquiries.builders import log
from tests.trawls.builders import issue, make_review, make_subject


@dataclass
class World:
    admin: User
    officer: User
    review: Review
    other_review: Review
    subject: Subject
    other_subject: Subject
    agency_return: TrawlReturn
    other_return: TrawlReturn
    member: FamilyMember
    other_member: FamilyMember
    entry_with_member: FamilyContactEntry
    entry_mentioning: FamilyContactEntry
    other_entry: FamilyContactEntry
    inquiry_about: MediaInquiry
    inquiry_by_alias: MediaInquiry
    other_inquiry: MediaInquiry


def _answer(request: TrawlRequest, summary: str, actor: User) -> TrawlReturn:
    return TrawlReturn.create(
        request=request,
        number=1,
        kind=ReturnKind.INVOLVEMENT,
        submitted_by=actor,
        summary=summary,
        records_secured=True,
    )


def make_world(app) -> World:
    admin = make_user(Role.ADMIN, full_name="Ada Admin")
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    subject = make_subject(
        review,
        full_name="Rowan Testcase",
        aliases="Rowan Testkase\nRo Tesco",
        date_of_birth=dt.date(1980, 5, 17),
        previous_addresses='=HYPERLINK("https://evil.example","Click")',
    )
    make_subject(review, role=SubjectRole.PERPETRATOR, full_name="Quill Bystander", aliases="")
    other_review = make_review(officer=officer)
    other_subject = make_subject(other_review, full_name="Morgan Elsewhere", aliases="Rowena Testa")
    agencies = [make_agency(), make_agency()]
    issue(app, review, agencies)
    issue(app, other_review, [agencies[0]])
    lead = make_user(Role.AGENCY_LEAD, agency=agencies[0])
    requests = list(TrawlRequest.select().order_by(TrawlRequest.id))
    agency_return = _answer(requests[0], "Rowan   TESTCASE attended the clinic twice in 2025.", lead)
    other_return = _answer(requests[2], "Morgan Elsewhere was seen once; Rowan was not known.", lead)
    member = make_member(review, referred_to_as="The sister", initials="R.T.")
    other_member = make_member(review, referred_to_as="Uncle Pim", initials="U.P.")
    entry_with_member = make_entry(review, [member], summary="Explained the process.")
    entry_mentioning = make_entry(review, [other_member], summary="Asked about Rowan Testcase's flat.")
    other_entry = make_entry(review, [other_member], summary="Rowan's neighbour called; Testcase unknown.")
    inquiry_about, _ = log(app, officer, review, question="Is the review into Rowan Testcase under way?")
    inquiry_by_alias, _ = log(app, officer, None, journalist_name="Ro Tesco", question="A general question.")
    other_inquiry, _ = log(
        app, officer, review, journalist_name="Jo Inkwell", question="When is it published?"
    )
    return World(
        admin,
        officer,
        review,
        other_review,
        subject,
        other_subject,
        agency_return,
        other_return,
        member,
        other_member,
        entry_with_member,
        entry_mentioning,
        other_entry,
        inquiry_about,
        inquiry_by_alias,
        other_inquiry,
    )
