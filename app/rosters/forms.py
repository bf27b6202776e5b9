"""Roster forms: they parse input only; the rules live in app.rosters.leave."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Optional

from app.core.i18n import label
from app.rosters.leave import LEAVE_KINDS
from app.web.forms import ServiceForm


class LeaveForm(ServiceForm):
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])
    kind = SelectField(_l("Kind"), default="annual")
    note = StringField(_l("Note"))
    submit = SubmitField(_l("Add leave"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(key, label(pair)) for key, pair in LEAVE_KINDS.items()]
