"""Form fields that speak GOV.UK: a bad choice gets the field's own message."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field, HiddenField, RadioField, SelectField
from wtforms.validators import StopValidation, ValidationError

from portal.clock import local_today

CONFLICT_MESSAGE = (
    "Someone else changed this record after you opened it, so your changes have not been saved. "
    "Your changes are shown below: check the record as it is now, then save again."
)


class _OwnChoiceMessage:
    def __init__(self, *args, choice_message: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.choice_message = choice_message

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError as error:
            # WTForms says "Not a valid choice"; say what to do instead.
            raise ValidationError(self.choice_message) from error


class ChoiceSelectField(_OwnChoiceMessage, SelectField):
    pass


class ChoiceRadioField(_OwnChoiceMessage, RadioField):
    pass


class GovDateField(Field):
    """A GOV.UK date input (day, month, year) with the Design System's error messages.

    `subject` is how messages name the date, e.g. "Date of death" gives
    "Enter the date of death", "Date of death must include a month" and
    "Date of death must be a real date".
    """

    widget = GovDateInput()

    def __init__(
        self,
        label: str,
        *,
        subject: str | None = None,
        required: bool = False,
        not_in_future: bool = True,
        **kwargs,
    ):
        super().__init__(label, **kwargs)
        self.subject = subject or label
        self.required = required
        self.not_in_future = not_in_future
        if required:
            self.flags.required = True

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        self.raw_data = list(valuelist[:3]) + [""] * (3 - len(valuelist[:3]))
        self.data = None

    def process_data(self, value):
        self.data = value

    def pre_validate(self, form):
        if self.raw_data is None:  # not submitted: keep the object's value
            return
        day, month, year = (part.strip() for part in self.raw_data)
        subject = self.subject[0].upper() + self.subject[1:]
        if not (day or month or year):
            self.data = None
            if self.required:
                raise StopValidation(f"Enter the {self.subject[0].lower() + self.subject[1:]}")
            return
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise StopValidation(f"{subject} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise StopValidation(f"{subject} must be a real date")
        try:
            self.data = dt.date(int(year), int(month), int(day))
        except ValueError as error:
            raise StopValidation(f"{subject} must be a real date") from error
        if self.not_in_future and self.data > local_today():
            raise StopValidation(f"{subject} must be today or in the past")


def date_not_before(other_field: str, message: str):
    """Validator: this date is on or after another date field's date."""

    def check(form, field):
        other = getattr(form, other_field).data
        if field.data and other and field.data < other:
            raise ValidationError(message)

    return check


class VersionedForm(FlaskForm):
    """Carries the version the user started from, to detect a clash on save."""

    version = HiddenField()

    def version_number(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1  # never matches, so a tampered form is a conflict, not an overwrite
