from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.trawls.models import ReceivedBy, TrawlPurpose
from portal.web.forms import ChoiceRadioField, GovDateField, VersionedForm, date_not_before

SUMMARY_LIMIT = 5000  # about one side of A4


class IssueTrawlForm(FlaskForm):
    purpose = ChoiceRadioField(
        "What is this trawl for?",
        choices=[(p.value, p.label) for p in TrawlPurpose],
        choice_message="Select what the trawl is for",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select what the trawl is for")],
    )
    agencies = SelectMultipleField(
        "Agencies to ask",
        coerce=int,
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select at least one agency")],
    )
    due_date = GovDateField(
        "Due date (optional)",
        subject="due date",
        description="Leave blank for 10 working days after today, not counting weekends and bank holidays",
        not_in_future=False,
    )
    instructions = TextAreaField(
        "Anything else agencies should know (optional)",
        description="Added to the standard instructions. Do not include anything that identifies the people.",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000, message="This must be 2000 characters or fewer")],
    )
    submit = SubmitField("Issue trawl", widget=GovSubmitInput())


def _personal_interest_fields(cls):
    cls.personal_interest = BooleanField(
        "An employee has a personal interest in this case (for example a family member or associate)",
        widget=GovCheckboxInput(),
    )
    cls.personal_interest_note = TextAreaField(
        "Personal interest: who and how it is being managed",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="This must be 2000 characters or fewer")],
    )
    return cls


def _check_interest_note(form) -> bool:
    if form.personal_interest.data and not (form.personal_interest_note.data or "").strip():
        form.personal_interest_note.errors.append("Describe the personal interest and how it is managed")
        return False
    return True


@_personal_interest_fields
class NilReturnForm(VersionedForm):
    searched_names = BooleanField("Each person's name", widget=GovCheckboxInput())
    searched_alternative_spellings = BooleanField(
        "Their alternative spellings and aliases", widget=GovCheckboxInput()
    )
    searched_dates_of_birth = BooleanField("Their dates of birth", widget=GovCheckboxInput())
    searched_paper_records = BooleanField("Paper records", widget=GovCheckboxInput())
    searched_electronic_records = BooleanField("Electronic records", widget=GovCheckboxInput())
    submit = SubmitField("Send nil return", widget=GovSubmitInput())

    SEARCH_FIELDS = (
        "searched_names",
        "searched_alternative_spellings",
        "searched_dates_of_birth",
        "searched_paper_records",
        "searched_electronic_records",
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not all(getattr(self, name).data for name in self.SEARCH_FIELDS):
            self.searched_names.errors.append(
                "Confirm you searched for every name, spelling and date of birth, "
                "in paper and electronic records"
            )
            ok = False
        return _check_interest_note(self) and ok


@_personal_interest_fields
class InvolvementForm(VersionedForm):
    summary = TextAreaField(
        "Summary of involvement",
        description=(
            "The nature and dates of your agency's contact with each person, in no more than one side of A4."
        ),
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter a summary of your agency's involvement"),
            Length(max=SUMMARY_LIMIT, message=f"Summary must be {SUMMARY_LIMIT} characters or fewer"),
        ],
    )
    contact_from = GovDateField("First contact", subject="date of first contact", required=True)
    contact_to = GovDateField(
        "Last contact",
        subject="date of last contact",
        required=True,
        validators=[
            date_not_before("contact_from", "Date of last contact must be on or after the first contact")
        ],
    )
    contact_outside_scope = BooleanField(
        "There was contact outside the scoping period", widget=GovCheckboxInput()
    )
    contact_outside_scope_note = TextAreaField(
        "Contact outside the scoping period (optional)",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="This must be 2000 characters or fewer")],
    )
    records_secured = BooleanField("I confirm the records have been secured", widget=GovCheckboxInput())
    submit = SubmitField("Send summary of involvement", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.records_secured.data:
            self.records_secured.errors.append("Confirm that the records have been secured")
            ok = False
        return _check_interest_note(self) and ok


class ExtensionForm(VersionedForm):
    reason = TextAreaField(
        "Why do you need more time?",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter why you need more time"),
            Length(max=2000, message="Reason must be 2000 characters or fewer"),
        ],
    )
    proposed_date = GovDateField(
        "When can you send the return?", subject="proposed date", required=True, not_in_future=False
    )
    submit = SubmitField("Ask for more time", widget=GovSubmitInput())


class DecideExtensionForm(VersionedForm):
    granted_date = GovDateField(
        "New due date (optional)",
        subject="new due date",
        not_in_future=False,
        description="Leave blank to agree to the date the agency proposed",
    )
    decision_note = StringField(
        "Note (optional)",
        widget=GovTextInput(),
        validators=[Length(max=500, message="Note must be 500 characters or fewer")],
    )
    grant = SubmitField("Grant extension", widget=GovSubmitInput())
    refuse = SubmitField("Refuse", widget=GovSubmitInput())


class ReceivedByMixin:
    received_by = ChoiceRadioField(
        "How did the agency send it?",
        choices=[
            (ReceivedBy.EMAIL.value, "Email"),
            (ReceivedBy.PHONE.value, "Phone"),
            (ReceivedBy.LETTER.value, "Letter"),
            (ReceivedBy.OTHER.value, "Other"),
        ],
        choice_message="Select how the agency sent its return",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select how the agency sent its return")],
    )


class NilReturnOnBehalfForm(ReceivedByMixin, NilReturnForm):
    pass


class InvolvementOnBehalfForm(ReceivedByMixin, InvolvementForm):
    pass
