"""Media inquiries: logging (everyone), the list and each inquiry's page, the workflow steps.

Views parse and render; the rules are in service.py and workflow.py, and who sees what in queries.py.
Admin screens for the routing rules are in admin_views.py.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from playhouse.flask_utils import get_object_or_404

from portal.accounts.models import Role
from portal.audit.service import record
from portal.clock import to_local, utcnow
from portal.database import StaleRecordError
from portal.media_inquiries import queries, service, workflow
from portal.media_inquiries.forms import (
    INFER,
    NOT_SURE,
    ApproveForm,
    CloseNoCommentForm,
    DraftForm,
    LogInquiryForm,
    ReassignForm,
    RespondForm,
    ReviewContactForm,
)
from portal.media_inquiries.models import InquiryStatus, MediaInquiry, ReviewMediaContact, Topic
from portal.media_inquiries.workflow import MediaRuleError
from portal.organisations import queries as organisations
from portal.reviews.models import Review
from portal.web.access import SIGNED_IN, allow, safe_next_url
from portal.web.forms import CONFLICT_MESSAGE, VersionedForm
from portal.web.htmx import is_htmx_request, render_page_or_fragment

bp = Blueprint("media_inquiries", __name__)

OFFICERS = (Role.ADMIN, Role.REVIEW_OFFICER)
WORKERS = (Role.ADMIN, Role.REVIEW_OFFICER, Role.CSP_TEAM)


def _now() -> dt.datetime:
    return utcnow()


def _urgent_before(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(hours=current_app.config["MEDIA_URGENT_HOURS"])


def _inquiry(inquiry_id: int) -> MediaInquiry:
    inquiry = queries.inquiry_for(current_user, inquiry_id)
    if inquiry is None:
        abort(404)
    return inquiry


def _row_context(now: dt.datetime) -> dict:
    user = current_user._get_current_object()  # asked of every row: the user, not the proxy's lookup
    return {
        "now": now,
        "urgent_hours": current_app.config["MEDIA_URGENT_HOURS"],
        "actions_for": lambda inquiry: workflow.available_actions(user, inquiry),
        "staff": user.role is not Role.AGENCY_LEAD,
        "statuses": list(InquiryStatus),
    }


# The list ---------------------------------------------------------------------------------


@bp.route("/media-inquiries")
@allow(*SIGNED_IN)
def index():
    now = _now()
    status = request.args.get("status", queries.OPEN)
    statuses = [queries.OPEN, queries.URGENT, queries.ALL, *InquiryStatus._value2member_map_]
    status = status if status in statuses else queries.OPEN
    # A review is chosen by typing its reference (`reference`). Older links carry `review=<id>`: that
    # still filters, and shows the reference in the box when it is one of this person's reviews.
    reference = queries.normalise_reference(request.args.get("reference"))
    review_id = None if reference else request.args.get("review", type=int)
    if review_id:
        reference = queries.reference_of_visible_review(current_user, review_id) or ""
    agency_id = request.args.get("agency", type=int)
    urgent_before = _urgent_before(now)
    counts = queries.status_counts(current_user, urgent_before)
    page = queries.list_page(
        current_user,
        status=status,
        review_id=review_id,
        reference=reference or None,
        agency_id=agency_id,
        urgent_before=urgent_before,
        counts=counts,
    )
    # The filter's options are on the full page only: an htmx request swaps the results alone.
    agencies = [] if is_htmx_request() else queries.filter_options(current_user)
    return render_page_or_fragment(
        "media_inquiries/index.html",
        "media_inquiries/partials/results.html",
        page=page,
        counts=counts,
        filters={"status": status, "reference": reference, "agency": agency_id},
        agencies=agencies,
        back=request.full_path.rstrip("?"),
        **_row_context(now),
    )


def _inline(inquiry_id: int, action, form: VersionedForm | None = None):
    """Run a workflow step from a list row: htmx gets the row back (and the counts), others a redirect."""
    inquiry = _inquiry(inquiry_id)
    form = form or VersionedForm()
    problem, status = None, 200
    if not form.validate_on_submit():
        problem, status = next(iter(form.errors.values()))[0], 422
    else:
        try:
            action(inquiry, form.version_number())
        except MediaRuleError as rule:
            problem, status = rule.message, 422
        except StaleRecordError:
            problem, status = CONFLICT_MESSAGE, 409
    back = safe_next_url(request.form.get("back"), url_for("media_inquiries.show", inquiry_id=inquiry_id))
    if not is_htmx_request():
        flash(problem or "Saved", "error" if problem else "success")
        return redirect(back)
    now = _now()
    return render_template(
        "media_inquiries/partials/inquiry_row.html",
        inquiry=queries.inquiry_row(current_user, inquiry_id),
        problem=problem,
        announce=None if problem else "Saved",
        oob_counts=True,
        counts=queries.status_counts(current_user, _urgent_before(now)),
        back=back,
        **_row_context(now),
    ), status


@bp.route("/media-inquiries/<int:inquiry_id>/approve", methods=["POST"])
@allow(*WORKERS)
def approve(inquiry_id: int):
    form = ApproveForm()
    return _inline(inquiry_id, lambda i, v: workflow.approve(i, v, current_user, form.note.data or ""), form)


@bp.route("/media-inquiries/<int:inquiry_id>/responded", methods=["POST"])
@allow(*WORKERS)
def responded(inquiry_id: int):
    form = RespondForm()
    return _inline(
        inquiry_id, lambda i, v: workflow.mark_responded(i, v, current_user, form.note.data or ""), form
    )


@bp.route("/media-inquiries/<int:inquiry_id>/close", methods=["POST"])
@allow(*WORKERS)
def close(inquiry_id: int):
    return _inline(inquiry_id, lambda i, v: workflow.close(i, v, current_user))


# Logging an inquiry ---------------------------------------------------------------------------


def _log_form() -> LogInquiryForm:
    form = LogInquiryForm()
    form.review.choices = [("", "Select a review"), (NOT_SURE, "Not sure, or no review")] + [
        (str(r.id), f"{r.reference}: {r.title}") for r in queries.reviews_for_logging(current_user)
    ]
    if current_user.role is Role.AGENCY_LEAD:
        # Leads log what their own agency received: the choice is not theirs to make.
        form.received_by_agency.choices = [(str(current_user.agency_id), current_user.agency.name)]
        form.received_by_agency.data = str(current_user.agency_id)
    else:
        form.received_by_agency.choices = [("", "Not an agency: the council's business office")] + [
            (str(a.id), a.name) for a in organisations.agencies(active_only=True)
        ]
    if request.method == "GET":
        local = to_local(_now())
        form.received_date.data = local.date()
        form.received_by_name.data = current_user.full_name
        form.topic.data = INFER
    return form


@bp.route("/media-inquiries/new", methods=["GET", "POST"])
@allow(*SIGNED_IN)
def new():
    form = _log_form()
    status = 200
    if form.validate_on_submit():
        review = None if form.review.data == NOT_SURE else Review.get_by_id(int(form.review.data))
        values = {
            "received_at": form.received_at(),
            "received_by_agency": int(form.received_by_agency.data) if form.received_by_agency.data else None,
            "received_by_name": form.received_by_name.data.strip(),
            "outlet": form.outlet.data.strip(),
            "journalist_name": form.journalist_name.data.strip(),
            "journalist_email": (form.journalist_email.data or "").strip(),
            "journalist_phone": (form.journalist_phone.data or "").strip(),
            "question": form.question.data.strip(),
            "deadline_at": form.deadline_at(),
            "review": review,
            "topic": None if form.topic.data == INFER else Topic(form.topic.data),
        }
        try:
            inquiry, routing = service.log_inquiry(values, current_user, current_app.config)
        except MediaRuleError as rule:
            getattr(form, rule.field or "review").errors.append(rule.message)
        else:
            flash("The media inquiry has been logged and passed on", "success")
            if routing.gaps:
                flash("Not everyone could be told: " + "; ".join(routing.gaps) + ".", "error")
            return redirect(url_for("media_inquiries.show", inquiry_id=inquiry.id))
    if form.errors:
        status = 422
    return render_template("media_inquiries/new.html", form=form, rules=queries.routing_rules()), status


# One inquiry ------------------------------------------------------------------------------------


def _render_inquiry(inquiry: MediaInquiry, status: int = 200, *, form=None, conflict: bool = False, **forms):
    now = _now()
    actions = workflow.available_actions(current_user, inquiry)
    version = inquiry.version
    forms.setdefault(
        "draft_form", DraftForm(formdata=None, version=version, draft_response=inquiry.draft_response)
    )
    forms.setdefault("approve_form", ApproveForm(formdata=None, version=version))
    forms.setdefault("respond_form", RespondForm(formdata=None, version=version))
    forms.setdefault("close_form", VersionedForm(formdata=None, version=version))
    forms.setdefault("no_comment_form", CloseNoCommentForm(formdata=None, version=version))
    return render_template(
        "media_inquiries/show.html",
        inquiry=inquiry,
        recipients=list(queries.recipients_of(inquiry)),
        history=list(queries.history_of(inquiry)),
        actions=actions,
        form=form,
        conflict=conflict,
        conflict_message=CONFLICT_MESSAGE,
        panel_contact=ReviewMediaContact.get_or_none(ReviewMediaContact.review == inquiry.review_id)
        if inquiry.review_id
        else None,
        **_row_context(now),
        **forms,
    ), status


@bp.route("/media-inquiries/<int:inquiry_id>")
@allow(*SIGNED_IN)
def show(inquiry_id: int):
    inquiry = _inquiry(inquiry_id)
    record("media_inquiry_viewed", actor=current_user, obj=inquiry)
    return _render_inquiry(inquiry)


def _page_step(inquiry_id: int, form, form_name: str, step, done: str):
    """A workflow step posted from the inquiry page: errors and conflicts keep what was typed."""
    inquiry = _inquiry(inquiry_id)
    if form.validate_on_submit():
        try:
            step(inquiry, form.version_number())
        except MediaRuleError as rule:
            if rule.field and hasattr(form, rule.field):
                getattr(form, rule.field).errors.append(rule.message)
            else:
                flash(rule.message, "error")
                return redirect(url_for("media_inquiries.show", inquiry_id=inquiry.id))
        except StaleRecordError:
            fresh = _inquiry(inquiry_id)
            form.version.data = str(fresh.version)
            return _render_inquiry(fresh, 409, conflict=True, **{form_name: form})
        else:
            flash(done, "success")
            return redirect(url_for("media_inquiries.show", inquiry_id=inquiry.id))
    return _render_inquiry(inquiry, 422, form=form, **{form_name: form})


@bp.route("/media-inquiries/<int:inquiry_id>/draft", methods=["POST"])
@allow(*WORKERS)
def draft(inquiry_id: int):
    form = DraftForm()
    return _page_step(
        inquiry_id,
        form,
        "draft_form",
        lambda i, v: workflow.draft_response(i, v, current_user, form.draft_response.data),
        "The draft response has been saved. It needs the partnership's approval before it is sent.",
    )


@bp.route("/media-inquiries/<int:inquiry_id>/close-no-comment", methods=["POST"])
@allow(*WORKERS)
def close_no_comment(inquiry_id: int):
    form = CloseNoCommentForm()
    return _page_step(
        inquiry_id,
        form,
        "no_comment_form",
        lambda i, v: workflow.close_no_comment(i, v, current_user, form.reason.data),
        "The inquiry has been closed with no comment",
    )


# Changing the review, topic or deadline (review officers and admins) -------------------------------


@bp.route("/media-inquiries/<int:inquiry_id>/reassign", methods=["GET", "POST"])
@allow(*OFFICERS)
def reassign(inquiry_id: int):
    inquiry = _inquiry(inquiry_id)
    form = ReassignForm()
    form.received = inquiry.received_at
    form.review.choices = [("", "Select a review"), (NOT_SURE, "Not sure, or no review")] + [
        (str(r.id), f"{r.reference}: {r.title}") for r in queries.reviews_for_logging(current_user)
    ]
    if request.method == "GET":
        form.version.data = str(inquiry.version)
        form.review.data = str(inquiry.review_id) if inquiry.review_id else NOT_SURE
        form.topic.data = inquiry.topic.value
        form.set_deadline(inquiry.deadline_at)
    conflict, status = False, 200
    if form.validate_on_submit():
        values = {
            "review": None if form.review.data == NOT_SURE else Review.get_by_id(int(form.review.data)),
            "topic": Topic(form.topic.data),
            "deadline_at": form.deadline_at(),
        }
        try:
            routing = service.reassign(
                inquiry, form.version_number(), current_user, values, current_app.config
            )
        except MediaRuleError as rule:
            getattr(form, rule.field or "review").errors.append(rule.message)
        except StaleRecordError:
            conflict, status = True, 409
            form.version.data = str(MediaInquiry.get_by_id(inquiry.id).version)
        else:
            flash("The inquiry has been updated", "success")
            if routing is not None and routing.gaps:
                flash("Not everyone could be told: " + "; ".join(routing.gaps) + ".", "error")
            return redirect(url_for("media_inquiries.show", inquiry_id=inquiry.id))
    if form.errors:
        status = 422
    return render_template(
        "media_inquiries/reassign.html",
        form=form,
        inquiry=inquiry,
        conflict=conflict,
        conflict_message=CONFLICT_MESSAGE,
    ), status


# A review's panel chair contact (review officers and admins) ------------------------------------------


@bp.route("/media-inquiries/reviews/<int:review_id>/contact", methods=["GET", "POST"])
@allow(*OFFICERS)
def review_contact(review_id: int):
    review = get_object_or_404(Review, Review.id == review_id)
    contact = ReviewMediaContact.get_or_none(ReviewMediaContact.review == review.id)
    form = ReviewContactForm(obj=contact if request.method != "POST" else None)
    if request.method != "POST":
        form.version.data = str(contact.version if contact else 0)
    back = safe_next_url(request.args.get("next"), url_for("media_inquiries.index"))
    conflict, status = False, 200
    if form.validate_on_submit():
        try:
            service.save_review_contact(review, form.version_number(), form.data, current_user)
        except StaleRecordError:
            conflict, status = True, 409
            fresh = ReviewMediaContact.get_or_none(ReviewMediaContact.review == review.id)
            form.version.data = str(fresh.version if fresh else 0)
        else:
            flash(f"The panel chair contact for {review.reference} has been saved", "success")
            return redirect(back)
    if form.errors:
        status = 422
    return render_template(
        "media_inquiries/review_contact.html",
        form=form,
        review=review,
        back=back,
        conflict=conflict,
        conflict_message=CONFLICT_MESSAGE,
    ), status
