from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from portal.accounts import pending, service, two_factor
from portal.accounts.forms import (
    RecoveryCodeForm,
    SecurityCodeForm,
    SetPasswordForm,
    SetUpTwoFactorForm,
    SignInForm,
)
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
            # The password alone signs no one in: only the second-factor pages open.
            pending.begin(user, next_url)
            return redirect(url_for(pending.step_for(user)))
        form.email.errors.append(sign_in_error())
    return render_template("accounts/sign_in.html", form=form)


def code_error(what: str) -> str:
    """One message for a wrong, reused, throttled or locked code: it gives nothing away."""
    config = current_app.config
    return (
        f"Enter a correct {what}. After {config['LOCKOUT_ATTEMPTS']} wrong attempts you will need "
        f"to wait {config['LOCKOUT_MINUTES']} minutes before trying again."
    )


def _finish_sign_in(user, recovery_codes: list[str] | None = None):
    """Both factors are right: a new session (nothing from before carries over), then on."""
    next_url = safe_next_url(pending.next_url(), url_for("pages.home"))
    session.clear()
    service.complete_sign_in(user, request.remote_addr)
    login_user(user)
    if recovery_codes:
        return render_template("accounts/recovery_codes.html", codes=recovery_codes, next_url=next_url)
    return redirect(next_url)


def _pending_or_restart(step: str):
    """The person between the two steps, or the way back to the password step."""
    if current_user.is_authenticated:
        return None, redirect(url_for("pages.home"))
    user = pending.user()
    if user is None:
        return None, redirect(url_for("accounts.sign_in"))
    if pending.step_for(user) != step:
        return None, redirect(url_for(pending.step_for(user)))
    return user, None


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
@public
def security_code():
    user, elsewhere = _pending_or_restart("accounts.security_code")
    if elsewhere:
        return elsewhere
    form = SecurityCodeForm()
    if form.validate_on_submit():
        try:
            two_factor.verify_code(user, form.code.data)
        except two_factor.CodeRefused:
            form.code.errors.append(code_error("security code"))
        else:
            return _finish_sign_in(user)
    return render_template("accounts/security_code.html", form=form)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@public
def recovery_code():
    user, elsewhere = _pending_or_restart("accounts.security_code")
    if elsewhere:
        return elsewhere
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        try:
            remaining = two_factor.use_recovery_code(user, form.code.data)
        except two_factor.CodeRefused:
            form.code.errors.append(code_error("recovery code"))
        else:
            response = _finish_sign_in(user)
            flash(
                f"You used a recovery code. You have {remaining} left: ask the business office to "
                "reset your two-factor sign-in if you have lost your phone or are running out.",
                "important",
            )
            return response
    return render_template("accounts/recovery_code.html", form=form)


@bp.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public
def set_up_two_factor():
    user, elsewhere = _pending_or_restart("accounts.set_up_two_factor")
    if elsewhere:
        return elsewhere
    secret = pending.enrolment_secret()
    form = SetUpTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(user, secret, form.code.data)
        except two_factor.CodeRefused:
            form.code.errors.append(code_error("security code"))
        else:
            return _finish_sign_in(user, recovery_codes=codes)
    return render_template(
        "accounts/set_up_two_factor.html",
        form=form,
        qr_code=two_factor.qr_code_data_uri(two_factor.provisioning_uri(user, secret)),
        manual_key=two_factor.manual_key(secret),
        account_email=user.email,
    )


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
