"""Reviews and their subjects, for review officers and admins."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user
from playhouse.flask_utils import get_object_or_404

from portal.accounts.models import Role
from portal.audit.service import record
from portal.clock import local_today
from portal.database import StaleRecordError
from portal.lifecycle.timescales import deadline_summaries
from portal.organisations import queries as organisations
from portal.reviews import queries, service
from portal.reviews.forms import ReviewForm, SubjectForm
from portal.reviews.models import Review, ReviewKind, Subject
from portal.trawls import queries as trawl_queries
from portal.web.access import allow
from portal.web.forms import CONFLICT_MESSAGE
from portal.web.htmx import is_htmx_request, render_page_or_fragment
from portal.web.pagination import paginate

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

OFFICERS = (Role.ADMIN, Role.REVIEW_OFFICER)


@bp.route("")
@allow(*OFFICERS)
def index():
    search = request.args.get("q", "").strip()[:60]
    kind_value = request.args.get("kind", "")
    kind = ReviewKind(kind_value) if kind_value in ReviewKind._value2member_map_ else None
    mine = request.args.get("mine") == "1"
    page = paginate(queries.reviews_for(current_user, search=search or None, kind=kind, mine_only=mine))
    return render_page_or_fragment(
        "reviews/index.html",
        "reviews/partials/reviews_table.html",
        page=page,
        deadlines=deadline_summaries(page.items, local_today(), current_app.config),
        search=search,
        kind=kind,
        kinds=list(ReviewKind),
        mine=mine,
    )


def _review_form(review: Review | None = None) -> ReviewForm:
    form = ReviewForm(obj=None if request.method == "POST" else review)
    if request.method != "POST":
        if review is not None:
            form.kind.data = review.kind.value
            form.partnership.data = str(review.partnership_id)
            form.review_officer.data = str(review.review_officer_id or "")
            form.version.data = str(review.version)
        else:
            is_officer = current_user.role is Role.REVIEW_OFFICER
            form.review_officer.data = str(current_user.id) if is_officer else ""
    form.partnership.choices = [("", "Select a partnership")] + [
        (str(p.id), p.name) for p in organisations.partnerships(active_only=review is None)
    ]
    form.review_officer.choices = [("", "Not assigned yet")] + [
        (str(u.id), u.full_name) for u in queries.review_officers()
    ]
    return form


def _review_values(form: ReviewForm) -> dict:
    return {
        "kind": ReviewKind(form.kind.data),
        "title": form.title.data.strip(),
        "partnership": int(form.partnership.data),
        "review_officer": int(form.review_officer.data) if form.review_officer.data else None,
        "date_of_death": form.date_of_death.data,
        "date_notified": form.date_notified.data,
    }


@bp.route("/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def new():
    form = _review_form()
    if form.validate_on_submit():
        review = service.create_review(_review_values(form), current_user)
        flash(f"Review {review.reference} has been opened", "success")
        return redirect(url_for("reviews.show", review_id=review.id))
    return render_page_or_fragment("reviews/form.html", "reviews/form.html", form=form, review=None)


@bp.route("/<int:review_id>/edit", methods=["GET", "POST"])
@allow(*OFFICERS)
def edit(review_id: int):
    review = get_object_or_404(Review, Review.id == review_id)
    form = _review_form(review)
    conflict, status = False, 200
    if form.validate_on_submit():
        try:
            service.update_review(review, form.version_number(), _review_values(form), current_user)
        except StaleRecordError:
            conflict, status = True, 409
            form.version.data = str(Review.get_by_id(review.id).version)
        else:
            flash("The review has been updated", "success")
            return redirect(url_for("reviews.show", review_id=review.id))
    return render_page_or_fragment(
        "reviews/form.html",
        "reviews/form.html",
        status=status,
        form=form,
        review=review,
        conflict=conflict,
        conflict_message=CONFLICT_MESSAGE,
    )


@bp.route("/<int:review_id>")
@allow(*OFFICERS)
def show(review_id: int):
    review = get_object_or_404(queries.reviews_for(current_user), Review.id == review_id)
    record("review_subjects_viewed", actor=current_user, obj=review)
    from portal.lifecycle.views import lifecycle_context

    return render_page_or_fragment(
        "reviews/show.html",
        "reviews/show.html",
        lifecycle=lifecycle_context(review),
        review=review,
        subjects=list(queries.subjects_of(review)),
        trawls=list(trawl_queries.trawls_of(review)),
        counts=trawl_queries.status_counts(review_ids=[review.id]),
        subject_state=SubjectSectionState(),
    )


# Subjects: inline with htmx; every action answers with the whole #subjects section.


class SubjectSectionState:
    """Which subject (if any) is being edited, or whether the add form is open."""

    def __init__(
        self,
        adding: SubjectForm | None = None,
        editing: Subject | None = None,
        form: SubjectForm | None = None,
        conflict: bool = False,
    ):
        self.adding = adding
        self.editing = editing
        self.form = form or adding
        self.conflict = conflict


def _subjects_response(review: Review, state: SubjectSectionState, status: int = 200, announce: str = ""):
    # The page or fragment lists every person in the review: a read of special-category data.
    record("review_subjects_viewed", actor=current_user, obj=review)
    return render_page_or_fragment(
        "reviews/subjects.html",
        "reviews/partials/subjects.html",
        status=status,
        review=review,
        subjects=list(queries.subjects_of(review)),
        subject_state=state,
        announce=announce,
        conflict_message=CONFLICT_MESSAGE,
        form=state.form,
    )


def _subject_values(form: SubjectForm) -> dict:
    from portal.reviews.models import SubjectRole

    return {
        "role": SubjectRole(form.role.data),
        "full_name": (form.full_name.data or "").strip(),
        "aliases": (form.aliases.data or "").strip(),
        "date_of_birth": form.date_of_birth.data,
        "address_at_time": (form.address_at_time.data or "").strip(),
        "previous_addresses": (form.previous_addresses.data or "").strip(),
        "relationship_to_deceased": (form.relationship_to_deceased.data or "").strip(),
        "scope_from": form.scope_from.data,
        "scope_to": form.scope_to.data,
    }


@bp.route("/<int:review_id>/subjects/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def new_subject(review_id: int):
    review = get_object_or_404(Review, Review.id == review_id)
    form = SubjectForm()
    if form.validate_on_submit():
        service.add_subject(review, _subject_values(form), current_user)
        if not is_htmx_request():
            flash(f"{form.full_name.data.strip()} has been added", "success")
            return redirect(url_for("reviews.show", review_id=review.id, _anchor="subjects"))
        return _subjects_response(review, SubjectSectionState(), announce="Person added")
    status = 422 if form.errors else 200
    return _subjects_response(review, SubjectSectionState(adding=form), status=status)


def _subject_of(review_id: int, subject_id: int) -> tuple[Review, Subject]:
    subject = get_object_or_404(
        Subject.select(Subject, Review).join(Review),
        Subject.id == subject_id,
        Subject.review == review_id,
    )
    return subject.review, subject


@bp.route("/<int:review_id>/subjects/<int:subject_id>/edit", methods=["GET", "POST"])
@allow(*OFFICERS)
def edit_subject(review_id: int, subject_id: int):
    review, subject = _subject_of(review_id, subject_id)
    form = SubjectForm(obj=None if request.method == "POST" else subject)
    if request.method != "POST":
        form.role.data = subject.role.value
        form.version.data = str(subject.version)
    conflict, status = False, 200
    if form.validate_on_submit():
        try:
            service.update_subject(subject, form.version_number(), _subject_values(form), current_user)
        except StaleRecordError:
            conflict, status = True, 409
            form.version.data = str(Subject.get_by_id(subject.id).version)
        else:
            if not is_htmx_request():
                flash("The person's details have been saved", "success")
                return redirect(url_for("reviews.show", review_id=review.id, _anchor="subjects"))
            return _subjects_response(review, SubjectSectionState(), announce="Person's details saved")
    elif form.errors:
        status = 422
    state = SubjectSectionState(editing=subject, form=form, conflict=conflict)
    return _subjects_response(review, state, status=status)


@bp.route("/<int:review_id>/subjects/<int:subject_id>/remove", methods=["POST"])
@allow(*OFFICERS)
def remove_subject(review_id: int, subject_id: int):
    review, subject = _subject_of(review_id, subject_id)
    service.remove_subject(subject, current_user)
    if not is_htmx_request():
        flash(f"{subject.full_name} has been removed from the review", "success")
        return redirect(url_for("reviews.show", review_id=review.id, _anchor="subjects"))
    return _subjects_response(review, SubjectSectionState(), announce="Person removed")
