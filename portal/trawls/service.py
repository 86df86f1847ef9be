"""The rules of trawls and returns: who may do what, and what each step changes.

Every write names the version the user saw (a stale one raises
StaleRecordError) and is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from peewee import fn

from portal.audit.service import record
from portal.clock import local_today, utcnow
from portal.database import StaleRecordError, is_sqlite
from portal.extensions import db
from portal.reviews.models import Review, Subject
from portal.trawls.models import (
    ANSWERED_STATUSES,
    DEFAULT_WORKING_DAYS,
    OPEN_STATUSES,
    DueBasis,
    ExtensionDecision,
    ExtensionRequest,
    ReceivedBy,
    RequestStatus,
    ReturnKind,
    Trawl,
    TrawlPurpose,
    TrawlRequest,
    TrawlReturn,
)
from portal.workdays.calendar import DueDate, WorkingDayCalendar


class TrawlRuleError(ValueError):
    """A step the rules do not allow now; the message is for the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# The overview's sort keys on Review -------------------------------------------------------------


def refresh_overview_keys(review_ids: Iterable[int] | None) -> None:
    """Store each review's earliest open and earliest awaiting due dates (the returns overview
    sorts by them: overdue first, then by next due date) from its requests, in one UPDATE.

    Call it, in the same transaction, after any change to a request's status or due date; with
    None (every review) after loading requests by other means (demo data, bench/generate.py).
    Not a user's edit: the review's version is left alone, so nobody editing it gets a conflict.
    """
    reviews = Review.select(Review.id)
    if review_ids is not None:
        review_ids = sorted(set(review_ids))
        if not review_ids:
            return
        reviews = reviews.where(Review.id.in_(review_ids))
    if not is_sqlite(Review._meta.database):
        # Wait for any other transaction changing these reviews' requests to commit, so the
        # UPDATE below (a new statement, a new snapshot) sees their changes too. SQLite needs
        # nothing: its writers take turns (BEGIN IMMEDIATE). NO KEY UPDATE does not wait for
        # transactions merely inserting requests (they hold KEY SHARE), so none deadlock.
        list(reviews.order_by(Review.id).for_update("FOR NO KEY UPDATE").tuples())

    def earliest_due(statuses):
        return TrawlRequest.select(fn.MIN(TrawlRequest.due_date)).where(
            TrawlRequest.review == Review.id, TrawlRequest.status.in_(list(statuses))
        )

    update = Review.update(
        next_return_due_on=earliest_due(OPEN_STATUSES),
        earliest_awaiting_due_on=earliest_due([RequestStatus.AWAITING]),
    )
    if review_ids is not None:
        update = update.where(Review.id.in_(review_ids))
    update.execute()


def default_due_date(issued_on: dt.date, working_days: int = DEFAULT_WORKING_DAYS) -> DueDate:
    return WorkingDayCalendar.load().add_working_days(issued_on, working_days)


def issue_trawl(
    review: Review,
    agency_ids: list[int],
    actor,
    *,
    purpose: TrawlPurpose,
    due_date: dt.date | None = None,
    instructions: str = "",
) -> Trawl:
    """Send a trawl to agencies: one request each, with the subjects frozen as they are now."""
    agency_ids = sorted(set(agency_ids))
    if not agency_ids:
        raise TrawlRuleError("Select at least one agency", field="agencies")
    subjects = list(Subject.select().where(Subject.review == review).order_by(Subject.role, Subject.id))
    if not subjects:
        raise TrawlRuleError("Add the people agencies should search for before issuing a trawl")
    issued_on = local_today()
    if due_date is not None and due_date <= issued_on:
        raise TrawlRuleError("Due date must be after today", field="due_date")
    calculated = default_due_date(issued_on)
    due, basis = (due_date, DueBasis.SET_BY_HAND) if due_date else (calculated.due, DueBasis.WORKING_DAYS)
    with db.database.atomic():
        number = (Trawl.select().where(Trawl.review == review).count()) + 1
        trawl = Trawl.create(
            review=review,
            number=number,
            purpose=purpose,
            issued_on=issued_on,
            issued_by=actor,
            working_days=DEFAULT_WORKING_DAYS,
            instructions=instructions.strip(),
            subjects_snapshot=[subject.snapshot() for subject in subjects],
        )
        TrawlRequest.insert_many(
            [
                {
                    "trawl": trawl.id,
                    "review": review.id,
                    "agency": agency_id,
                    "due_date": due,
                    "due_basis": basis,
                    "status": RequestStatus.AWAITING,
                    "created_at": utcnow(),
                }
                for agency_id in agency_ids
            ]
        ).execute()
        refresh_overview_keys([review.id])
        record("trawl_issued", actor=actor, obj=trawl, agency_ids=agency_ids, due_date=due.isoformat())
    return trawl


def _bump(request: TrawlRequest, expected_version: int, **changes) -> None:
    request.save_changes(expected_version, **changes)


# Answers --------------------------------------------------------------------------

NIL_CHECKS = (
    "searched_names",
    "searched_alternative_spellings",
    "searched_dates_of_birth",
    "searched_paper_records",
    "searched_electronic_records",
)


def submit_return(
    request: TrawlRequest,
    expected_version: int,
    kind: ReturnKind,
    values: dict,
    actor,
    *,
    received_by: ReceivedBy | None = None,
) -> TrawlReturn:
    """A nil return or summary of involvement; an amendment if one was already given.

    `received_by` is set when a review officer records an answer that came by
    email, phone or letter on the agency's behalf.
    """
    if request.status is RequestStatus.ACCEPTED:
        raise TrawlRuleError("This return has been accepted and can no longer be changed")
    if kind is ReturnKind.NIL_RETURN and not all(values.get(check) for check in NIL_CHECKS):
        raise TrawlRuleError("Confirm every search before sending a nil return", field="searches")
    if kind is ReturnKind.INVOLVEMENT and not values.get("records_secured"):
        raise TrawlRuleError("Confirm that the records have been secured", field="records_secured")
    now = utcnow()
    with db.database.atomic():
        number = TrawlReturn.select().where(TrawlReturn.request == request).count() + 1
        _bump(request, expected_version, status=RequestStatus(kind.value), answered_at=now, answered_by=actor)
        refresh_overview_keys([request.review_id])
        answer = TrawlReturn.create(
            request=request,
            number=number,
            kind=kind,
            submitted_at=now,
            submitted_by=actor,
            recorded_on_behalf=received_by is not None,
            received_by=received_by,
            **values,
        )
        # An answer settles any extension still waiting for a decision.
        ExtensionRequest.update(decision=ExtensionDecision.WITHDRAWN, decided_at=now).where(
            ExtensionRequest.request == request, ExtensionRequest.decision.is_null()
        ).execute()
        record(
            "return_submitted",
            actor=actor,
            obj=request,
            kind=kind.value,
            return_number=number,
            on_behalf=received_by is not None,
        )
    return answer


def accept_return(request: TrawlRequest, expected_version: int, actor) -> None:
    if request.status not in ANSWERED_STATUSES:
        raise TrawlRuleError("Only a return that has been sent can be accepted")
    # From answered to accepted: no open request changes, so neither do the overview's keys.
    with db.database.atomic():
        _bump(
            request, expected_version, status=RequestStatus.ACCEPTED, accepted_at=utcnow(), accepted_by=actor
        )
        record("return_accepted", actor=actor, obj=request)


# Extensions ------------------------------------------------------------------------


def request_extension(
    request: TrawlRequest, expected_version: int, reason: str, proposed_date: dt.date, actor
) -> ExtensionRequest:
    if request.status is not RequestStatus.AWAITING:
        raise TrawlRuleError("You can ask for more time only while the return is still to be sent")
    if proposed_date <= request.due_date:
        raise TrawlRuleError("Proposed date must be after the current due date", field="proposed_date")
    with db.database.atomic():
        _bump(request, expected_version, status=RequestStatus.EXTENSION_REQUESTED)
        refresh_overview_keys([request.review_id])
        extension = ExtensionRequest.create(
            request=request, reason=reason.strip(), proposed_date=proposed_date, requested_by=actor
        )
        record("extension_requested", actor=actor, obj=request, proposed_date=proposed_date.isoformat())
    return extension


def decide_extension(
    request: TrawlRequest,
    expected_version: int,
    actor,
    *,
    grant: bool,
    granted_date: dt.date | None = None,
    note: str = "",
) -> None:
    pending = (
        ExtensionRequest.select()
        .where(ExtensionRequest.request == request, ExtensionRequest.decision.is_null())
        .first()
    )
    if pending is None or request.status is not RequestStatus.EXTENSION_REQUESTED:
        raise TrawlRuleError("There is no request for more time waiting for a decision")
    new_due = granted_date or pending.proposed_date
    if grant and new_due <= local_today():
        raise TrawlRuleError("New due date must be in the future", field="granted_date")
    now = utcnow()
    with db.database.atomic():
        if grant:
            _bump(
                request,
                expected_version,
                status=RequestStatus.AWAITING,
                due_date=new_due,
                due_basis=DueBasis.EXTENSION,
            )
        else:
            _bump(request, expected_version, status=RequestStatus.AWAITING)
        refresh_overview_keys([request.review_id])
        claimed = (
            ExtensionRequest.update(
                decision=ExtensionDecision.GRANTED if grant else ExtensionDecision.REFUSED,
                decided_at=now,
                decided_by=actor,
                decision_note=note.strip(),
                granted_date=new_due if grant else None,
            )
            .where(ExtensionRequest.id == pending.id, ExtensionRequest.decision.is_null())
            .execute()
        )
        if claimed != 1:
            raise StaleRecordError("extension already decided")
        if grant:
            record("extension_granted", actor=actor, obj=request, due_date=new_due.isoformat())
        else:
            record("extension_refused", actor=actor, obj=request)


def mark_chased(request: TrawlRequest, expected_version: int, actor, method: str = "phone") -> None:
    if not request.status.is_open:
        raise TrawlRuleError("Only a return still to be sent can be chased")
    with db.database.atomic():
        _bump(request, expected_version, last_chased_at=utcnow(), last_chased_by=actor)
        record("request_chased", actor=actor, obj=request, method=method)


# Bank holidays ----------------------------------------------------------------------


def recalculate_due_dates_for_holiday(holiday: dt.date, actor) -> int:
    """Move open due dates worked out by the working-day rule that the new holiday falls within."""
    calendar = WorkingDayCalendar.load()
    affected = (
        TrawlRequest.select(TrawlRequest, Trawl)
        .join(Trawl)
        .where(
            TrawlRequest.status.in_([RequestStatus.AWAITING, RequestStatus.EXTENSION_REQUESTED]),
            TrawlRequest.due_basis == DueBasis.WORKING_DAYS,
            Trawl.issued_on < holiday,
            TrawlRequest.due_date >= holiday,
        )
    )
    moved = 0
    reviews: set[int] = set()
    with db.database.atomic():  # the moves and the overview keys together, or neither
        for request in affected:
            new_due = calendar.add_working_days(request.trawl.issued_on, request.trawl.working_days).due
            if new_due == request.due_date:
                continue
            updated = (
                TrawlRequest.update(due_date=new_due, version=TrawlRequest.version + 1)
                .where(TrawlRequest.id == request.id)
                .execute()
            )
            moved += updated
            reviews.add(request.review_id)
            record(
                "due_date_recalculated",
                actor=actor,
                obj=request,
                from_date=request.due_date.isoformat(),
                to_date=new_due.isoformat(),
                reason=f"bank holiday added: {holiday.isoformat()}",
            )
        refresh_overview_keys(reviews)
    return moved
