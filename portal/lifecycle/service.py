"""Moving a review through its stages, and suspending it. Rules live here, not in views.

Only the transitions in TRANSITIONS are allowed; each asks for the dates and
decisions it records (as fields, so timescales can be worked out), is
refused while the review is suspended, and writes a StageTransition (the
timeline) and an audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from flask import current_app

from portal.audit.service import record
from portal.clock import local_today
from portal.database import StaleRecordError
from portal.extensions import db
from portal.lifecycle.models import HomeOfficeReturn, StageTransition, Suspension
from portal.lifecycle.stages import SUSPENDABLE, DecisionOutcome, Stage, SuspensionReason
from portal.reviews.models import Review

TRANSITIONS: dict[Stage, tuple[Stage, ...]] = {
    Stage.NOTIFIED: (Stage.INITIAL_SCOPING,),
    Stage.INITIAL_SCOPING: (Stage.DECISION_PENDING,),
    Stage.DECISION_PENDING: (Stage.COMMISSIONED, Stage.NOT_COMMISSIONED),
    Stage.COMMISSIONED: (Stage.TERMS_OF_REFERENCE_AGREED,),
    Stage.TERMS_OF_REFERENCE_AGREED: (Stage.REPORT_IN_PROGRESS,),
    Stage.REPORT_IN_PROGRESS: (Stage.FAMILY_REVIEW_OF_DRAFT,),
    Stage.FAMILY_REVIEW_OF_DRAFT: (Stage.SUBMITTED_TO_HOME_OFFICE,),
    Stage.SUBMITTED_TO_HOME_OFFICE: (Stage.RETURNED_FOR_AMENDMENT, Stage.CLEARED),
    Stage.RETURNED_FOR_AMENDMENT: (Stage.RESUBMITTED,),
    Stage.RESUBMITTED: (Stage.RETURNED_FOR_AMENDMENT, Stage.CLEARED),
    Stage.CLEARED: (Stage.PUBLICATION_PLANNED,),
    Stage.PUBLICATION_PLANNED: (Stage.PUBLISHED,),
    Stage.PUBLISHED: (Stage.REMOVED_FROM_WEBSITE,),
    Stage.REMOVED_FROM_WEBSITE: (Stage.ACTION_PLAN_MONITORING,),
    Stage.ACTION_PLAN_MONITORING: (Stage.CONCLUDED,),
}

# What each move asks for, beyond a note: (field, message when missing).
REQUIRED: dict[Stage, tuple[tuple[str, str], ...]] = {
    Stage.COMMISSIONED: (
        ("decision_outcome", "Select the decision"),
        ("decision_on", "Enter the date of the decision"),
    ),
    Stage.NOT_COMMISSIONED: (
        ("decision_outcome", "Select the decision"),
        ("decision_on", "Enter the date of the decision"),
        ("home_office_told_on", "Enter the date the Home Office was told of the decision"),
    ),
    Stage.TERMS_OF_REFERENCE_AGREED: (
        ("tor_agreed_on", "Enter the date the terms of reference were agreed"),
    ),
    Stage.SUBMITTED_TO_HOME_OFFICE: (("report_submitted_on", "Enter the date the report was submitted"),),
    Stage.RETURNED_FOR_AMENDMENT: (
        ("returned_on", "Enter the date the Home Office returned the report"),
        ("feedback_summary", "Enter a summary of the Home Office's feedback"),
    ),
    Stage.RESUBMITTED: (("resubmitted_on", "Enter the date the report was resubmitted"),),
    Stage.CLEARED: (("cleared_on", "Enter the date the Home Office cleared the report"),),
    Stage.PUBLICATION_PLANNED: (
        ("publication_planned_on", "Enter the planned publication date"),
        ("lead_press_office", "Select the lead agency for publication and media"),
    ),
}

# Family milestones to check before these moves (portal/family_contact). The officer may
# go on after seeing the warning, and the timeline records that they did.
MILESTONE_CHECKS = {Stage.SUBMITTED_TO_HOME_OFFICE: "submission", Stage.PUBLISHED: "publication"}

# Other checks a move needs (e.g. publication needs both documents); registered by the
# packages that own them, so this module does not import them.
PRECONDITIONS: dict[Stage, list[Callable[[Review], str | None]]] = {}


class LifecycleError(ValueError):
    """A move the rules do not allow now; `field` names the form field when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def allowed_moves(review: Review) -> tuple[Stage, ...]:
    if review.suspended_since is not None:
        return ()
    if review.stage is Stage.PUBLISHED:
        return ()  # removal is the scheduled job's, or the partnership team's early removal
    return TRANSITIONS.get(review.stage, ())


def missing_family_milestones(review: Review, target: Stage) -> list[str]:
    before = MILESTONE_CHECKS.get(target)
    if before is None:
        return []
    try:
        from portal.family_contact.queries import missing_milestones
    except ImportError:  # the family-contact log is not installed
        return []
    return missing_milestones(review, before=before)


def move(
    review: Review,
    expected_version: int,
    target: Stage,
    values: Mapping,
    actor,
    *,
    note: str = "",
    accept_missing_milestones: bool = False,
) -> Review:
    """Move a review to `target`, recording what the move requires.

    `actor` is None when a scheduled job makes the move (the removal after a year).
    """
    if review.suspended_since is not None:
        raise LifecycleError("Resume the review before moving it to another stage")
    if target not in TRANSITIONS.get(review.stage, ()):
        raise LifecycleError(
            f"A review cannot go from {review.stage.label.lower()} to {target.label.lower()}"
        )
    for field, message in REQUIRED.get(target, ()):
        if values.get(field) in (None, ""):
            raise LifecycleError(message, field=field)
    outcome = values.get("decision_outcome")
    if outcome is not None:
        outcome = DecisionOutcome(outcome)
        if target is Stage.COMMISSIONED and not outcome.commissions:
            raise LifecycleError("This decision does not commission a review", field="decision_outcome")
        if target is Stage.NOT_COMMISSIONED and outcome.commissions:
            raise LifecycleError(
                "This decision commissions a review: choose Commissioned", field="decision_outcome"
            )
        if outcome is DecisionOutcome.ON_HOLD:
            raise LifecycleError(
                "Record an on-hold decision by suspending the review", field="decision_outcome"
            )
    for check in PRECONDITIONS.get(target, []):
        problem = check(review)
        if problem:
            raise LifecycleError(problem)
    missing = missing_family_milestones(review, target)
    if missing and not accept_missing_milestones:
        raise LifecycleError(
            "The family has not yet been told: " + "; ".join(missing) + ". Confirm to continue anyway.",
            field="accept_missing_milestones",
        )
    today = local_today()
    from_stage = review.stage
    changes = _changes_for(review, target, values, today)
    with db.database.atomic():
        review.save_changes(expected_version, stage=target, **changes)
        if target is Stage.RETURNED_FOR_AMENDMENT:
            HomeOfficeReturn.create(
                review=review,
                returned_on=values["returned_on"],
                feedback_summary=values["feedback_summary"].strip(),
                recorded_by=actor,
            )
        if target is Stage.RESUBMITTED:
            latest = _latest_return(review)
            if latest is not None:
                HomeOfficeReturn.update(resubmitted_on=values["resubmitted_on"]).where(
                    HomeOfficeReturn.id == latest.id
                ).execute()
        full_note = note.strip()
        if missing:
            warning = "Moved on although the family had not been told: " + "; ".join(missing)
            full_note = f"{full_note}\n{warning}" if full_note else warning
        StageTransition.create(
            review=review, from_stage=from_stage.value, to_stage=target.value, by=actor, note=full_note
        )
        record("review_stage_changed", actor=actor, obj=review, to_stage=target.value)
    return review


def _latest_return(review: Review) -> HomeOfficeReturn | None:
    return (
        HomeOfficeReturn.select()
        .where(HomeOfficeReturn.review == review)
        .order_by(HomeOfficeReturn.returned_on.desc(), HomeOfficeReturn.id.desc())
        .first()
    )


def _changes_for(review: Review, target: Stage, values: Mapping, today: dt.date) -> dict:
    changes: dict = {}
    for field in (
        "decision_outcome",
        "decision_on",
        "home_office_told_on",
        "tor_agreed_on",
        "report_submitted_on",
        "cleared_on",
        "publication_planned_on",
        "lead_press_office",
    ):
        if values.get(field) not in (None, ""):
            changes[field] = values[field]
    if target is Stage.PUBLISHED:
        days = current_app.config["PUBLICATION_DAYS"]
        changes["published_on"] = values.get("published_on") or today
        changes["removal_due_on"] = changes["published_on"] + dt.timedelta(days=days)
    if target is Stage.REMOVED_FROM_WEBSITE:
        changes["removed_on"] = today
        changes["report_available_at"] = (
            values.get("report_available_at")
            or review.report_available_at
            or ("On request from the community safety partnership")
        )
    if target.is_closed:
        changes["is_open"] = False
    return changes


# Suspension --------------------------------------------------------------------------


def suspend(
    review: Review,
    expected_version: int,
    reason: SuspensionReason,
    note: str,
    actor,
    started_on: dt.date | None = None,
) -> Suspension:
    if review.suspended_since is not None:
        raise LifecycleError("The review is already suspended")
    if review.stage not in SUSPENDABLE:
        raise LifecycleError("A review can be suspended only before it is published")
    started_on = started_on or local_today()
    if started_on > local_today():
        raise LifecycleError("Date suspended must be today or in the past", field="started_on")
    with db.database.atomic():
        review.save_changes(expected_version, suspended_since=started_on)
        suspension = Suspension.create(
            review=review, reason=reason, note=note.strip(), started_on=started_on, started_by=actor
        )
        record("review_suspended", actor=actor, obj=review, reason=reason.value)
    return suspension


def resume(review: Review, expected_version: int, actor, ended_on: dt.date | None = None) -> None:
    if review.suspended_since is None:
        raise LifecycleError("The review is not suspended")
    ended_on = ended_on or local_today()
    if ended_on < review.suspended_since or ended_on > local_today():
        raise LifecycleError("Date resumed must be between the date suspended and today", field="ended_on")
    with db.database.atomic():
        open_suspension = (
            Suspension.select().where(Suspension.review == review, Suspension.ended_on.is_null()).first()
        )
        if open_suspension is None:
            raise StaleRecordError("no open suspension")
        review.save_changes(expected_version, suspended_since=None)
        Suspension.update(ended_on=ended_on, ended_by=actor).where(
            Suspension.id == open_suspension.id
        ).execute()
        record(
            "review_resumed",
            actor=actor,
            obj=review,
            suspended_days=(ended_on - open_suspension.started_on).days,
        )


KEY_DATES = (
    "decision_on",
    "home_office_told_on",
    "chair_appointed_on",
    "tor_agreed_on",
    "report_submitted_on",
    "cleared_on",
    "commissioner_copy_on",
)


def update_key_dates(review: Review, expected_version: int, values: Mapping, actor) -> None:
    from portal.database import changed_fields

    changes = {field: values.get(field) for field in KEY_DATES}
    changed = changed_fields(review, changes)
    with db.database.atomic():
        review.save_changes(expected_version, **changes)
        record("review_key_dates_changed", actor=actor, obj=review, changed=changed)
