"""Equipment forms: they only collect values; the service validates (one set of rules).

Service errors are put next to their fields with `app.web.forms.show_errors`.

Dates are text inputs with the browser's date picker, so a bad date reaches the
service and gets the same message an import would; selects accept any value for
the same reason.
"""

import json
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from app.contractors.models import Contractor
from app.core.i18n import label
from app.equipment.services import (
    CATEGORY_LABELS,
    CRITICALITY_CHOICES,
    STATUS_CHOICES,
    EquipmentInput,
)
from app.extensions import db
from app.people.models import Team
from app.sites.models import Location, Site
from app.web.forms import VersionField, optional_int


def attributes_text(attributes: Mapping[str, Any] | str | None) -> str:
    """key=value lines when every value is text; JSON otherwise, so numbers stay numbers."""
    if isinstance(attributes, str):
        return attributes
    values = dict(attributes or {})
    if all(isinstance(v, str) for v in values.values()):
        return "\n".join(f"{k}={v}" for k, v in values.items())
    return json.dumps(values, ensure_ascii=False)


def _date_kw() -> dict[str, str]:
    return {"type": "date"}


class EquipmentForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=optional_int, validate_choice=False)
    asset_code = StringField(_l("Asset code"))
    name = StringField(_l("Name"))
    category = SelectField(_l("Category"), validate_choice=False)
    type_key = StringField(_l("Catalog type"))
    location_id = SelectField(_l("Location"), coerce=optional_int, validate_choice=False)
    manufacturer = StringField(_l("Manufacturer"))
    model = StringField(_l("Model"))
    serial_number = StringField(_l("Serial number"))
    installed_on = StringField(_l("Installed on"), render_kw=_date_kw())
    commissioned_on = StringField(_l("Commissioned on"), render_kw=_date_kw())
    warranty_until = StringField(_l("Warranty until"), render_kw=_date_kw())
    status = SelectField(_l("Status"), validate_choice=False)
    criticality = SelectField(_l("Criticality"), validate_choice=False)
    maintainer_team_id = SelectField(
        _l("Maintainer team"), coerce=optional_int, validate_choice=False
    )
    maintainer_contractor_id = SelectField(
        _l("Maintenance contractor"), coerce=optional_int, validate_choice=False
    )
    registration_number = StringField(
        _l("Registration certificate no."),
        description=_l("使用登记证号 of special equipment, e.g. 梯11沪A0001(18)"),
    )
    registration_code = StringField(
        _l("Registration code"),
        description=_l("注册代码: the 20 digits of the special-equipment register"),
    )
    next_inspection_on = StringField(_l("Next statutory inspection"), render_kw=_date_kw())
    attributes = TextAreaField(
        _l("Technical parameters"),
        description=_l("One key=value per line, e.g. 载重=1000kg"),
        render_kw={"rows": 4},
    )
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 3})
    version = VersionField()
    submit = SubmitField(_l("Save"))

    def fill_choices(self) -> None:
        """Options from the database, labelled in the user's language."""
        sites = db.session.scalars(select(Site).order_by(Site.code)).all()
        self.site_id.choices = [SelectChoice("", "—")] + [SelectChoice(s.id, str(s)) for s in sites]
        self.category.choices = [SelectChoice("", "—")] + [
            SelectChoice(k, label(v)) for k, v in CATEGORY_LABELS.items()
        ]
        self.status.choices = [SelectChoice(k, label(v)) for k, v in STATUS_CHOICES.items()]
        self.criticality.choices = [
            SelectChoice(k, label(v)) for k, v in CRITICALITY_CHOICES.items()
        ]
        site_codes = {s.id: s.code for s in sites}
        locations = db.session.scalars(select(Location)).all()
        location_choices = sorted(
            (
                SelectChoice(loc.id, f"{site_codes.get(loc.site_id, '')} · {loc.path}")
                for loc in locations
            ),
            key=lambda choice: choice.label,
        )
        self.location_id.choices = [SelectChoice("", "—"), *location_choices]
        teams = db.session.scalars(select(Team).order_by(Team.site_id, Team.name)).all()
        self.maintainer_team_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(t.id, f"{site_codes.get(t.site_id, '')} · {t.name}") for t in teams
        ]
        contractors = db.session.scalars(select(Contractor).order_by(Contractor.name)).all()
        self.maintainer_contractor_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(c.id, c.name) for c in contractors
        ]

    def to_input(self) -> EquipmentInput:
        return EquipmentInput(
            site_id=self.site_id.data,
            asset_code=self.asset_code.data or "",
            name=self.name.data or "",
            category=self.category.data or "",
            type_key=self.type_key.data or "",
            location_id=self.location_id.data,
            manufacturer=self.manufacturer.data or "",
            model=self.model.data or "",
            serial_number=self.serial_number.data or "",
            installed_on=self.installed_on.data or None,
            commissioned_on=self.commissioned_on.data or None,
            warranty_until=self.warranty_until.data or None,
            status=self.status.data or "",
            criticality=self.criticality.data or "",
            maintainer_team_id=self.maintainer_team_id.data,
            maintainer_contractor_id=self.maintainer_contractor_id.data,
            registration_number=self.registration_number.data or "",
            registration_code=self.registration_code.data or "",
            next_inspection_on=self.next_inspection_on.data or None,
            attributes=self.attributes.data or "",
            notes=self.notes.data or "",
        )

    def fill_from(self, data: EquipmentInput) -> None:
        """Show stored values (GET of the edit page)."""
        for name in (
            "site_id",
            "asset_code",
            "name",
            "category",
            "type_key",
            "location_id",
            "manufacturer",
            "model",
            "serial_number",
            "status",
            "criticality",
            "maintainer_team_id",
            "maintainer_contractor_id",
            "registration_number",
            "registration_code",
            "notes",
        ):
            getattr(self, name).data = getattr(data, name)
        for name in ("installed_on", "commissioned_on", "warranty_until", "next_inspection_on"):
            value = getattr(data, name)
            getattr(self, name).data = value.isoformat() if hasattr(value, "isoformat") else value
        self.attributes.data = attributes_text(data.attributes)


class RetireForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 3})
    version = VersionField()
    submit = SubmitField(_l("Retire"))


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[FileRequired()])
    site_code = SelectField(_l("Site"), validators=[Optional()], validate_choice=False)
    create_locations = BooleanField(_l("Create missing locations"))
    submit = SubmitField(_l("Check the file"))

    def fill_choices(self) -> None:
        sites = db.session.scalars(select(Site).order_by(Site.code)).all()
        self.site_code.choices = [SelectChoice("", _l("As given in the file (项目编号)"))] + [
            SelectChoice(s.code, str(s)) for s in sites
        ]


class ApplyImportForm(FlaskForm):
    """Second step of an import: the checked file, kept on the server under a random token."""

    token = StringField(widget=HiddenInput(), validators=[InputRequired()])
    filename = StringField(widget=HiddenInput(), validators=[InputRequired()])
    site_code = StringField(widget=HiddenInput())
    create_locations = StringField(widget=HiddenInput())
    rows = IntegerField(widget=HiddenInput(), validators=[Optional()])
    """Rows the dry run checked: decides whether the import runs on the task queue."""
    create_contractors = SelectMultipleField(
        _l("Create these contractors with the import"),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField(_l("Import now"))

    def offer_contractors(self, names: Mapping[str, int]) -> None:
        """One checkbox per unknown contractor, ticked: the sheet names it on purpose."""
        self.create_contractors.choices = [
            SelectChoice(name, _l("%(name)s (rows: %(n)d)", name=name, n=rows))
            for name, rows in names.items()
        ]
        self.create_contractors.data = list(names)
