"""Publication: the review's publication page, the public list and documents, take-downs."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.accounts.models import Role
from portal.audit.service import record
from portal.clock import local_today
from portal.database import StaleRecordError
from portal.lifecycle import service as lifecycle
from portal.lifecycle.stages import Stage
from portal.notifications.mail import portal_url
from portal.organisations import queries as organisations
from portal.publication import queries, service, storage
from portal.publication.forms import DocumentForm, HoldForm, PublishForm, RemoveForm
from portal.publication.models import DocumentKind, PublishedDocument
from portal.reviews.models import Review
from portal.web.access import allow, public
from portal.web.errors import render_error
from portal.web.forms import CONFLICT_MESSAGE
from portal.web.htmx import is_htmx_request, render_page_or_fragment

bp = Blueprint("publication", __name__)

OFFICERS = (Role.ADMIN, Role.REVIEW_OFFICER)
# The partnership's CSP team sees its own reviews' publication, and decides on take-downs.
STAFF = (Role.ADMIN, Role.REVIEW_OFFICER, Role.CSP_TEAM)
PARTNERSHIP = (Role.ADMIN, Role.CSP_TEAM)
KIND_SLUGS = {kind.value.replace("_", "-"): kind for kind in DocumentKind}
# Public documents may be kept by caches, but only if they check back every time, so a
# report taken down is gone for everyone at once (the answer is then 410, never cached).
PUBLIC_CACHE_CONTROL = "public, no-cache"


def _review(review_id: int, allowed=service.may_view) -> Review:
    review = queries.review_for_publication(review_id).first()
    if review is None or not allowed(current_user, review):
        abort(404)  # another partnership's review does not exist, as far as its CSP team knows
    return review


# The review's publication page --------------------------------------------------------------


def _page(review: Review, *, status: int = 200, form=None, uploads=None, publish_form=None, **extra):
    """The publication page, with whichever form was just submitted (and its errors) in place."""
    is_officer = current_user.role in OFFICERS
    can_upload = is_officer and review.stage in service.UPLOAD_STAGES and not service.is_removed(review)
    uploads = uploads or {}
    upload_forms = (
        {kind: uploads.get(kind) or DocumentForm(kind, formdata=None) for kind in DocumentKind}
        if can_upload
        else {}
    )
    can_publish = is_officer and review.stage is Stage.PUBLICATION_PLANNED
    if can_publish and publish_form is None:
        publish_form = PublishForm(formdata=None, version=str(review.version), published_on=local_today())
    documents = queries.documents_of(review)
    return render_template(
        "publication/show.html",
        review=review,
        documents=documents,
        kinds=list(DocumentKind),
        upload_forms=upload_forms,
        publish_form=publish_form if can_publish else None,
        missing=lifecycle.missing_family_milestones(review, Stage.PUBLISHED) if can_publish else [],
        on_website=service.is_on_website(review),
        may_decide_removal=service.may_decide_removal(current_user, review),
        removal_date=queries.removal_date(review),
        checks=queries.latest_removal_checks(review) if service.is_removed(review) else [],
        public_links={
            kind: portal_url("publication.public_document", document_id=document.id)
            for kind, document in documents.items()
        },
        form=form,
        Stage=Stage,
        **extra,
    ), status


@bp.route("/reviews/<int:review_id>/publication")
@allow(*STAFF)
def show(review_id: int):
    return _page(_review(review_id))


@bp.route(
    "/reviews/<int:review_id>/publication/documents/<any('overview-report','executive-summary'):document_kind>",
    methods=["POST"],
)
@allow(*OFFICERS)
def upload(review_id: int, document_kind: str):
    review = _review(review_id)
    kind = KIND_SLUGS[document_kind]
    form = DocumentForm(kind)
    status = 422
    if form.validate_on_submit():
        upload = form.document.data
        # Read one byte past the limit: enough to know it is too large, never more.
        data = upload.stream.read(current_app.config["MAX_PUBLICATION_BYTES"] + 1)
        try:
            service.upload_document(review, kind, data, upload.filename, current_user)
        except service.PublicationError as error:
            form.document.errors = [*form.document.errors, error.message]
        except StaleRecordError:
            status = 409
            form.document.errors = [
                *form.document.errors,
                f"Someone else uploaded the {kind.label.lower()} just now. Check it, then upload yours again",
            ]
        else:
            flash(f"The {kind.label.lower()} has been uploaded", "success")
            return redirect(url_for("publication.show", review_id=review.id, _anchor="documents"))
    return _page(review, status=status, form=form, uploads={kind: form})


@bp.route("/reviews/<int:review_id>/publication/publish", methods=["POST"])
@allow(*OFFICERS)
def publish(review_id: int):
    review = _review(review_id)
    form = PublishForm()
    status, problem = 422, None
    if review.stage is not Stage.PUBLICATION_PLANNED:
        problem = "Record the publication plan before publishing"
    elif form.validate_on_submit():
        try:
            service.publish(
                review,
                form.version_number(),
                form.published_on.data,
                current_user,
                report_available_at=form.report_available_at.data or "",
                accept_missing_milestones=bool(form.accept_missing_milestones.data),
            )
        except (service.PublicationError, lifecycle.LifecycleError) as error:
            field = getattr(form, error.field, None) if error.field else None
            if field is not None:
                field.errors = [*field.errors, error.message]
            else:
                problem = error.message
        except StaleRecordError:
            status, problem = 409, CONFLICT_MESSAGE
            form.version.data = str(Review.get_by_id(review.id).version)
        else:
            flash(f"{review.reference} is published. It comes off the website on {_day(review)}", "success")
            return redirect(url_for("publication.show", review_id=review.id))
    review = _review(review_id)
    return _page(review, status=status, form=form, publish_form=form, problem=problem)


def _day(review: Review) -> str:
    day = queries.removal_date(review)
    return f"{day.day} {day:%B %Y}" if day else "a date not yet set"


# The CSP team's decisions: take it down now, or keep it online longer ---------------------


@bp.route("/reviews/<int:review_id>/publication/remove", methods=["GET", "POST"])
@allow(*PARTNERSHIP)
def remove(review_id: int):
    review = _review(review_id, service.may_decide_removal)
    form = RemoveForm()
    if request.method == "GET":
        form.version.data = str(review.version)
        form.report_available_at.data = review.report_available_at or service.AVAILABLE_ON_REQUEST
    status, problem = 200, None
    if request.method == "POST" and not service.is_on_website(review):
        status, problem = 422, "This review's report is not on the website"
    elif form.validate_on_submit():
        try:
            verification = service.remove_early(
                review,
                form.version_number(),
                form.reason.data,
                current_user,
                report_available_at=form.report_available_at.data or "",
            )
        except service.PublicationError as error:
            status = 422
            if error.field:
                getattr(form, error.field).errors = [*getattr(form, error.field).errors, error.message]
            else:
                problem = error.message
        except (StaleRecordError, lifecycle.LifecycleError):
            status, problem = 409, CONFLICT_MESSAGE
            form.version.data = str(Review.get_by_id(review.id).version)
        else:
            _flash_removal(review, verification)
            return redirect(url_for("publication.show", review_id=review.id))
    elif form.errors:
        status = 422
    return render_template(
        "publication/remove.html",
        review=review,
        form=form,
        problem=problem,
        on_website=service.is_on_website(review),
        removal_date=queries.removal_date(review),
    ), status


def _flash_removal(review: Review, verification: service.Verification) -> None:
    if verification.passed:
        flash(
            f"{review.reference} has been taken off the website. The public list and its documents "
            "were checked and no longer show it",
            "success",
        )
    else:
        flash(
            f"{review.reference} has been taken off the website, but the check found it still showing. "
            "The administrators have been told",
            "important",
        )


@bp.route("/reviews/<int:review_id>/publication/hold", methods=["GET", "POST"])
@allow(*PARTNERSHIP)
def hold(review_id: int):
    review = _review(review_id, service.may_decide_removal)
    form = HoldForm()
    if request.method == "GET":
        form.version.data = str(review.version)
        form.held_until.data = review.held_until
        form.reason.data = review.hold_reason
    status, problem = 200, None
    if request.method == "POST" and not service.is_on_website(review):
        status, problem = 422, "This review's report is not on the website"
    elif form.validate_on_submit():
        try:
            service.hold_online(
                review, form.version_number(), form.held_until.data, form.reason.data, current_user
            )
        except service.PublicationError as error:
            status = 422
            if error.field:
                getattr(form, error.field).errors = [*getattr(form, error.field).errors, error.message]
            else:
                problem = error.message
        except StaleRecordError:
            status, problem = 409, CONFLICT_MESSAGE
            form.version.data = str(Review.get_by_id(review.id).version)
        else:
            flash(f"{review.reference} stays online until {_held(review)}", "success")
            return redirect(url_for("publication.show", review_id=review.id))
    elif form.errors:
        status = 422
    return render_template(
        "publication/hold.html",
        review=review,
        form=form,
        problem=problem,
        on_website=service.is_on_website(review),
        removal_date=queries.removal_date(review),
    ), status


def _held(review: Review) -> str:
    return f"{review.held_until.day} {review.held_until:%B %Y}"


# Downloads ---------------------------------------------------------------------------------


def _download_name(reference: str, kind: DocumentKind) -> str:
    safe_reference = re.sub(r"[^A-Za-z0-9-]", "", reference)
    return f"{safe_reference}-{kind.value.replace('_', '-')}.pdf"


def _pdf(document: PublishedDocument, reference: str) -> Response:
    try:
        data = storage.read(document.stored_name)
    except FileNotFoundError:  # replaced a moment ago: the new one has a new name
        abort(404)
    response = Response(data, mimetype="application/pdf")
    # Always a download, never shown inline in the portal's origin.
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_download_name(reference, document.kind)}"'
    )
    return response


@bp.route("/reviews/<int:review_id>/documents/<int:document_id>")
@allow(*STAFF)
def staff_download(review_id: int, document_id: int):
    """Any of the review's documents, including after removal ("available on request")."""
    review = _review(review_id)
    document = PublishedDocument.get_or_none(
        PublishedDocument.id == document_id, PublishedDocument.review == review.id
    )
    if document is None:
        abort(404)
    response = _pdf(document, review.reference)
    record(
        "publication_document_downloaded",
        actor=current_user,
        obj=review,
        kind=document.kind.value,
        document_id=document.id,
    )
    return response


# The public pages ---------------------------------------------------------------------------


@bp.route("/published")
@public
def published():
    """Reviews on the website now: reference, partnership, title, date, the two documents. Nothing else.

    A page at a time (count, page, its documents: three queries however many are published)."""
    page = queries.public_reviews_page()
    return render_template(
        "publication/published.html",
        page=page,
        rows=queries.with_documents(page.items),
        kinds=list(DocumentKind),
    )


@bp.route("/published/<int:document_id>.pdf")
@public
def public_document(document_id: int):
    document = queries.public_document(document_id)
    if document is None:
        abort(404)
    review = document.review
    if review.removed_on is not None:
        return render_error(
            410,
            message="This report is no longer on the website. Reports stay online for one year after "
            "publication; after that, ask the community safety partnership for a copy.",
        )
    if review.stage is not Stage.PUBLISHED:
        abort(404)  # never published: as if it did not exist
    response = _pdf(document, review.reference)
    g.cache_control = PUBLIC_CACHE_CONTROL
    response.set_etag(document.sha256)
    return response.make_conditional(request)


# The CSP team's overview (served at /partnership/reviews by portal/trawls/views.py) ------------


def _partnership_name(partnership_id: int, reviews: list) -> str | None:
    """The page's caption: every review listed is the partnership's, and carries its name."""
    return reviews[0].partnership_name if reviews else organisations.partnership_name(partnership_id)


def partnership_overview_page(partnership_id: int):
    today = local_today()
    group = request.args.get("stage", "")
    group = group if group in queries.STAGE_GROUPS else ""
    removal_soon = request.args.get("removal") == "soon"
    page = queries.partnership_reviews_page(
        partnership_id, group=group, removal_soon=removal_soon, today=today
    )
    return render_page_or_fragment(
        "trawls/partnership_reviews.html",
        "trawls/partials/partnership_reviews_table.html",
        page=page,
        rows=queries.overview_rows(page.items, today, current_app.config),
        filters={"stage": group, "removal": "soon" if removal_soon else ""},
        stage_groups=[(key, label) for key, (label, _) in queries.STAGE_GROUPS.items()],
        removal_soon_days=queries.REMOVAL_SOON_DAYS,
        today=today,
        partnership_name=None if is_htmx_request() else _partnership_name(partnership_id, page.items),
    )
