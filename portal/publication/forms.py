from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.publication.models import DocumentKind
from portal.web.forms import GovDateField, VersionedForm

AVAILABLE_AT_HINT = (
    "For example the link to the report in the Home Office's national library of reviews, "
    "or \u201con request from the community safety partnership\u201d"
)


class DocumentForm(FlaskForm):
    """One per document kind on the page, each with its own prefix so ids stay unique."""

    document = FileField(widget=GovFileInput(), render_kw={"accept": "application/pdf,.pdf"})
    submit = SubmitField("Upload", widget=GovSubmitInput())

    def __init__(self, kind: DocumentKind, *args, **kwargs):
        super().__init__(*args, prefix=kind.value.replace("_", "-"), **kwargs)
        self.kind = kind
        name = kind.label.lower()
        self.document.label.text = f"Anonymised {name} (PDF)"
        self.document.validators = [FileRequired(message=f"Select the anonymised {name}")]
        self.submit.label.text = f"Upload {name}"


class PublishForm(VersionedForm):
    published_on = GovDateField(
        "Date published on the partnership's website",
        subject="date published",
        required=True,
        description="For example, 27 3 2026",
    )
    report_available_at = TextAreaField(
        "Where the report will remain available after it comes off the website (optional)",
        description=AVAILABLE_AT_HINT,
        widget=GovTextArea(),
        validators=[
            Length(max=300, message="Where the report remains available must be 300 characters or fewer")
        ],
    )
    accept_missing_milestones = BooleanField(
        "I know the family has not been told everything yet, and want to publish", widget=GovCheckboxInput()
    )
    submit = SubmitField("Publish", widget=GovSubmitInput())


class RemoveForm(VersionedForm):
    reason = TextAreaField(
        "Why is the report coming off the website now?",
        description="Recorded on the review's timeline",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter why the report is coming off the website now"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )
    report_available_at = TextAreaField(
        "Where will the report remain available?",
        description=AVAILABLE_AT_HINT,
        widget=GovTextArea(),
        validators=[
            Length(max=300, message="Where the report remains available must be 300 characters or fewer")
        ],
    )
    submit = SubmitField("Take off the website now", widget=GovSubmitInput())


class HoldForm(VersionedForm):
    held_until = GovDateField(
        "Keep online until",
        subject="date to keep the report online until",
        required=True,
        not_in_future=False,
        description="The report comes off the website the day after. For example, 31 3 2027",
    )
    reason = TextAreaField(
        "Why should it stay online longer?",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter why the report should stay online longer"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Keep online", widget=GovSubmitInput())
