from __future__ import annotations

import datetime as dt
import re

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from portal.clock import local_zone
from portal.family_contact.models import (
    ContactMethod,
    ContactPurpose,
    ContactRoute,
    Participation,
    initials_of,
)
from portal.web.forms import ChoiceRadioField, ChoiceSelectField, GovDateField, VersionedForm

SUMMARY_LIMIT = 5000
NOTE_LIMIT = 2000
_TIME = re.compile(r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<suffix>am|pm)?")


def parse_time(text: str) -> dt.time | None:
    """14:30, 09.05, 2:30pm, 9am; None if it is not a real time."""
    match = _TIME.fullmatch(text.strip().lower().replace(" ", ""))
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    suffix = match["suffix"]
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match["minute"] is None:
        return None  # "14" alone is not clearly a time
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _length(label: str, limit: int) -> Length:
    return Length(max=limit, message=f"{label} must be {limit} characters or fewer")


class FamilyMemberForm(VersionedForm):
    referred_to_as = StringField(
        "How they are referred to in the log",
        description='The name or description the panel agreed, for example "Ms A" or "her sister"',
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter how the person is referred to in the log"),
            _length("How they are referred to", 120),
        ],
    )
    initials = StringField(
        "Initials for the overview report (optional)",
        description="Leave blank to use the initials of how they are referred to",
        widget=GovTextInput(),
        validators=[_length("Initials", 12)],
    )
    relationship = StringField(
        "Relationship to the deceased",
        description="For example mother, brother, friend, colleague",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter their relationship to the deceased"),
            _length("Relationship", 120),
        ],
    )
    participation = ChoiceRadioField(
        "Taking part in the review",
        choices=[(p.value, p.label) for p in Participation],
        choice_message="Select whether they are taking part in the review",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select whether they are taking part in the review")],
    )
    preferred_route = ChoiceRadioField(
        "Preferred contact route",
        choices=[(r.value, r.label) for r in ContactRoute],
        choice_message="Select how they prefer to be contacted",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select how they prefer to be contacted")],
    )
    route_details = StringField(
        "Named contact for this route (optional)",
        description="For example the family liaison officer or the advocacy service",
        widget=GovTextInput(),
        validators=[_length("Named contact", 200)],
    )
    language = StringField(
        "Language (optional)",
        description="Leave blank for English",
        widget=GovTextInput(),
        validators=[_length("Language", 80)],
    )
    interpreter_needed = BooleanField("They need an interpreter", widget=GovCheckboxInput())
    safety_concern = BooleanField(
        "Safety concern: contact only through the named route",
        description='For example where "honour"-based violence is suspected and other family members '
        "may be perpetrators",
        widget=GovCheckboxInput(),
    )
    safety_note = TextAreaField(
        "Safety concern (optional)",
        description="What the concern is and who must not be told about contact",
        widget=GovTextArea(),
        validators=[_length("Safety concern", NOTE_LIMIT)],
    )
    notes = TextAreaField(
        "Other notes (optional)",
        widget=GovTextArea(),
        validators=[_length("Notes", NOTE_LIMIT)],
    )
    submit = SubmitField("Save person", widget=GovSubmitInput())

    def validate_initials(self, field):
        if not (field.data or "").strip() and not initials_of(self.referred_to_as.data or ""):
            raise ValidationError("Enter their initials for the overview report")

    def validate_route_details(self, field):
        if self.safety_concern.data and not (field.data or "").strip():
            raise ValidationError("Enter the named contact route: there is a safety concern")


class ContactEntryForm(VersionedForm):
    members = SelectMultipleField(
        "Who the contact was with",
        coerce=int,
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select who the contact was with")],
    )
    contact_date = GovDateField(
        "Date of contact",
        subject="date of the contact",
        description="For example, 27 3 2026",
        required=True,
    )
    contact_time = StringField(
        "Time",
        description="For example, 14:30 or 2:30pm",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the time of the contact")],
    )
    made_by = StringField(
        "Who from the review made or attempted contact",
        description="For example, the independent chair",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter who made or attempted contact"),
            _length("Who made contact", 120),
        ],
    )
    contact_made = ChoiceRadioField(
        "Was contact made?",
        choices=[("yes", "Yes"), ("no", "No, contact was attempted")],
        choice_message="Select whether contact was made",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select whether contact was made")],
    )
    route = ChoiceRadioField(
        "Route",
        choices=[(r.value, r.label) for r in ContactRoute],
        choice_message="Select the route of the contact",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the route of the contact")],
    )
    method = ChoiceSelectField(
        "Method",
        choices=[("", "Select a method")] + [(m.value, m.label) for m in ContactMethod],
        choice_message="Select how contact was made or attempted",
        widget=GovSelect(),
        validators=[InputRequired(message="Select how contact was made or attempted")],
    )
    purpose = ChoiceSelectField(
        "Purpose",
        description="A publication notice tells the family the review is complete, when it will be "
        "published and that there may be media interest",
        choices=[("", "Select a purpose")] + [(p.value, p.label) for p in ContactPurpose],
        choice_message="Select the purpose of the contact",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the purpose of the contact")],
    )
    summary = TextAreaField(
        "Summary",
        description="Refer to people as they are referred to in the log: "
        "this summary is printed in the family-contact record for the overview report",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter a summary of the contact"),
            _length("Summary", SUMMARY_LIMIT),
        ],
    )
    outcome = TextAreaField(
        "Outcome (optional)",
        description="For example, what was agreed or what the family asked for",
        widget=GovTextArea(),
        validators=[_length("Outcome", NOTE_LIMIT)],
    )
    next_contact_due = GovDateField(
        "Next contact due (optional)",
        subject="date the next contact is due",
        description="The review officer is reminded by email on this day",
        not_in_future=False,
    )
    submit = SubmitField("Save entry", widget=GovSubmitInput())

    def validate_contact_time(self, field):
        when = parse_time(field.data or "")
        if when is None:
            raise ValidationError("Time of the contact must be a real time, like 14:30 or 2:30pm")
        day = self.contact_date.data
        if day and dt.datetime.combine(day, when, tzinfo=local_zone()) > dt.datetime.now(local_zone()):
            raise ValidationError("Time of the contact must be in the past")

    def validate_next_contact_due(self, field):
        if field.data and self.contact_date.data and field.data <= self.contact_date.data:
            raise ValidationError("Next contact due must be after the date of the contact")

    def contacted_at_local(self) -> dt.datetime:
        return dt.datetime.combine(self.contact_date.data, parse_time(self.contact_time.data))


class MarkInErrorForm(VersionedForm):
    reason = TextAreaField(
        "Why was this entry entered in error?",
        description="The entry stays in the log, struck through, with this reason",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter why the entry was entered in error"),
            _length("Reason", NOTE_LIMIT),
        ],
    )
    submit = SubmitField("Mark as entered in error", widget=GovSubmitInput())
