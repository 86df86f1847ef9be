from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.reviews.models import REVIEW_KIND_LABELS, SUBJECT_ROLE_LABELS
from portal.web.forms import (
    ChoiceRadioField,
    ChoiceSelectField,
    GovDateField,
    VersionedForm,
    date_not_before,
)


class ReviewForm(VersionedForm):
    kind = ChoiceRadioField(
        "Type of review",
        choices=[(kind.value, label) for kind, label in REVIEW_KIND_LABELS.items()],
        choice_message="Select the type of review",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the type of review")],
    )
    title = StringField(
        "Short title",
        description='Not identifying: for example the deceased\'s initials and the year, like "J.S. 2026"',
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a short title"),
            Length(max=80, message="Short title must be 80 characters or fewer"),
        ],
    )
    partnership = ChoiceSelectField(
        "Community safety partnership",
        choice_message="Select the partnership that owns the review",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the partnership that owns the review")],
    )
    review_officer = ChoiceSelectField(
        "Review officer",
        choice_message="Select a review officer from the list",
        widget=GovSelect(),
    )
    date_of_death = GovDateField("Date of death", description="For example, 27 3 2026")
    date_notified = GovDateField(
        "Date the partnership was notified",
        subject="date the partnership was notified",
        required=True,
        validators=[
            date_not_before(
                "date_of_death",
                "Date the partnership was notified must be on or after the date of death",
            )
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class SubjectForm(VersionedForm):
    role = ChoiceSelectField(
        "Role in the review",
        choices=[("", "Select a role")]
        + [(role.value, label) for role, label in SUBJECT_ROLE_LABELS.items()],
        choice_message="Select the person's role in the review",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the person's role in the review")],
    )
    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the person's full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    aliases = TextAreaField(
        "Alternative spellings and aliases",
        description="One per line. Agencies search for each of them.",
        widget=GovTextArea(),
        validators=[
            Length(
                max=2000,
                message="Alternative spellings and aliases must be 2000 characters or fewer",
            )
        ],
    )
    date_of_birth = GovDateField("Date of birth", description="For example, 14 6 1985")
    address_at_time = TextAreaField(
        "Address at the time",
        widget=GovTextArea(),
        validators=[Length(max=1000, message="Address must be 1000 characters or fewer")],
    )
    previous_addresses = TextAreaField(
        "Known previous addresses",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Previous addresses must be 2000 characters or fewer")],
    )
    relationship_to_deceased = StringField(
        "Relationship to the deceased",
        widget=GovTextInput(),
        validators=[Length(max=120, message="Relationship must be 120 characters or fewer")],
    )
    scope_from = GovDateField("Scope agencies' searches from", subject="start of the scoping period")
    scope_to = GovDateField(
        "Scope agencies' searches to",
        subject="end of the scoping period",
        validators=[date_not_before("scope_from", "End of the scoping period must be on or after its start")],
    )
    submit = SubmitField("Save person", widget=GovSubmitInput())
