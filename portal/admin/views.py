"""Admin screens. Views parse and render; the rules are in the services."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN
from playhouse.flask_utils import get_object_or_404

from portal.accounts import service as accounts
from portal.accounts import two_factor
from portal.accounts.models import Role, User
from portal.admin.forms import AgencyForm, ConfirmForm, PartnershipForm, UserForm
from portal.database import StaleRecordError
from portal.extensions import db
from portal.notifications.service import send_set_password_link
from portal.organisations import queries as organisations
from portal.organisations import service as organisation_service
from portal.organisations.models import Agency, Partnership, Sector
from portal.web.access import allow
from portal.web.forms import CONFLICT_MESSAGE
from portal.web.htmx import render_page_or_fragment
from portal.web.pagination import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("")
@allow(Role.ADMIN)
def index():
    return render_template("admin/index.html")


# Users ------------------------------------------------------------------------------


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=None if request.method == "POST" else user)
    if user is not None and request.method != "POST":
        form.role.data = user.role.value
        form.agency.data = str(user.agency_id or "")
        form.partnership.data = str(user.partnership_id or "")
        form.version.data = str(user.version)
    form.agency.choices = [("", "Not an agency lead")] + [
        (str(a.id), a.name) for a in organisations.agencies(active_only=user is None)
    ]
    form.partnership.choices = [("", "Not in a partnership team")] + [
        (str(p.id), p.name) for p in organisations.partnerships(active_only=user is None)
    ]
    return form


def _user_values(form: UserForm) -> dict:
    return {
        "email": form.email.data,
        "full_name": form.full_name.data.strip(),
        "role": form.role.data,
        "agency": int(form.agency.data) if form.agency.data else None,
        "partnership": int(form.partnership.data) if form.partnership.data else None,
    }


@bp.route("/users")
@allow(Role.ADMIN)
def users():
    search = request.args.get("q", "").strip()[:100]
    query = (
        User.select(User, Agency, Partnership)
        .join(Agency, join_type=JOIN.LEFT_OUTER, on=(User.agency == Agency.id))
        .switch(User)
        .join(Partnership, join_type=JOIN.LEFT_OUTER, on=(User.partnership == Partnership.id))
        .order_by(User.full_name)
    )
    if search:
        query = query.where(User.full_name.contains(search) | User.email.contains(search.lower()))
    page = paginate(query)
    return render_page_or_fragment(
        "admin/users.html", "admin/partials/users_table.html", page=page, search=search
    )


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_user():
    form = _user_form()
    if form.validate_on_submit():
        try:
            # One transaction: the account exists exactly when its email is queued.
            with db.database.atomic():
                user, token = accounts.create_user(_user_values(form), current_user)
                link = send_set_password_link(user, token)
        except accounts.AccountRuleError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            return render_template("admin/set_password_link.html", user=user, link=link, created=True)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_user(user_id: int):
    user = get_object_or_404(User, User.id == user_id)
    form = _user_form(user)
    conflict = False
    status = 200
    if form.validate_on_submit():
        try:
            accounts.update_user(user, form.version_number(), _user_values(form), current_user)
        except accounts.AccountRuleError as error:
            getattr(form, error.field).errors.append(error.message)
        except StaleRecordError:
            conflict, status = True, 409
            user = User.get_by_id(user_id)
            form.version.data = str(user.version)
        else:
            flash(f"{user.full_name}'s account has been updated", "success")
            return redirect(url_for("admin.users"))
    return (
        render_template(
            "admin/user_form.html",
            form=form,
            user=user,
            conflict=conflict,
            conflict_message=CONFLICT_MESSAGE,
            confirm=ConfirmForm(version=user.version),
        ),
        status,
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@allow(Role.ADMIN)
def deactivate_user(user_id: int):
    return _set_active(user_id, active=False)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@allow(Role.ADMIN)
def reactivate_user(user_id: int):
    return _set_active(user_id, active=True)


def _set_active(user_id: int, active: bool):
    user = get_object_or_404(User, User.id == user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("The request could not be completed. Try again.", "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    try:
        accounts.set_user_active(user, form.version_number(), active, current_user)
    except accounts.AccountRuleError as error:
        flash(error.message, "error")
    except StaleRecordError:
        flash(CONFLICT_MESSAGE, "error")
    else:
        flash(
            f"{user.full_name}'s account has been {'reactivated' if active else 'deactivated'}",
            "success",
        )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/reset-access", methods=["POST"])
@allow(Role.ADMIN)
def reset_access(user_id: int):
    user = get_object_or_404(User, User.id == user_id)
    form = ConfirmForm()
    if not form.validate_on_submit() or not user.active:
        flash("Reactivate the account before resetting access.", "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    with db.database.atomic():
        token = accounts.create_set_password_token(user, current_user)
        accounts.end_all_sessions(user, "access_reset")
        link = send_set_password_link(user, token)
    return render_template("admin/set_password_link.html", user=user, link=link, created=False)


@bp.route("/users/<int:user_id>/reset-two-factor", methods=["POST"])
@allow(Role.ADMIN)
def reset_two_factor(user_id: int):
    user = get_object_or_404(User, User.id == user_id)
    if ConfirmForm().validate_on_submit():
        two_factor.reset_two_factor(user, current_user)
        flash(
            f"{user.full_name}'s two-factor sign-in has been reset and they have been signed out. "
            "They will set up their authenticator app again when they next sign in.",
            "success",
        )
    else:
        flash("The request could not be completed. Try again.", "error")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@allow(Role.ADMIN)
def end_sessions(user_id: int):
    user = get_object_or_404(User, User.id == user_id)
    if ConfirmForm().validate_on_submit():
        count = two_factor.end_sessions_for(user, current_user)
        flash(f"{user.full_name} has been signed out everywhere ({count} sessions ended)", "success")
    else:
        flash("The request could not be completed. Try again.", "error")
    return redirect(url_for("admin.edit_user", user_id=user.id))


# Partnerships -----------------------------------------------------------------------


@bp.route("/partnerships")
@allow(Role.ADMIN)
def partnerships():
    return render_template("admin/partnerships.html", partnerships=list(organisations.partnerships()))


@bp.route("/partnerships/new", methods=["GET", "POST"])
@bp.route("/partnerships/<int:partnership_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_partnership(partnership_id: int | None = None):
    partnership = get_object_or_404(Partnership, Partnership.id == partnership_id) if partnership_id else None
    form = PartnershipForm(obj=partnership if request.method != "POST" else None)
    conflict, status = False, 200
    if form.validate_on_submit():
        values = {"name": form.name.data.strip(), "active": form.active.data}
        try:
            if partnership is None:
                organisation_service.create_partnership(values, current_user)
            else:
                organisation_service.update_partnership(
                    partnership, form.version_number(), values, current_user
                )
        except organisation_service.DuplicateNameError as error:
            form.name.errors.append(str(error))
        except StaleRecordError:
            conflict, status = True, 409
            form.version.data = str(Partnership.get_by_id(partnership.id).version)
        else:
            flash(f"{values['name']} has been saved", "success")
            return redirect(url_for("admin.partnerships"))
    return render_template(
        "admin/partnership_form.html",
        form=form,
        partnership=partnership,
        conflict=conflict,
        conflict_message=CONFLICT_MESSAGE,
    ), status


# Agencies ---------------------------------------------------------------------------


@bp.route("/agencies")
@allow(Role.ADMIN)
def agencies():
    search = request.args.get("q", "").strip()[:100]
    sector_value = request.args.get("sector", "")
    sector = Sector(sector_value) if sector_value in Sector._value2member_map_ else None
    page = paginate(organisations.agencies(sector=sector, search=search or None))
    return render_page_or_fragment(
        "admin/agencies.html",
        "admin/partials/agencies_table.html",
        page=page,
        search=search,
        sector=sector,
        sectors=list(Sector),
    )


@bp.route("/agencies/new", methods=["GET", "POST"])
@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_agency(agency_id: int | None = None):
    agency = get_object_or_404(Agency, Agency.id == agency_id) if agency_id else None
    form = AgencyForm(obj=agency if request.method != "POST" else None)
    if agency is not None and request.method != "POST":
        form.sector.data = agency.sector.value
    conflict, status = False, 200
    if form.validate_on_submit():
        values = {
            "name": form.name.data.strip(),
            "sector": Sector(form.sector.data),
            "contact_email": accounts.normalise_email(form.contact_email.data),
            "active": form.active.data,
        }
        try:
            if agency is None:
                organisation_service.create_agency(values, current_user)
            else:
                organisation_service.update_agency(agency, form.version_number(), values, current_user)
        except organisation_service.DuplicateNameError as error:
            form.name.errors.append(str(error))
        except StaleRecordError:
            conflict, status = True, 409
            form.version.data = str(Agency.get_by_id(agency.id).version)
        else:
            flash(f"{values['name']} has been saved", "success")
            return redirect(url_for("admin.agencies"))
    return render_template(
        "admin/agency_form.html",
        form=form,
        agency=agency,
        conflict=conflict,
        conflict_message=CONFLICT_MESSAGE,
    ), status
