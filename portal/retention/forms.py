from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.retention.models import HoldReason
from portal.web.forms import ChoiceRadioField, VersionedForm

NOTE_LIMIT = 2000


def _reason_field() -> ChoiceRadioField:
    return ChoiceRadioField(
        "Why must the records be kept?",
        choice_message="Select why the records must be kept",
        choices=[(reason.value, reason.label) for reason in HoldReason],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select why the records must be kept")],
    )


def _note_required_for_other(form, field):
    if form.reason.data == HoldReason.OTHER.value and not (field.data or "").strip():
        raise ValidationError("Enter the legal reason the records must be kept")


# Made before the hold's fields, so it comes first in the error summary as on the page.
_REVIEW_REFERENCE = StringField(
    "Review reference",
    description="For example DHR-2026-004",
    widget=GovTextInput(),
    validators=[
        InputRequired(message="Enter the review reference"),
        Length(max=32, message="Review reference must be 32 characters or fewer"),
    ],
)


class _HoldFields:
    reason = _reason_field()
    reference = StringField(
        "Reference (optional)",
        description="For example the coroner's, court's or inquiry's reference for the instruction",
        widget=GovTextInput(),
        validators=[Length(max=120, message="Reference must be 120 characters or fewer")],
    )
    note = TextAreaField(
        "Note",
        description="What the instruction says, who gave it and when (needed for another legal reason)",
        widget=GovTextArea(),
        validators=[
            Length(max=NOTE_LIMIT, message=f"Note must be {NOTE_LIMIT} characters or fewer"),
            _note_required_for_other,
        ],
    )
    submit = SubmitField("Save legal hold", widget=GovSubmitInput())


class NewHoldForm(_HoldFields, FlaskForm):
    review_reference = _REVIEW_REFERENCE


class HoldForm(_HoldFields, VersionedForm):
    """Set a hold on this review, or change the one that stands."""


class LiftHoldForm(VersionedForm):
    lift_reason = TextAreaField(
        "Why can the hold be lifted?",
        description="For example: the inquest concluded on 3 March, and no appeal is pending",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter why the hold can be lifted"),
            Length(max=NOTE_LIMIT, message=f"Reason must be {NOTE_LIMIT} characters or fewer"),
        ],
    )
    submit = SubmitField("Lift legal hold", widget=GovSubmitInput())
