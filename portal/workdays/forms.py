from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length

from portal.web.forms import GovDateField


class BankHolidayForm(FlaskForm):
    date = GovDateField("Date", subject="date of the bank holiday", required=True, not_in_future=False)
    name = StringField(
        "Name",
        description='For example, "Extra bank holiday for the royal wedding"',
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the bank holiday's name"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    submit = SubmitField("Add bank holiday", widget=GovSubmitInput())
