"""Form for one calendar override."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length


class OverrideForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("holiday", _l("Rest day (holiday)")),
            SelectChoice("workday", _l("Make-up working day")),
        ],
    )
    note = StringField(_l("Note"), validators=[Length(max=200)])
