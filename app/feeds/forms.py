"""The form that asks for a calendar link; the rules live in feeds.services."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import Optional

from app.core.i18n import label
from app.feeds.scopes import SCOPE_LABELS
from app.feeds.services import ALARM_CHOICES, DEFAULT_DAYS_AHEAD, DEFAULT_DAYS_BACK
from app.web.forms import ServiceForm, optional_int
from app.web.wording import reminder_words


class FeedForm(ServiceForm):
    scope = SelectField(_l("Calendar"))
    code = StringField(
        _l("Code"),
        description=_l("Username, site code, or SITE:CODE of a team, asset or location."),
    )
    days_back = IntegerField(_l("Days back"), default=DEFAULT_DAYS_BACK, validators=[Optional()])
    days_ahead = IntegerField(_l("Days ahead"), default=DEFAULT_DAYS_AHEAD, validators=[Optional()])
    alarm_minutes = SelectField(_l("Reminder"), coerce=optional_int, validate_choice=False)
    back = HiddenField()
    submit = SubmitField(_l("Create link"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope.choices = [SelectChoice(key, label(pair)) for key, pair in SCOPE_LABELS.items()]
        self.alarm_minutes.choices = [SelectChoice("", _l("No reminder"))] + [
            SelectChoice(str(m), reminder_words(m)) for m in ALARM_CHOICES
        ]
