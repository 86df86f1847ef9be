"""Agency safeguarding leads: their own agency's trawl requests, and their answers.

Every lookup is limited to the lead's agency, so a guessed id of another
agency's request is a 404, exactly like an id that does not exist.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.audit.service import record
from portal.clock import local_today
from portal.database import StaleRecordError
from portal.organisations import queries as organisations
from portal.trawls import queries, service
from portal.trawls.forms import ExtensionForm, InvolvementForm, NilReturnForm
from portal.trawls.models import ReturnKind, TrawlRequest
from portal.trawls.returns import return_values
from portal.web.access import allow
from portal.web.forms import CONFLICT_MESSAGE
from portal.web.htmx import is_htmx_request, render_page_or_fragment

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


def _own_request(request_id: int) -> TrawlRequest:
    found = queries.request_with_context(request_id, agency_id=current_user.agency_id).first()
    if found is None:
        abort(404)
    return found


@bp.route("")
@allow(Role.AGENCY_LEAD)
def index():
    open_only = request.args.get("show") == "open"
    page = queries.inbox_page(current_user.agency_id, open_only=open_only)
    return render_page_or_fragment(
        "inbox/index.html",
        "inbox/partials/requests_table.html",
        page=page,
        open_only=open_only,
        today=local_today(),
        display_status=queries.display_status,
        labels=queries.DISPLAY_LABELS,
        agency_name=None if is_htmx_request() else organisations.agency_name(current_user.agency_id),
    )


@bp.route("/<int:request_id>")
@allow(Role.AGENCY_LEAD)
def show(request_id: int):
    trawl_request = _own_request(request_id)
    returns = list(queries.returns_of(trawl_request))
    record("trawl_request_viewed", actor=current_user, obj=trawl_request)
    return render_template(
        "inbox/request.html",
        trawl_request=trawl_request,
        trawl=trawl_request.trawl,
        returns=returns,
        extensions=list(queries.extensions_of(trawl_request)),
        today=local_today(),
        display_status=queries.display_status,
        labels=queries.DISPLAY_LABELS,
    )


@bp.route("/<int:request_id>/letter")
@allow(Role.AGENCY_LEAD)
def letter(request_id: int):
    trawl_request = _own_request(request_id)
    record("trawl_request_viewed", actor=current_user, obj=trawl_request)
    return render_template("trawls/letter.html", trawl_request=trawl_request, trawl=trawl_request.trawl)


def _answer(request_id: int, kind: ReturnKind, form_class, template: str):
    trawl_request = _own_request(request_id)
    form = form_class()
    latest = queries.returns_of(trawl_request).first()
    if request.method == "GET":
        if latest is not None and latest.kind is kind:
            form.process(obj=latest)  # amending: start from what was sent
            record("return_viewed", actor=current_user, obj=trawl_request, return_number=latest.number)
        form.version.data = str(trawl_request.version)
    conflict, status, problem = False, 200, None
    if form.validate_on_submit():
        try:
            service.submit_return(
                trawl_request, form.version_number(), kind, return_values(form), current_user
            )
        except service.TrawlRuleError as rule:
            problem, status = rule.message, 422
        except StaleRecordError:
            conflict, status = True, 409
            form.version.data = str(TrawlRequest.get_by_id(trawl_request.id).version)
        else:
            flash("Your return has been sent to the review officer", "success")
            return redirect(url_for("inbox.show", request_id=trawl_request.id))
    elif form.errors:
        status = 422
    return render_template(
        template,
        form=form,
        trawl_request=trawl_request,
        trawl=trawl_request.trawl,
        amending=latest is not None and latest.kind is kind,
        conflict=conflict,
        conflict_message=CONFLICT_MESSAGE,
        problem=problem,
    ), status


@bp.route("/<int:request_id>/nil-return", methods=["GET", "POST"])
@allow(Role.AGENCY_LEAD)
def nil_return(request_id: int):
    return _answer(request_id, ReturnKind.NIL_RETURN, NilReturnForm, "inbox/nil_return.html")


@bp.route("/<int:request_id>/involvement", methods=["GET", "POST"])
@allow(Role.AGENCY_LEAD)
def involvement(request_id: int):
    return _answer(request_id, ReturnKind.INVOLVEMENT, InvolvementForm, "inbox/involvement.html")


@bp.route("/<int:request_id>/extension", methods=["GET", "POST"])
@allow(Role.AGENCY_LEAD)
def extension(request_id: int):
    trawl_request = _own_request(request_id)
    form = ExtensionForm()
    if request.method == "GET":
        form.version.data = str(trawl_request.version)
    status = 200
    if form.validate_on_submit():
        try:
            service.request_extension(
                trawl_request, form.version_number(), form.reason.data, form.proposed_date.data, current_user
            )
        except service.TrawlRuleError as rule:
            (getattr(form, rule.field) if rule.field else form.reason).errors.append(rule.message)
            status = 422
        except StaleRecordError:
            form.reason.errors.append(CONFLICT_MESSAGE)
            status = 409
        else:
            flash("Your request for more time has been sent to the review officer", "success")
            return redirect(url_for("inbox.show", request_id=trawl_request.id))
    elif form.errors:
        status = 422
    return render_template("inbox/extension.html", form=form, trawl_request=trawl_request), status
