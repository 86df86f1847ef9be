"""/admin/subject-access: search for one person across the portal, and download what was found.

Searches are POSTed, not GET: the person's name stays out of URLs, browser history and
server logs, and each search writes an audit row (a write is never a GET).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from portal.accounts.models import Role
from portal.subject_access import export, service
from portal.subject_access.forms import SubjectAccessForm
from portal.subject_access.records import RecordKind
from portal.web.access import allow

bp = Blueprint("subject_access", __name__, url_prefix="/admin/subject-access")


def _page(form: SubjectAccessForm, results=None, status: int = 200):
    return render_template(
        "subject_access/search.html", form=form, results=results, kinds=list(RecordKind)
    ), status


@bp.route("", methods=["GET", "POST"])
@allow(Role.ADMIN)
def search():
    form = SubjectAccessForm()
    if request.method == "GET":
        return _page(form)
    if not form.validate():
        return _page(form, status=422)
    return _page(form, service.search_and_record(form.criteria(), current_user))


@bp.route("/export", methods=["POST"])
@allow(Role.ADMIN)
def download():
    form = SubjectAccessForm()
    if not form.validate():
        return _page(form, status=422)
    export_format = request.form.get("format", "csv")
    if export_format not in export.FORMATS:
        export_format = "csv"
    results = service.search(form.criteria())
    service.record_export(results, current_user, export_format)
    return export.as_json(results) if export_format == "json" else export.as_csv(results)
