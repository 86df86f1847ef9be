"""Form fields that speak GOV.UK: a bad choice gets the field's own message."""

from __future__ import annotations

from wtforms import RadioField, SelectField
from wtforms.validators import ValidationError


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
