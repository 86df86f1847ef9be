"""Trawls for review officers: issuing, the returns dashboard, decisions, exports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.audit.service import record
from portal.clock import local_today
from portal.database import StaleRecordError
from portal.organisations import queries as organisations
from portal.organisations.models import Sector
from portal.reviews.models import Review
from portal.reviews.queries import review_by_id
from portal.trawls import queries, service
from portal.trawls.forms import (
    DecideExtensionForm,
    InvolvementOnBehalfForm,
    IssueTrawlForm,
    NilReturnOnBehalfForm,
)
from portal.trawls.models import ReceivedBy, ReturnKind, TrawlPurpose, TrawlRequest
from portal.trawls.returns import return_values
from portal.web.access import allow, safe_next_url
from portal.web.exports import csv_response
from portal.web.forms import CONFLICT_MESSAGE, VersionedForm
from portal.web.htmx import is_htmx_request, render_page_or_fragment, triggered_by

bp = Blueprint("trawls", __name__)

OFFICERS = (Role.ADMIN, Role.REVIEW_OFFICER)


def _review(review_id: int) -> Review:
    review = review_by_id(review_id)
    if review is None:
        abort(404)
    return review


# Issuing a trawl -------------------------------------------------------------------


@bp.route("/reviews/<int:review_id>/trawls/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def issue(review_id: int):
    review = _review(review_id)
    form = IssueTrawlForm()
    agencies = list(organisations.agencies(active_only=True))
    asked = queries.agencies_asked(review)
    form.agencies.choices = [(a.id, a.name) for a in agencies]
    if request.method == "GET":
        form.purpose.data = TrawlPurpose.FURTHER.value if asked else TrawlPurpose.INITIAL.value
        pick = request.args.get("pick", "")
        if pick == "not-asked":
            form.agencies.data = [a.id for a in agencies if a.id not in asked]
        elif pick.startswith("sector:") and pick[7:] in Sector._value2member_map_:
            form.agencies.data = [a.id for a in agencies if a.sector.value == pick[7:]]
    error = None
    if form.validate_on_submit():
        try:
            trawl = service.issue_trawl(
                review,
                form.agencies.data,
                current_user,
                purpose=TrawlPurpose(form.purpose.data),
                due_date=form.due_date.data,
                instructions=form.instructions.data or "",
            )
        except service.TrawlRuleError as rule:
            if rule.field:
                getattr(form, rule.field).errors.append(rule.message)
            else:
                error = rule.message
        else:
            flash(f"{trawl.label} has been issued to {len(form.agencies.data)} agencies", "success")
            return redirect(url_for("trawls.dashboard", review_id=review.id))
    return render_template(
        "trawls/issue.html",
        form=form,
        review=review,
        agencies=agencies,
        asked=asked,
        sectors=list(Sector),
        default_due=service.default_due_date(local_today()),
        error=error,
    )


# The returns dashboard ---------------------------------------------------------------


def _dashboard_context(review: Review) -> dict:
    status = request.args.get("status", "")
    status = status if status in queries.DISPLAY_LABELS else None
    sector_value = request.args.get("sector", "")
    sector = Sector(sector_value) if sector_value in Sector._value2member_map_ else None
    trawl_id = request.args.get("trawl", type=int)
    descending = request.args.get("sort") == "due-desc"
    today = local_today()
    rows = queries.dashboard_rows(
        review, status=status, sector=sector, trawl_id=trawl_id, descending=descending, today=today
    )
    filtered = bool(status or sector or trawl_id)
    # Unfiltered, the rows are every request of the review: counted, and naming every trawl, from them.
    counts = queries.status_counts([review.id], today)[review.id] if filtered else queries.counts_of(rows)
    # Only the whole page's filter form lists the trawls; the fragment (every poll) never shows them.
    if is_htmx_request():
        trawls = []
    else:
        trawls = queries.trawl_choices(review) if filtered else queries.trawl_choices_of(rows)
    return {
        "review": review,
        "rows": rows,
        "counts": counts,
        "trawls": trawls,
        "filters": {
            "status": status,
            "sector": sector,
            "trawl": trawl_id,
            "sort": "due-desc" if descending else "",
        },
        "today": today,
        "sectors": list(Sector),
        "display_statuses": queries.DISPLAY_STATUSES,
        # A poll refreshes quietly; only a change someone asked for is announced.
        "announce": not triggered_by("dashboard-results"),
    }


@bp.route("/reviews/<int:review_id>/returns")
@allow(*OFFICERS)
def dashboard(review_id: int):
    review = _review(review_id)
    return render_page_or_fragment(
        "trawls/dashboard.html", "trawls/partials/dashboard_results.html", **_dashboard_context(review)
    )


def _request_for_officer(request_id: int) -> TrawlRequest:
    found = queries.request_with_context(request_id).first()
    if found is None:
        abort(404)
    return found


def _inline_action(request_id: int, action, form: VersionedForm | None = None):
    """Run a dashboard action; answer htmx with the updated row and counts, others with a redirect."""
    trawl_request = _request_for_officer(request_id)
    form = form or VersionedForm()
    problem, status = None, 200
    if not form.validate_on_submit():
        problem, status = next(iter(form.errors.values()))[0], 422
    else:
        try:
            action(trawl_request, form.version_number())
        except service.TrawlRuleError as rule:
            problem, status = rule.message, 422
        except StaleRecordError:
            problem, status = CONFLICT_MESSAGE, 409
    if not is_htmx_request():
        flash(problem or "Saved", "error" if problem else "success")
        back = safe_next_url(
            request.form.get("back"), url_for("trawls.dashboard", review_id=trawl_request.review_id)
        )
        return redirect(back)
    today = local_today()
    row = queries.dashboard_row(trawl_request.review, request_id, today)
    return render_page_or_fragment(
        "trawls/partials/request_row.html",
        "trawls/partials/request_row.html",
        status=status,
        row=row,
        review=trawl_request.review,
        problem=problem,
        oob_counts=True,
        counts=queries.status_counts([trawl_request.review_id], today)[trawl_request.review_id],
        today=today,
        display_statuses=queries.DISPLAY_STATUSES,
    )


@bp.route("/trawl-requests/<int:request_id>/accept", methods=["POST"])
@allow(*OFFICERS)
def accept(request_id: int):
    return _inline_action(request_id, lambda r, v: service.accept_return(r, v, current_user))


@bp.route("/trawl-requests/<int:request_id>/chased", methods=["POST"])
@allow(*OFFICERS)
def chased(request_id: int):
    return _inline_action(request_id, lambda r, v: service.mark_chased(r, v, current_user, "phone"))


@bp.route("/trawl-requests/<int:request_id>/extension", methods=["POST"])
@allow(*OFFICERS)
def decide_extension(request_id: int):
    form = DecideExtensionForm()
    grant = request.form.get("decision") == "grant"
    return _inline_action(
        request_id,
        lambda r, v: service.decide_extension(
            r,
            v,
            current_user,
            grant=grant,
            granted_date=form.granted_date.data,
            note=form.decision_note.data or "",
        ),
        form=form,
    )


# One request, for the officer ----------------------------------------------------------


@bp.route("/trawl-requests/<int:request_id>")
@allow(*OFFICERS)
def show_request(request_id: int):
    trawl_request = _request_for_officer(request_id)
    returns = list(queries.returns_of(trawl_request))
    if returns:
        record("return_viewed", actor=current_user, obj=trawl_request, return_number=returns[0].number)
    else:
        record("trawl_request_viewed", actor=current_user, obj=trawl_request)
    return render_template(
        "trawls/request.html",
        trawl_request=trawl_request,
        returns=returns,
        extensions=list(queries.extensions_of(trawl_request)),
        pending_extension=queries.pending_extension(trawl_request),
        calculation=_calculation(trawl_request),
        today=local_today(),
        display_status=queries.display_status,
        action_form=VersionedForm(version=trawl_request.version),
        decide_form=DecideExtensionForm(version=trawl_request.version),
    )


def _calculation(trawl_request: TrawlRequest):
    trawl = trawl_request.trawl
    return service.default_due_date(trawl.issued_on, trawl.working_days)


@bp.route("/trawl-requests/<int:request_id>/letter")
@allow(*OFFICERS)
def letter(request_id: int):
    trawl_request = _request_for_officer(request_id)
    record("trawl_request_viewed", actor=current_user, obj=trawl_request)
    return render_template("trawls/letter.html", trawl_request=trawl_request, trawl=trawl_request.trawl)


@bp.route("/trawl-requests/<int:request_id>/record-return/<kind>", methods=["GET", "POST"])
@allow(*OFFICERS)
def record_return(request_id: int, kind: str):
    if kind not in ("nil-return", "involvement"):
        abort(404)
    trawl_request = _request_for_officer(request_id)
    form_class = NilReturnOnBehalfForm if kind == "nil-return" else InvolvementOnBehalfForm
    return_kind = ReturnKind.NIL_RETURN if kind == "nil-return" else ReturnKind.INVOLVEMENT
    form = form_class()
    if request.method == "GET":
        form.version.data = str(trawl_request.version)
    conflict, status = False, 200
    if form.validate_on_submit():
        try:
            service.submit_return(
                trawl_request,
                form.version_number(),
                return_kind,
                return_values(form),
                current_user,
                received_by=ReceivedBy(form.received_by.data),
            )
        except service.TrawlRuleError as rule:
            flash(rule.message, "error")
        except StaleRecordError:
            conflict, status = True, 409
            form.version.data = str(TrawlRequest.get_by_id(trawl_request.id).version)
        else:
            flash(f"The return from {trawl_request.agency.name} has been recorded", "success")
            return redirect(url_for("trawls.show_request", request_id=trawl_request.id))
    return render_template(
        "trawls/record_return.html",
        form=form,
        trawl_request=trawl_request,
        kind=return_kind,
        conflict=conflict,
        conflict_message=CONFLICT_MESSAGE,
    ), status


# Overview and exports ---------------------------------------------------------------------


@bp.route("/returns")
@allow(*OFFICERS)
def overview():
    mine = current_user.role is Role.REVIEW_OFFICER and request.args.get("all") != "1"
    page = queries.overview_page(officer_id=current_user.id if mine else None, today=local_today())
    return render_page_or_fragment(
        "trawls/overview.html",
        "trawls/partials/overview_table.html",
        page=page,
        mine=mine,
        today=local_today(),
    )


@bp.route("/reviews/<int:review_id>/no-record-of-contact")
@allow(*OFFICERS)
def no_record_of_contact(review_id: int):
    review = _review(review_id)
    record("export_downloaded", actor=current_user, obj=review, export="no_record_of_contact")
    return render_template(
        "trawls/no_record_of_contact.html", review=review, rows=list(queries.no_record_of_contact(review))
    )


@bp.route("/reviews/<int:review_id>/trawl-requests.csv")
@allow(*OFFICERS)
def requests_csv(review_id: int):
    review = _review(review_id)
    today = local_today()
    rows = queries.dashboard_rows(review, today=today)
    kinds = queries.latest_return_kinds([row.id for row in rows])
    record("export_downloaded", actor=current_user, obj=review, export="trawl_requests_csv")
    header = [
        "Review",
        "Trawl",
        "Agency",
        "Sector",
        "Status",
        "Due date",
        "Days overdue",
        "Latest return",
        "Answered by",
        "Answered at",
        "Last chased",
        "Last reminder",
    ]
    return csv_response(
        f"{review.reference}-trawl-requests.csv",
        header,
        (
            [
                review.reference,
                row.trawl_number,
                row.agency_name,
                row.sector.label,
                queries.DISPLAY_LABELS[row.display_status],
                row.due_date.isoformat(),
                max(0, (today - row.due_date).days) if row.status.is_open else 0,
                kinds.get(row.id, ""),
                row.answered_by_name or "",
                row.answered_at.isoformat(timespec="minutes") if row.answered_at else "",
                row.last_chased_at.isoformat(timespec="minutes") if row.last_chased_at else "",
                row.last_reminder_at.isoformat(timespec="minutes") if row.last_reminder_at else "",
            ]
            for row in rows
        ),
    )


# The CSP team's view: counts only, never subjects or summaries -----------------------------


@bp.route("/partnership/reviews")
@allow(Role.CSP_TEAM)
def partnership_reviews():
    # Stage, deadlines, Home Office and publication beside the trawl counts (portal/publication).
    from portal.publication.views import partnership_overview_page

    return partnership_overview_page(current_user.partnership_id)
