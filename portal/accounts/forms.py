from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=256)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        description=(
            "Use 12 characters or more. Three random words is a good way to make a strong password."
        ),
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a new password")],
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("password", message="Passwords must match"),
        ],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())


def _code_field(label: str, hint: str, empty: str, **render_kw):
    return StringField(
        label,
        description=hint,
        widget=GovTextInput(),
        validators=[InputRequired(message=empty), Length(max=32, message="Enter the code as it is shown")],
        render_kw=render_kw,
    )


class SecurityCodeForm(FlaskForm):
    code = _code_field(
        "Security code",
        "The 6-digit code your authenticator app shows for the review portal",
        "Enter the security code from your authenticator app",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpTwoFactorForm(FlaskForm):
    code = _code_field(
        "Security code",
        "The 6-digit code the app shows after you have added the review portal",
        "Enter the security code from your authenticator app",
    )
    submit = SubmitField("Confirm and continue", widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    code = _code_field(
        "Recovery code",
        "One of the 10 codes you saved when you set up two-factor sign-in, for example abcde-fghjk",
        "Enter one of your recovery codes",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())
