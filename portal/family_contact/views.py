"""A review's family page: members, the contact log and milestones, inline with htmx.

Every action answers with the whole #family-contact section (the milestones
change with the log), 422 for form errors and 409 for a stale version, and
works as a plain form without JavaScript. Every response that shows family
records is written to the audit log. Another officer's review answers 404,
exactly like a review that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.accounts.models import Role
from portal.audit.service import record
from portal.clock import local_to_utc, local_today, to_local
from portal.database import StaleRecordError
from portal.family_contact import queries, service
from portal.family_contact.forms import ContactEntryForm, FamilyMemberForm, MarkInErrorForm
from portal.family_contact.models import (
    ContactMethod,
    ContactPurpose,
    ContactRoute,
    FamilyContactEntry,
    FamilyMember,
    Participation,
)
from portal.reviews.models import Review
from portal.web.access import allow
from portal.web.forms import CONFLICT_MESSAGE
from portal.web.htmx import is_htmx_request, render_page_or_fragment

bp = Blueprint("family_contact", __name__, url_prefix="/reviews/<int:review_id>/family")

OFFICERS = (Role.ADMIN, Role.REVIEW_OFFICER)
IN_ERROR_MESSAGE = "This entry has been marked as entered in error, so it can no longer be changed."


@bp.app_template_global()
def family_contact_summary(review: Review) -> list[queries.Milestone] | None:
    """The milestones for the review page, or None if the person may not see family records."""
    return queries.milestone_status(review) if service.may_see_family(current_user, review) else None


def _review(review_id: int) -> Review:
    review = queries.review_with_partnership(review_id)
    if review is None or not service.may_see_family(current_user, review):
        abort(404)  # the same answer as a review that does not exist
    return review


def _viewed(review: Review, page: str) -> None:
    record("family_contact_viewed", actor=current_user, obj=review, page=page)


@dataclass
class SectionState:
    """What is open in the section: at most one form, and whether it hit a conflict."""

    form: FlaskForm | None = None
    adding_member: bool = False
    member: FamilyMember | None = None
    adding_entry: bool = False
    entry: FamilyContactEntry | None = None
    marking: FamilyContactEntry | None = None  # the entry being marked as entered in error
    conflict: bool = False
    conflict_message: str = CONFLICT_MESSAGE


def _section(review: Review, state: SectionState | None = None, status: int = 200, announce: str = ""):
    _viewed(review, "family")
    state = state or SectionState()
    members, entries = queries.members_and_log(review)
    return render_page_or_fragment(
        "family_contact/show.html",
        "family_contact/partials/family.html",
        status=status,
        review=review,
        members=members,
        entries=entries,
        milestones=queries.milestone_status(review, members, entries),
        state=state,
        form=state.form,
        inline_errors=is_htmx_request(),
        announce=announce,
    )


def _done(review: Review, message: str, announce: str):
    if not is_htmx_request():
        flash(message, "success")
        return redirect(url_for("family_contact.show", review_id=review.id))
    return _section(review, announce=announce)


@bp.route("")
@allow(*OFFICERS)
def show(review_id: int):
    return _section(_review(review_id))


# Family members and key contacts -------------------------------------------------------


def _member_values(form: FamilyMemberForm) -> dict:
    return {
        "referred_to_as": form.referred_to_as.data.strip(),
        "initials": (form.initials.data or "").strip(),
        "relationship": form.relationship.data.strip(),
        "participation": Participation(form.participation.data),
        "preferred_route": ContactRoute(form.preferred_route.data),
        "route_details": (form.route_details.data or "").strip(),
        "language": (form.language.data or "").strip(),
        "interpreter_needed": bool(form.interpreter_needed.data),
        "safety_concern": bool(form.safety_concern.data),
        "safety_note": (form.safety_note.data or "").strip(),
        "notes": (form.notes.data or "").strip(),
    }


@bp.route("/members/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def new_member(review_id: int):
    review = _review(review_id)
    form = FamilyMemberForm()
    if request.method == "GET":
        form.participation.data = Participation.NOT_CONTACTED.value
    if form.validate_on_submit():
        service.add_member(review, _member_values(form), current_user)
        return _done(review, "The person has been added", "Person added")
    status = 422 if form.errors else 200
    return _section(review, SectionState(form=form, adding_member=True), status=status)


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@allow(*OFFICERS)
def edit_member(review_id: int, member_id: int):
    review = _review(review_id)
    member = queries.member_of(review, member_id) or abort(404)
    form = FamilyMemberForm(obj=None if request.method == "POST" else member)
    if request.method != "POST":
        form.participation.data = member.participation.value
        form.preferred_route.data = member.preferred_route.value
        form.version.data = str(member.version)
    conflict, status = False, 200
    if form.validate_on_submit():
        try:
            service.update_member(member, form.version_number(), _member_values(form), current_user)
        except StaleRecordError:
            conflict, status = True, 409
            form.version.data = str(FamilyMember.get_by_id(member.id).version)
        else:
            return _done(review, "The person's details have been saved", "Person's details saved")
    elif form.errors:
        status = 422
    return _section(review, SectionState(form=form, member=member, conflict=conflict), status=status)


# The contact log -------------------------------------------------------------------------


def _entry_form(review: Review, entry: FamilyContactEntry | None = None) -> ContactEntryForm:
    form = ContactEntryForm()
    members = queries.members_of(review)
    form.members.choices = [(m.id, f"{m.referred_to_as} ({m.relationship})") for m in members]
    if request.method == "GET":
        if entry is None:
            form.made_by.data = current_user.full_name
            form.contact_made.data = "yes"
            if len(members) == 1:
                form.members.data = [members[0].id]
        else:
            local = to_local(entry.contacted_at)
            form.members.data = [m.id for m in entry.members]
            form.contact_date.data = local.date()
            form.contact_time.data = f"{local:%H:%M}"
            form.made_by.data = entry.made_by
            form.contact_made.data = "yes" if entry.contact_made else "no"
            form.route.data = entry.route.value
            form.method.data = entry.method.value
            form.purpose.data = entry.purpose.value
            form.summary.data = entry.summary
            form.outcome.data = entry.outcome
            form.next_contact_due.data = entry.next_contact_due
            form.version.data = str(entry.version)
    return form


def _entry_values(form: ContactEntryForm) -> dict:
    return {
        "contacted_at": local_to_utc(form.contacted_at_local()),
        "made_by": form.made_by.data.strip(),
        "contact_made": form.contact_made.data == "yes",
        "route": ContactRoute(form.route.data),
        "method": ContactMethod(form.method.data),
        "purpose": ContactPurpose(form.purpose.data),
        "summary": form.summary.data.strip(),
        "outcome": (form.outcome.data or "").strip(),
        "next_contact_due": form.next_contact_due.data,
    }


@bp.route("/entries/new", methods=["GET", "POST"])
@allow(*OFFICERS)
def new_entry(review_id: int):
    review = _review(review_id)
    form = _entry_form(review)
    if form.validate_on_submit():
        service.add_entry(review, _entry_values(form), form.members.data, current_user)
        return _done(review, "The contact has been added to the log", "Contact added to the log")
    status = 422 if form.errors else 200
    return _section(review, SectionState(form=form, adding_entry=True), status=status)


def _entry(review: Review, entry_id: int) -> FamilyContactEntry:
    return queries.entry_of(review, entry_id) or abort(404)


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@allow(*OFFICERS)
def edit_entry(review_id: int, entry_id: int):
    review = _review(review_id)
    entry = _entry(review, entry_id)
    if entry.entered_in_error:
        state = SectionState(conflict=True, conflict_message=IN_ERROR_MESSAGE)
        return _section(review, state, status=409)
    form = _entry_form(review, entry)
    conflict, status = False, 200
    if form.validate_on_submit():
        try:
            service.update_entry(
                entry, form.version_number(), _entry_values(form), form.members.data, current_user
            )
        except StaleRecordError:
            conflict, status = True, 409
            form.version.data = str(FamilyContactEntry.get_by_id(entry.id).version)
        else:
            return _done(review, "The entry has been changed", "Entry changed")
    elif form.errors:
        status = 422
    return _section(review, SectionState(form=form, entry=entry, conflict=conflict), status=status)


@bp.route("/entries/<int:entry_id>/entered-in-error", methods=["GET", "POST"])
@allow(*OFFICERS)
def mark_in_error(review_id: int, entry_id: int):
    review = _review(review_id)
    entry = _entry(review, entry_id)
    if entry.entered_in_error:
        state = SectionState(conflict=True, conflict_message=IN_ERROR_MESSAGE)
        return _section(review, state, status=409)
    form = MarkInErrorForm()
    if request.method == "GET":
        form.version.data = str(entry.version)
    conflict, status = False, 200
    if form.validate_on_submit():
        try:
            service.mark_in_error(entry, form.version_number(), form.reason.data.strip(), current_user)
        except StaleRecordError:
            conflict, status = True, 409
            form.version.data = str(FamilyContactEntry.get_by_id(entry.id).version)
        else:
            return _done(review, "The entry has been marked as entered in error", "Entry marked in error")
    elif form.errors:
        status = 422
    return _section(review, SectionState(form=form, marking=entry, conflict=conflict), status=status)


@bp.route("/entries/<int:entry_id>/history")
@allow(*OFFICERS)
def entry_history(review_id: int, entry_id: int):
    review = _review(review_id)
    entry = _entry(review, entry_id)
    _viewed(review, "entry_history")
    return render_template(
        "family_contact/history.html",
        review=review,
        entry=entry,
        versions=list(queries.versions_of(entry)),
        previous_values=queries.previous_values,
    )


@bp.route("/record")
@allow(*OFFICERS)
def printable_record(review_id: int):
    """The printable, chronological record for the overview report's appendix: initials only."""
    review = _review(review_id)
    _viewed(review, "record")
    return render_template(
        "family_contact/record.html",
        review=review,
        members=queries.members_of(review),
        entries=queries.entries_of(review, oldest_first=True, include_in_error=False),
        today=local_today(),
    )
