from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.lifecycle.stages import DECISION_LABELS, SuspensionReason
from portal.web.forms import ChoiceRadioField, ChoiceSelectField, GovDateField, VersionedForm


class MoveForm(VersionedForm):
    """Every field a move might ask for; the page shows only those its target needs."""

    decision_outcome = ChoiceRadioField(
        "What did the partnership's Chair decide?",
        choices=[(outcome.value, label) for outcome, label in DECISION_LABELS.items()],
        choice_message="Select the decision",
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    decision_on = GovDateField("Date of the decision", subject="date of the decision")
    home_office_told_on = GovDateField(
        "Date the Home Office was told", subject="date the Home Office was told"
    )
    tor_agreed_on = GovDateField(
        "Date the terms of reference were agreed", subject="date the terms of reference were agreed"
    )
    report_submitted_on = GovDateField(
        "Date the report was submitted", subject="date the report was submitted"
    )
    returned_on = GovDateField(
        "Date the Home Office returned the report", subject="date the report was returned"
    )
    feedback_summary = TextAreaField(
        "Summary of the Home Office's feedback",
        widget=GovTextArea(),
        validators=[Length(max=4000, message="Summary must be 4000 characters or fewer")],
    )
    resubmitted_on = GovDateField(
        "Date the report was resubmitted", subject="date the report was resubmitted"
    )
    cleared_on = GovDateField(
        "Date the Home Office cleared the report", subject="date the report was cleared"
    )
    publication_planned_on = GovDateField(
        "Planned publication date", subject="planned publication date", not_in_future=False
    )
    lead_press_office = ChoiceSelectField(
        "Lead agency for publication and media",
        choice_message="Select an agency from the list",
        widget=GovSelect(),
        validators=[Optional()],
    )
    note = TextAreaField(
        "Note (optional)",
        description="Recorded on the review's timeline",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Note must be 2000 characters or fewer")],
    )
    accept_missing_milestones = BooleanField(
        "I know the family has not been told everything yet, and want to continue", widget=GovCheckboxInput()
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class SuspendForm(VersionedForm):
    reason = ChoiceRadioField(
        "Why is the review suspended?",
        choices=[(reason.value, reason.label) for reason in SuspensionReason],
        choice_message="Select why the review is suspended",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select why the review is suspended")],
    )
    started_on = GovDateField(
        "Suspended from (optional)", subject="date suspended", description="Leave blank for today"
    )
    note = TextAreaField(
        "Note (optional)",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Note must be 2000 characters or fewer")],
    )
    submit = SubmitField("Suspend review", widget=GovSubmitInput())


class ResumeForm(VersionedForm):
    ended_on = GovDateField(
        "Resumed on (optional)", subject="date resumed", description="Leave blank for today"
    )
    submit = SubmitField("Resume review", widget=GovSubmitInput())


class KeyDatesForm(VersionedForm):
    decision_on = GovDateField("Decision on a review", subject="date of the decision")
    home_office_told_on = GovDateField(
        "Home Office told of the decision", subject="date the Home Office was told"
    )
    chair_appointed_on = GovDateField(
        "Independent chair and author appointed", subject="date the chair was appointed"
    )
    tor_agreed_on = GovDateField(
        "Terms of reference agreed", subject="date the terms of reference were agreed"
    )
    report_submitted_on = GovDateField(
        "Report submitted to the Home Office", subject="date the report was submitted"
    )
    cleared_on = GovDateField("Cleared by the Home Office", subject="date the report was cleared")
    commissioner_copy_on = GovDateField(
        "Final report sent to the Domestic Abuse Commissioner",
        subject="date the report went to the Commissioner",
    )
    submit = SubmitField("Save dates", widget=GovSubmitInput())
