from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, InputRequired, Length, Optional

from portal.accounts.models import ROLE_LABELS
from portal.organisations.models import SECTOR_LABELS
from portal.web.forms import ChoiceRadioField, ChoiceSelectField, VersionedForm


def _email_field(label: str, **kwargs) -> EmailField:
    return EmailField(
        label,
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter an email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
        ],
        **kwargs,
    )


class UserForm(VersionedForm):
    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the person's full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    email = _email_field("Email address")
    role = ChoiceRadioField(
        "Role",
        choice_message="Select a role",
        choices=[(role.value, label) for role, label in ROLE_LABELS.items()],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select a role")],
    )
    agency = ChoiceSelectField(
        "Agency (agency safeguarding leads only)",
        choice_message="Select an agency from the list",
        widget=GovSelect(),
        validators=[Optional()],
        coerce=str,
    )
    partnership = ChoiceSelectField(
        "Partnership (partnership team members only)",
        choice_message="Select a partnership from the list",
        widget=GovSelect(),
        validators=[Optional()],
        coerce=str,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class PartnershipForm(VersionedForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the partnership's name"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    active = BooleanField(
        "Active (new reviews can be opened for it)", widget=GovCheckboxInput(), default=True
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class AgencyForm(VersionedForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the agency's name"),
            Length(max=160, message="Name must be 160 characters or fewer"),
        ],
    )
    sector = ChoiceSelectField(
        "Sector",
        choice_message="Select a sector",
        choices=[("", "Select a sector")] + [(s.value, label) for s, label in SECTOR_LABELS.items()],
        widget=GovSelect(),
        validators=[InputRequired(message="Select a sector")],
    )
    contact_email = _email_field(
        "Contact email", description="A shared mailbox that is watched, used when no lead is set up"
    )
    active = BooleanField("Active (can be sent trawls)", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save", widget=GovSubmitInput())


class ConfirmForm(VersionedForm):
    """A button that changes state: POST with CSRF and the version shown."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
