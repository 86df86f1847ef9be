"""The search form: a name, other spellings, a date of birth and the request's reference."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from portal.subject_access.matching import has_control_characters, has_letter_or_digit, words
from portal.subject_access.records import Criteria
from portal.web.forms import GovDateField

MAX_NAME = 120
MAX_WORDS = 8
MAX_ALTERNATIVES = 20


def _check_name(label: str, text: str) -> None:
    if not has_letter_or_digit(text):
        raise ValidationError(f"{label} must include at least one letter or number")
    if len(words(text)) > MAX_WORDS:
        raise ValidationError(f"{label} must be {MAX_WORDS} words or fewer")


def _one_line(form, field):
    if has_control_characters(field.data or ""):
        raise ValidationError("Name must not include tabs, line breaks or other control characters")
    _check_name("Name", field.data)


def _alternatives(form, field):
    text = field.data or ""
    if has_control_characters(text, allow_newlines=True):
        raise ValidationError("Alternative spellings must not include tabs or other control characters")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_ALTERNATIVES:
        raise ValidationError(f"Enter {MAX_ALTERNATIVES} alternative spellings or fewer")
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_NAME:
            raise ValidationError(f"Alternative spelling {number} must be {MAX_NAME} characters or fewer")
        _check_name(f"Alternative spelling {number}", line)


class SubjectAccessForm(FlaskForm):
    name = StringField(
        "Full name",
        description="As the person gave it. Capitals, spaces and punctuation do not matter.",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the person's name"),
            Length(max=MAX_NAME, message=f"Name must be {MAX_NAME} characters or fewer"),
            _one_line,
        ],
    )
    alternatives = TextAreaField(
        "Alternative spellings and other names (optional)",
        description=(
            f"One per line, up to {MAX_ALTERNATIVES}: earlier surnames, nicknames, other spellings. "
            "Other names recorded for the people found are searched as well."
        ),
        widget=GovTextArea(),
        validators=[
            Length(max=3000, message="Alternative spellings must be 3000 characters or fewer"),
            _alternatives,
        ],
    )
    date_of_birth = GovDateField(
        "Date of birth (optional)",
        subject="Date of birth",
        description="Used to mark people whose date of birth matches or differs. For example, 27 3 1985",
    )
    request_reference = StringField(
        "Request reference (optional)",
        description=(
            "Your reference for the subject access request, for example SAR-2026-014. "
            "It is written to the audit log; the name is not."
        ),
        widget=GovTextInput(),
        validators=[
            Length(max=40, message="Request reference must be 40 characters or fewer"),
            Regexp(
                r"^([A-Za-z0-9][A-Za-z0-9 ./-]*)?$",
                message="Request reference must only include letters, numbers, spaces, hyphens, "
                "full stops and slashes",
            ),
        ],
    )

    def criteria(self) -> Criteria:
        alternatives = tuple(
            line.strip() for line in (self.alternatives.data or "").splitlines() if line.strip()
        )
        return Criteria(
            name=" ".join(self.name.data.split()),
            alternatives=alternatives,
            date_of_birth=self.date_of_birth.data,
            request_reference=" ".join((self.request_reference.data or "").split()),
        )
