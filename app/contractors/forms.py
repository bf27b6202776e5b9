"""Contractor form: it parses input; the rules live in contractors.services."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from app.web.forms import ServiceForm, VersionField


class ContractorForm(ServiceForm):
    name = StringField(_l("Name"))
    qualification = StringField(
        _l("Qualification"),
        description=_l("e.g. Elevator installation and repair licence, grade A"),
    )
    licence_number = StringField(_l("Qualification number"))
    licence_expires_on = DateField(_l("Qualification expires on"), validators=[Optional()])
    contact_name = StringField(_l("Contact person"))
    contact_phone = StringField(_l("Contact phone"))
    contract_start = DateField(_l("Contract start"), validators=[Optional()])
    contract_end = DateField(_l("Contract end"), validators=[Optional()])
    scope = TextAreaField(_l("Scope of work"), render_kw={"rows": 4})
    version = VersionField()
    submit = SubmitField(_l("Save"))
