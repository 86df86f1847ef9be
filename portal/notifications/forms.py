from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import Optional

from portal.notifications.models import OutboxStatus


class OutboxFilterForm(FlaskForm):
    """A GET form: the filter lives in the URL so a filtered view can be shared."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[("", "Any status")] + [(s.value, s.label) for s in OutboxStatus],
        widget=GovSelect(),
        validators=[Optional()],
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def chosen_status(self) -> OutboxStatus | None:
        return OutboxStatus(self.status.data) if self.status.data else None


class RetryForm(FlaskForm):
    """A retry button: POST with CSRF; `status` is the filter to return to."""

    status = HiddenField()

    def return_status(self) -> str | None:
        value = self.status.data
        return value if value in OutboxStatus._value2member_map_ else None
