"""The review's stage, timescales and timeline, for review officers and admins."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from playhouse.flask_utils import get_object_or_404

from portal.accounts.models import Role
from portal.clock import local_today
from portal.database import StaleRecordError
from portal.lifecycle import queries, service
from portal.lifecycle.forms import KeyDatesForm, MoveForm, ResumeForm, SuspendForm
from portal.lifecycle.stages import SUSPENDABLE, Stage, SuspensionReason
from portal.lifecycle.timescales import age_in_months, timescales
from portal.organisations import queries as organisations
from portal.publication.queries import removal_date
from portal.reviews.models import Review
from portal.web.access import allow
from portal.web.forms import CONFLICT_MESSAGE

bp = Blueprint("lifecycle", __name__, url_prefix="/reviews/<int:review_id>/lifecycle")

OFFICERS = (Role.ADMIN, Role.REVIEW_OFFICER)

# Which fields each move's page shows (the service says which are required).
MOVE_FIELDS = {
    Stage.COMMISSIONED: ("decision_outcome", "decision_on", "home_office_told_on"),
    Stage.NOT_COMMISSIONED: ("decision_outcome", "decision_on", "home_office_told_on"),
    Stage.TERMS_OF_REFERENCE_AGREED: ("tor_agreed_on",),
    Stage.SUBMITTED_TO_HOME_OFFICE: ("report_submitted_on",),
    Stage.RETURNED_FOR_AMENDMENT: ("returned_on", "feedback_summary"),
    Stage.RESUBMITTED: ("resubmitted_on",),
    Stage.CLEARED: ("cleared_on",),
    Stage.PUBLICATION_PLANNED: ("publication_planned_on", "lead_press_office"),
}


def _review(review_id: int) -> Review:
    return get_object_or_404(Review, Review.id == review_id)


def lifecycle_context(review: Review) -> dict:
    today = local_today()
    suspensions = list(queries.suspensions_of(review))
    return {
        "review": review,
        "timescales": timescales(review, suspensions, today, current_app.config),
        "age_in_months": age_in_months(review, today),
        "suspensions": suspensions,
        "moves": service.allowed_moves(review),
        "suspendable": {stage.value for stage in SUSPENDABLE},
        "removal_date": removal_date(review),
    }


@bp.route("")
@allow(*OFFICERS)
def show(review_id: int):
    review = _review(review_id)
    return render_template(
        "lifecycle/show.html",
        **lifecycle_context(review),
        timeline=list(queries.timeline(review)),
        home_office_returns=list(queries.home_office_returns(review)),
        resume_form=ResumeForm(version=review.version),
        Stage=Stage,
    )


def _form_values(form: MoveForm, fields: tuple[str, ...]) -> dict:
    values = {}
    for name in fields:
        data = getattr(form, name).data
        if name == "lead_press_office":
            data = int(data) if data else None
        elif isinstance(data, str):
            data = data.strip() or None
        values[name] = data
    return values


@bp.route("/move/<target>", methods=["GET", "POST"])
@allow(*OFFICERS)
def move(review_id: int, target: str):
    review = _review(review_id)
    try:
        stage = Stage(target.replace("-", "_"))
    except ValueError:
        abort(404)
    if stage not in service.allowed_moves(review):
        abort(404)
    fields = MOVE_FIELDS.get(stage, ())
    form = MoveForm()
    form.lead_press_office.choices = [("", "Select an agency")] + [
        (str(a.id), a.name) for a in organisations.agencies(active_only=True)
    ]
    if request.method == "GET":
        form.version.data = str(review.version)
    warning, status = None, 200
    missing = service.missing_family_milestones(review, stage)
    if form.validate_on_submit():
        try:
            service.move(
                review,
                form.version_number(),
                stage,
                _form_values(form, fields),
                current_user,
                note=form.note.data or "",
                accept_missing_milestones=bool(form.accept_missing_milestones.data),
            )
        except service.LifecycleError as error:
            status = 422
            if error.field and hasattr(form, error.field):
                getattr(form, error.field).errors.append(error.message)
            else:
                warning = error.message
        except StaleRecordError:
            status, warning = 409, CONFLICT_MESSAGE
            form.version.data = str(Review.get_by_id(review.id).version)
        else:
            flash(f"{review.reference} is now: {stage.label.lower()}", "success")
            return redirect(url_for("lifecycle.show", review_id=review.id))
    elif form.errors:
        status = 422
    return render_template(
        "lifecycle/move.html",
        review=review,
        stage=stage,
        form=form,
        fields=fields,
        missing=missing,
        warning=warning,
    ), status


@bp.route("/suspend", methods=["GET", "POST"])
@allow(*OFFICERS)
def suspend(review_id: int):
    review = _review(review_id)
    form = SuspendForm()
    if request.method == "GET":
        form.version.data = str(review.version)
    status = 200
    if form.validate_on_submit():
        try:
            service.suspend(
                review,
                form.version_number(),
                SuspensionReason(form.reason.data),
                form.note.data or "",
                current_user,
                started_on=form.started_on.data,
            )
        except service.LifecycleError as error:
            status = 422
            (getattr(form, error.field) if error.field else form.reason).errors.append(error.message)
        except StaleRecordError:
            status = 409
            form.reason.errors.append(CONFLICT_MESSAGE)
        else:
            flash(f"{review.reference} is suspended", "success")
            return redirect(url_for("lifecycle.show", review_id=review.id))
    elif form.errors:
        status = 422
    return render_template("lifecycle/suspend.html", review=review, form=form), status


@bp.route("/resume", methods=["POST"])
@allow(*OFFICERS)
def resume(review_id: int):
    review = _review(review_id)
    form = ResumeForm()
    if form.validate_on_submit():
        try:
            service.resume(review, form.version_number(), current_user, ended_on=form.ended_on.data)
        except service.LifecycleError as error:
            flash(error.message, "error")
        except StaleRecordError:
            flash(CONFLICT_MESSAGE, "error")
        else:
            flash(f"{review.reference} has resumed", "success")
    else:
        flash(next(iter(form.errors.values()))[0], "error")
    return redirect(url_for("lifecycle.show", review_id=review.id))


@bp.route("/key-dates", methods=["GET", "POST"])
@allow(*OFFICERS)
def key_dates(review_id: int):
    review = _review(review_id)
    form = KeyDatesForm(obj=None if request.method == "POST" else review)
    status = 200
    if form.validate_on_submit():
        try:
            service.update_key_dates(
                review,
                form.version_number(),
                {name: getattr(form, name).data for name in service.KEY_DATES},
                current_user,
            )
        except StaleRecordError:
            status = 409
            form.decision_on.errors.append(CONFLICT_MESSAGE)
        else:
            flash("Key dates saved", "success")
            return redirect(url_for("lifecycle.show", review_id=review.id))
    elif form.errors:
        status = 422
    return render_template("lifecycle/key_dates.html", review=review, form=form), status
