"""Forms for media inquiries, in GOV.UK words. Cross-field rules (deadline after receipt) live here
as messages on the field; the service checks them again."""

from __future__ import annotations

import datetime as dt
import re

from email_validator import EmailNotValidError, validate_email
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from portal.clock import local_to_utc, to_local, utcnow
from portal.media_inquiries.models import RULE_RECIPIENTS, Topic
from portal.notifications.mail import UnsafeHeader, check_recipient
from portal.web.forms import ChoiceRadioField, ChoiceSelectField, GovDateField, VersionedForm

NOT_SURE = "not-sure"
INFER = "infer"
TEXT_LIMIT = 5000
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
# Loose: digits with the spaces, brackets, dashes and leading + people type; 7 to 15 digits.
_PHONE = re.compile(r"^\+?[\d\s()\-]{7,25}$")


def parse_time(text: str) -> dt.time | None:
    """A time of day from "9:30am", "9.30 pm", "2pm", "14:30" or "noon"; None if it is not one."""
    text = (text or "").strip().lower().replace(" ", "")
    if text in ("noon", "midday", "12noon"):
        return dt.time(12, 0)
    if text == "midnight":
        return dt.time(0, 0)
    match = _TIME.fullmatch(text)
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        return None  # "9" alone could be morning or evening
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def format_time(value: dt.time) -> str:
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"


class TimeField(StringField):
    """A time of day typed as text (GOV.UK has no time component): "9:30am" or "14:30"."""

    def __init__(self, label: str, *, subject: str, **kwargs):
        kwargs.setdefault("description", "For example, 9:30am or 14:30")
        super().__init__(label, widget=GovTextInput(), **kwargs)
        self.subject = subject
        self.time: dt.time | None = None

    def pre_validate(self, form):
        text = (self.data or "").strip()
        if not text:
            raise StopValidation(f"Enter the {self.subject}")
        self.time = parse_time(text)
        if self.time is None:
            subject = self.subject[0].upper() + self.subject[1:]
            raise StopValidation(f"{subject} must be a real time, like 9:30am or 14:30")


def _optional_text(label: str, limit: int = TEXT_LIMIT, **kwargs) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        validators=[Optional(), Length(max=limit, message=f"This must be {limit} characters or fewer")],
        **kwargs,
    )


def _when(date_field: GovDateField, time_field: TimeField) -> dt.datetime | None:
    """The local date and time the user typed, as stored (naive UTC); None if either is invalid."""
    if date_field.errors or time_field.errors or date_field.data is None or time_field.time is None:
        return None
    return local_to_utc(dt.datetime.combine(date_field.data, time_field.time))


def _deadline_date() -> GovDateField:
    return GovDateField(
        "Journalist's deadline",
        subject="date of the journalist's deadline",
        required=True,
        not_in_future=False,
        description="For example, 27 3 2026",
    )


def _deadline_time() -> TimeField:
    return TimeField("Deadline time", subject="time of the journalist's deadline")


class DeadlineMixin:
    """For forms with deadline_date and deadline_time fields (declared in each form, in page order)."""

    def deadline_at(self) -> dt.datetime | None:
        return _when(self.deadline_date, self.deadline_time)

    def set_deadline(self, value: dt.datetime) -> None:
        local = to_local(value)
        self.deadline_date.data = local.date()
        self.deadline_time.data = format_time(local.time())


class LogInquiryForm(DeadlineMixin, VersionedForm):
    received_date = GovDateField(
        "Date received",
        subject="date the inquiry was received",
        required=True,
        description="For example, 27 3 2026",
    )
    received_time = TimeField("Time received", subject="time the inquiry was received")
    received_by_agency = ChoiceSelectField(
        "Agency that received it",
        choice_message="Select the agency that received the inquiry",
        widget=GovSelect(),
        coerce=str,
        default="",
    )
    received_by_name = StringField(
        "Who took the inquiry",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the name of the person who took the inquiry"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    outlet = StringField(
        "Newspaper, broadcaster or website",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the newspaper, broadcaster or website"),
            Length(max=160, message="Newspaper, broadcaster or website must be 160 characters or fewer"),
        ],
    )
    journalist_name = StringField(
        "Journalist's name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the journalist's name"),
            Length(max=120, message="Journalist's name must be 120 characters or fewer"),
        ],
    )
    journalist_email = StringField(
        "Journalist's email address",
        description="Give an email address, a phone number or both",
        widget=GovTextInput(),
        validators=[Length(max=254, message="Email address must be 254 characters or fewer")],
    )
    journalist_phone = StringField(
        "Journalist's phone number",
        widget=GovTextInput(),
        validators=[Length(max=40, message="Phone number must be 40 characters or fewer")],
    )
    question = TextAreaField(
        "The question, as asked",
        description="Write down what the journalist asked, in their words. Do not answer it.",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter the journalist's question"),
            Length(max=TEXT_LIMIT, message=f"The question must be {TEXT_LIMIT} characters or fewer"),
        ],
    )
    deadline_date = _deadline_date()
    deadline_time = _deadline_time()
    review = ChoiceSelectField(
        "Which review is it about?",
        choice_message="Select a review from the list, or 'Not sure'",
        widget=GovSelect(),
        coerce=str,
        validators=[InputRequired(message="Select a review, or 'Not sure'")],
    )
    topic = ChoiceRadioField(
        "What is it about?",
        choices=[(INFER, "Let the portal decide from the review chosen")]
        + [(t.value, t.label) for t in Topic],
        choice_message="Select what the inquiry is about",
        widget=GovRadioInput(),
        default=INFER,
        validators=[InputRequired(message="Select what the inquiry is about")],
    )
    submit = SubmitField("Log inquiry", widget=GovSubmitInput())

    def validate_journalist_email(self, field):
        email, phone = (field.data or "").strip(), (self.journalist_phone.data or "").strip()
        if not email and not phone:
            raise ValidationError("Enter the journalist's email address or phone number")
        if email:
            try:
                validate_email(email, check_deliverability=False)
            except EmailNotValidError as error:
                raise ValidationError(
                    "Enter an email address in the correct format, like name@example.org"
                ) from error

    def validate_journalist_phone(self, field):
        phone = (field.data or "").strip()
        if phone and (not _PHONE.fullmatch(phone) or not 7 <= sum(ch.isdigit() for ch in phone) <= 15):
            raise ValidationError("Enter a phone number, like 01632 960 001 or +44 7700 900 982")

    def validate_received_time(self, field):
        received = self.received_at()
        if received is not None and received > utcnow() + dt.timedelta(minutes=5):
            raise ValidationError("Time received must be in the past")

    def validate_deadline_time(self, field):
        received, deadline = self.received_at(), self.deadline_at()
        if received is not None and deadline is not None and deadline < received:
            raise ValidationError("The journalist's deadline must be after the time the inquiry was received")

    def validate_topic(self, field):
        if field.data in (Topic.REVIEW_IN_PROGRESS.value, Topic.PUBLISHED_REPORT.value) and (
            self.review.data == NOT_SURE
        ):
            raise ValidationError("Select the review it is about, or choose 'No identifiable review'")

    def received_at(self) -> dt.datetime | None:
        return _when(self.received_date, self.received_time)


class DraftForm(VersionedForm):
    draft_response = TextAreaField(
        "Draft response",
        description="What the partnership would say. It is sent only once it has been approved.",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter the draft response"),
            Length(max=TEXT_LIMIT, message=f"The response must be {TEXT_LIMIT} characters or fewer"),
        ],
    )
    submit = SubmitField("Save draft", widget=GovSubmitInput())


class ApproveForm(VersionedForm):
    note = _optional_text("Note about the consent (optional)", limit=2000)
    submit = SubmitField("Approve response", widget=GovSubmitInput())


class RespondForm(VersionedForm):
    note = _optional_text(
        "How it was sent (optional)", limit=2000, description="For example, by email to the journalist"
    )
    submit = SubmitField("Mark as responded", widget=GovSubmitInput())


class CloseNoCommentForm(VersionedForm):
    reason = TextAreaField(
        "Why is no comment being made?",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter why no comment is being made"),
            Length(max=2000, message="The reason must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("Close with no comment", widget=GovSubmitInput())


class ReassignForm(DeadlineMixin, VersionedForm):
    review = ChoiceSelectField(
        "Which review is it about?",
        choice_message="Select a review from the list, or 'Not sure'",
        widget=GovSelect(),
        coerce=str,
        validators=[InputRequired(message="Select a review, or 'Not sure'")],
    )
    topic = ChoiceRadioField(
        "What is it about?",
        choices=[(t.value, t.label) for t in Topic],
        choice_message="Select what the inquiry is about",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select what the inquiry is about")],
    )
    deadline_date = _deadline_date()
    deadline_time = _deadline_time()
    submit = SubmitField("Save and tell anyone new", widget=GovSubmitInput())

    received: dt.datetime | None = None  # set by the view: the deadline cannot be before it

    def validate_deadline_time(self, field):
        deadline = self.deadline_at()
        if self.received is not None and deadline is not None and deadline < self.received:
            raise ValidationError("The journalist's deadline must be after the time the inquiry was received")

    def validate_topic(self, field):
        if Topic(field.data).needs_review and self.review.data == NOT_SURE:
            raise ValidationError("Select the review it is about, or choose 'No identifiable review'")


class RoutingRuleForm(VersionedForm):
    recipients = SelectMultipleField(
        "Who is told",
        choices=[(kind.value, kind.label) for kind in RULE_RECIPIENTS],
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select at least one person or mailbox to tell")],
    )
    submit = SubmitField("Save rule", widget=GovSubmitInput())


class ReviewContactForm(VersionedForm):
    panel_chair_name = StringField(
        "Panel chair's name",
        widget=GovTextInput(),
        validators=[Length(max=120, message="Name must be 120 characters or fewer")],
    )
    panel_chair_email = StringField(
        "Panel chair's email address",
        description="Media inquiries about this review are sent here",
        widget=GovTextInput(),
        validators=[Length(max=254, message="Email address must be 254 characters or fewer")],
    )
    submit = SubmitField("Save contact", widget=GovSubmitInput())

    def validate_panel_chair_email(self, field):
        if field.data and field.data.strip():
            try:
                validate_email(field.data.strip(), check_deliverability=False)
                check_recipient(field.data.strip())  # one the mailer will also accept
            except (EmailNotValidError, UnsafeHeader) as error:
                raise ValidationError(
                    "Enter an email address in the correct format, like name@example.org"
                ) from error
