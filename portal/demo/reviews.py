"""Fictional reviews for the demo council: people, trawls and returns in every state.

Every name and address here is invented. Dates are relative to today so the
dashboard always has something due, something overdue and something answered.
"""

from __future__ import annotations

import datetime as dt

from portal.accounts.models import Role, User
from portal.clock import local_today, utcnow
from portal.lifecycle.models import HomeOfficeReturn, StageTransition
from portal.lifecycle.stages import DecisionOutcome, Stage
from portal.organisations.models import Agency, Partnership
from portal.reviews.models import Review, ReviewKind, Subject, SubjectRole
from portal.trawls.models import (
    DueBasis,
    ExtensionRequest,
    RequestStatus,
    ReturnKind,
    Trawl,
    TrawlPurpose,
    TrawlRequest,
    TrawlReturn,
)
from portal.workdays.calendar import WorkingDayCalendar

# (reference, kind, title, partnership index, days since notified, people)
REVIEWS = (
    (
        "DARDR-2026-001",
        ReviewKind.DARDR,
        "M.K. 2026",
        0,
        40,
        (
            (
                SubjectRole.DECEASED,
                "Marion Kestle",
                "Marion Kestel\nMaz Kestle",
                dt.date(1979, 4, 2),
                "Partner",
            ),
            (SubjectRole.PERPETRATOR, "Dale Orrick", "Dale Orick", dt.date(1977, 9, 30), "Partner"),
        ),
    ),
    (
        "DHR-2025-007",
        ReviewKind.DHR,
        "J.W. 2025",
        0,
        300,
        (
            (SubjectRole.DECEASED, "Jean Wray", "", dt.date(1950, 1, 12), ""),
            (SubjectRole.PERPETRATOR, "Colin Wray", "Col Wray", dt.date(1952, 6, 8), "Husband"),
            (SubjectRole.CHILD, "Petra Wray", "", dt.date(1985, 3, 3), "Daughter"),
        ),
    ),
    (
        "DHR-2026-002",
        ReviewKind.JOINT_SAR,
        "T.B. 2026",
        1,
        20,
        (
            (SubjectRole.DECEASED, "Tobias Brandt", "Toby Brandt", dt.date(1964, 11, 21), ""),
            (SubjectRole.HOUSEHOLD_MEMBER, "Nina Brandt", "", dt.date(1990, 2, 14), "Niece"),
        ),
    ),
    (
        "DARDR-2026-002",
        ReviewKind.DARDR,
        "R.S. 2026",
        2,
        5,
        (
            (SubjectRole.DECEASED, "Rhea Solvay", "Rhea Solvey", dt.date(1996, 8, 19), ""),
            (SubjectRole.PARTNER_PREVIOUS, "Kai Lund", "Kye Lund", dt.date(1994, 12, 1), "Former partner"),
        ),
    ),
)


def load_demo_reviews(officer: User) -> int:
    today = local_today()
    calendar = WorkingDayCalendar.load()
    partnerships = list(Partnership.select().order_by(Partnership.name))
    agencies = list(Agency.select().order_by(Agency.name))
    leads = {u.agency_id: u for u in User.select().where(User.role == Role.AGENCY_LEAD)}
    for index, (reference, kind, title, partnership, age, people) in enumerate(REVIEWS):
        notified = today - dt.timedelta(days=age)
        review = Review.create(
            reference=reference,
            kind=kind,
            title=title,
            partnership=partnerships[partnership],
            review_officer=officer,
            date_notified=notified,
            date_of_death=notified - dt.timedelta(days=3),
            created_by=officer,
        )
        subjects = [
            Subject.create(
                review=review,
                role=role,
                full_name=name,
                aliases=aliases,
                date_of_birth=born,
                relationship_to_deceased=relationship,
                address_at_time="1 Example Row, Northvale",
                scope_from=notified.replace(year=notified.year - 5),
                scope_to=notified,
            )
            for role, name, aliases, born, relationship in people
        ]
        _set_stage(review, index, notified, officer)
        issued_on = max(notified, today - dt.timedelta(days=age // 2 + 3))
        trawl = Trawl.create(
            review=review,
            number=1,
            purpose=TrawlPurpose.INITIAL,
            issued_on=issued_on,
            issued_by=officer,
            subjects_snapshot=[s.snapshot() for s in subjects],
        )
        due = calendar.add_working_days(issued_on, 10).due
        chosen = agencies[index::2][:10] + [
            a for a in agencies if a.id in leads and a not in agencies[index::2][:10]
        ]
        for position, agency in enumerate(chosen):
            request = TrawlRequest.create(
                trawl=trawl, review=review, agency=agency, due_date=due, due_basis=DueBasis.WORKING_DAYS
            )
            _answer_some(request, position, leads.get(agency.id) or officer, officer, today)
    return len(REVIEWS)


# Where each demo review has got to: (stage, days after notification the decision was made).
DEMO_STAGES = (
    (Stage.COMMISSIONED, 20),
    (Stage.RETURNED_FOR_AMENDMENT, 25),
    (Stage.INITIAL_SCOPING, None),
    (Stage.NOTIFIED, None),
)


def _set_stage(review: Review, index: int, notified: dt.date, officer: User) -> None:
    stage, decided_after = DEMO_STAGES[index]
    path = [s for s in Stage][: list(Stage).index(stage) + 1]
    path = [s for s in path if s is not Stage.NOT_COMMISSIONED]
    if decided_after is not None:
        review.decision_outcome = DecisionOutcome.REVIEW
        review.decision_on = notified + dt.timedelta(days=decided_after)
        review.home_office_told_on = review.decision_on + dt.timedelta(days=2)
        review.chair_appointed_on = review.decision_on + dt.timedelta(days=10)
    if stage is Stage.RETURNED_FOR_AMENDMENT:
        review.tor_agreed_on = review.decision_on + dt.timedelta(days=30)
        review.report_submitted_on = review.decision_on + dt.timedelta(days=200)
        HomeOfficeReturn.create(
            review=review,
            returned_on=review.report_submitted_on + dt.timedelta(days=60),
            feedback_summary="Make the action plan's recommendations measurable.",
            recorded_by=officer,
        )
    review.stage = stage
    review.save()
    for before, after in zip(path, path[1:], strict=False):
        StageTransition.create(
            review=review, from_stage=before.value, to_stage=after.value, by=officer, note="Demo data"
        )


def _answer_some(request: TrawlRequest, position: int, lead: User, officer: User, today: dt.date) -> None:
    """A spread of states: most nil returns, some involvement, one extension, the rest waiting."""
    if lead.role is Role.AGENCY_LEAD:
        return  # the demo agency leads find their requests waiting for them
    kind = {
        0: ReturnKind.INVOLVEMENT,
        1: ReturnKind.NIL_RETURN,
        2: ReturnKind.NIL_RETURN,
        3: ReturnKind.NIL_RETURN,
    }.get(position)
    if kind is None:
        if position == 4:
            ExtensionRequest.create(
                request=request,
                reason="Archived paper records are being retrieved.",
                proposed_date=request.due_date + dt.timedelta(days=14),
                requested_by=officer,
            )
            request.status = RequestStatus.EXTENSION_REQUESTED
            request.save()
        return
    TrawlReturn.create(
        request=request,
        number=1,
        kind=kind,
        submitted_by=officer,
        recorded_on_behalf=True,
        received_by="email",
        searched_names=True,
        searched_alternative_spellings=True,
        searched_dates_of_birth=True,
        searched_paper_records=True,
        searched_electronic_records=True,
        summary="Two appointments about housing repairs; no concerns recorded at the time."
        if kind is ReturnKind.INVOLVEMENT
        else "",
        contact_from=today - dt.timedelta(days=400) if kind is ReturnKind.INVOLVEMENT else None,
        contact_to=today - dt.timedelta(days=380) if kind is ReturnKind.INVOLVEMENT else None,
        records_secured=kind is ReturnKind.INVOLVEMENT,
    )
    request.status = RequestStatus(kind.value)
    request.answered_at = utcnow()
    request.answered_by = officer
    request.save()
