from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from portal.accounts import service
from portal.accounts.forms import SetPasswordForm, SignInForm
from portal.extensions import login_manager
from portal.web.access import SIGNED_IN, allow, public, safe_next_url

bp = Blueprint("accounts", __name__)


def sign_in_error() -> str:
    """One message for every failure, so it never says whether an account exists."""
    config = current_app.config
    return (
        "Enter a correct email address and password. After "
        f"{config['LOCKOUT_ATTEMPTS']} wrong attempts you will need to wait "
        f"{config['LOCKOUT_MINUTES']} minutes before trying again."
    )


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.session_protection = None  # our server-side sessions do this job

    @login_manager.user_loader
    def load_user(session_key: str):
        return service.load_session(session_key)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    next_url = safe_next_url(request.args.get("next"), url_for("pages.home"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = SignInForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            # A fresh cookie at sign-in: nothing set before it carries over (no fixation).
            session.clear()
            service.start_session(user, request.remote_addr)
            login_user(user)
            return redirect(next_url)
        form.email.errors.append(sign_in_error())
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@allow(*SIGNED_IN)
def sign_out():
    service.end_session(current_user.session_key, current_user)
    logout_user()
    session.clear()
    return redirect(url_for("accounts.signed_out"))


@bp.route("/signed-out")
@public
def signed_out():
    return render_template("accounts/signed_out.html")


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    link = service.find_set_password_token(token)
    if link is None:
        return render_template("accounts/set_password_expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            service.set_password_with_token(token, form.password.data)
        except service.AccountRuleError as error:
            form.password.errors.append(error.message)
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            return redirect(url_for("accounts.sign_in", password_set=1))
    return render_template("accounts/set_password.html", form=form, account_email=link.user.email)
