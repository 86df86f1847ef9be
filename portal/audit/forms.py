from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from portal.audit.events import EVENTS


class AuditFilterForm(FlaskForm):
    """A GET form: filters live in the URL so a filtered view can be shared."""

    class Meta:
        csrf = False

    actor = SelectField("Who", widget=GovSelect(), validators=[Optional()], coerce=str)
    action = SelectField(
        "What",
        choices=[("", "Any event")]
        + [(name, name.replace("_", " ").capitalize()) for name in sorted(EVENTS)],
        widget=GovSelect(),
        validators=[Optional()],
    )
    object_type = StringField("Record type", widget=GovTextInput(), validators=[Optional(), Length(max=64)])
    object_id = StringField("Record id", widget=GovTextInput(), validators=[Optional(), Length(max=64)])
    occurred_from = DateField(
        "From (YYYY-MM-DD)",
        widget=GovTextInput(),
        validators=[Optional()],
        render_kw={"type": "date"},
    )
    occurred_to = DateField(
        "To (YYYY-MM-DD)",
        widget=GovTextInput(),
        validators=[Optional()],
        render_kw={"type": "date"},
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())
