"""Retention schedule and legal holds (admins). Views parse and render; the rules are in service.py."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from playhouse.flask_utils import get_object_or_404

from portal.accounts.models import Role
from portal.clock import local_today
from portal.database import StaleRecordError
from portal.retention import queries, service
from portal.retention.forms import HoldForm, LiftHoldForm, NewHoldForm
from portal.retention.models import HoldReason, LegalHold
from portal.retention.schedule import RULES, RecordClass
from portal.reviews.models import Review
from portal.web.access import allow
from portal.web.forms import CONFLICT_MESSAGE

bp = Blueprint("retention", __name__, url_prefix="/admin/retention")
# The radios' hints, in the order of the choices.
REASON_HINTS = [{"hint": {"text": reason.hint}} for reason in HoldReason]


def _hold_values(form) -> dict:
    return {"reason": form.reason.data, "reference": form.reference.data or "", "note": form.note.data or ""}


@bp.route("")
@allow(Role.ADMIN)
def schedule():
    today = local_today()
    config = current_app.config
    classes = []
    for record_class, rule in RULES.items():
        entry = {"rule": rule, "period": rule.describe(config), "due": [], "held": []}
        if record_class is RecordClass.MEDIA_INQUIRY:
            items = queries.inquiries_due(today, config)
        elif record_class is RecordClass.SIGN_IN_RECORDS:
            items = []
        else:
            items = queries.reviews_due(record_class, today, config)
        for item in items:
            entry["held" if item.hold is not None else "due"].append(item)
        classes.append(entry)
    return render_template(
        "retention/schedule.html",
        classes=classes,
        holds=queries.held_reviews(),
        deletions=queries.recent_deletions(),
    )


@bp.route("/holds/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_hold():
    form = NewHoldForm()
    if request.method == "GET" and request.args.get("review", "").isdigit():
        review = Review.get_or_none(Review.id == int(request.args["review"]))
        if review is not None:
            form.review_reference.data = review.reference
    valid = form.validate_on_submit()
    if request.method == "POST" and not form.review_reference.errors:
        review = service.find_review(form.review_reference.data or "")
        if review is None:
            form.review_reference.errors = ["Enter the reference of a review in the portal"]
            valid = False
        if valid:
            try:
                service.set_hold(review, _hold_values(form), current_user)
            except service.HoldError as error:
                form.review_reference.errors = [error.message]
            else:
                flash(f"{review.reference} is on legal hold: nothing of it will be deleted", "success")
                return redirect(url_for("retention.review_hold", review_id=review.id))
    return render_template("retention/new_hold.html", form=form, reason_hints=REASON_HINTS)


def _review_page(review: Review, hold_form, lift_form, *, conflict=False, status=200, errors_from=None):
    return render_template(
        "retention/review_hold.html",
        review=review,
        hold=queries.active_hold(review),
        holds=queries.holds_of(review),
        retention=service.retention_status(review, current_app.config),
        form=errors_from or hold_form,  # the form whose errors lead the page's error summary
        hold_form=hold_form,
        lift_form=lift_form,
        conflict=conflict,
        conflict_message=CONFLICT_MESSAGE,
        reason_hints=REASON_HINTS,
    ), status


def _hold_form(hold: LegalHold | None, bound: bool) -> HoldForm:
    """Bound to what was posted, or filled from the standing hold."""
    if bound:
        return HoldForm()
    form = HoldForm(formdata=None, obj=hold)
    if hold is not None:
        form.reason.data = hold.reason.value
        form.version.data = str(hold.version)
    return form


def _lift_form(hold: LegalHold | None, bound: bool) -> LiftHoldForm:
    if bound:
        return LiftHoldForm()
    form = LiftHoldForm(formdata=None)
    form.version.data = str(hold.version) if hold is not None else ""
    return form


@bp.route("/reviews/<int:review_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def review_hold(review_id: int):
    """The review's retention dates and holds; set a hold, or change the one that stands."""
    review = get_object_or_404(Review, Review.id == review_id)
    hold = queries.active_hold(review)
    form = _hold_form(hold, bound=request.method == "POST")
    if form.validate_on_submit():
        try:
            if hold is None:
                if form.version.data:  # the page showed a hold that has since been lifted
                    raise StaleRecordError("the legal hold was lifted")
                service.set_hold(review, _hold_values(form), current_user)
            else:
                service.change_hold(hold, form.version_number(), _hold_values(form), current_user)
        except (service.HoldError, StaleRecordError):
            # Someone set, changed or lifted the hold meanwhile: show it as it is, keep what was typed.
            current = queries.active_hold(review)
            form.version.data = str(current.version) if current else ""
            return _review_page(review, form, _lift_form(current, bound=False), conflict=True, status=409)
        flash(f"The legal hold on {review.reference} has been saved", "success")
        return redirect(url_for("retention.review_hold", review_id=review.id))
    return _review_page(review, form, _lift_form(hold, bound=False))


@bp.route("/reviews/<int:review_id>/lift", methods=["POST"])
@allow(Role.ADMIN)
def lift_hold(review_id: int):
    review = get_object_or_404(Review, Review.id == review_id)
    hold = queries.active_hold(review)
    lift_form = _lift_form(hold, bound=True)
    if lift_form.validate_on_submit():
        if hold is None:  # lifted by someone else meanwhile
            return _review_page(review, _hold_form(None, bound=False), lift_form, conflict=True, status=409)
        try:
            service.lift_hold(hold, lift_form.version_number(), lift_form.lift_reason.data, current_user)
        except StaleRecordError:
            current = queries.active_hold(review)
            lift_form.version.data = str(current.version) if current else ""
            return _review_page(
                review, _hold_form(current, bound=False), lift_form, conflict=True, status=409
            )
        flash(
            f"The legal hold on {review.reference} has been lifted: anything past retention is deleted "
            "at the next nightly run",
            "success",
        )
        return redirect(url_for("retention.review_hold", review_id=review.id))
    return _review_page(review, _hold_form(hold, bound=False), lift_form, errors_from=lift_form)
