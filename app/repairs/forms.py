"""Repair request forms: the front desk's and the resident's. Rules live in repairs.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    FileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from app.repairs.services import RepairInput
from app.web.forms import optional_int
from app.workorders.files import Upload

URGENCY_CHOICES = [
    SelectChoice("normal", _l("Normal (within 3 days)")),
    SelectChoice("high", _l("High (within 24 hours)")),
    SelectChoice("urgent", _l("Urgent (within 2 hours)")),
]


def _photo(storage: FileStorage | None) -> Upload | None:
    if storage is None or not storage.filename:
        return None
    return Upload(storage.filename, storage.read())


class PublicRepairForm(FlaskForm):
    """A resident who scanned an asset's label: where is known, so who, what and how urgent."""

    description = TextAreaField(_l("What is wrong?"), render_kw={"rows": 3})
    urgency = RadioField(_l("How urgent?"), choices=URGENCY_CHOICES, default="normal")
    out_of_service = BooleanField(_l("It cannot be used at all"))
    reporter_name = StringField(_l("Your name"))
    reporter_phone = StringField(_l("Your phone"), render_kw={"inputmode": "tel"})
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/*"})
    submit = SubmitField(_l("Send"))

    def to_input(self, site_id: int | None, equipment_id: int | None) -> RepairInput:
        return RepairInput(
            site_id=site_id,
            equipment_id=equipment_id,
            reporter_name=self.reporter_name.data or "",
            reporter_phone=self.reporter_phone.data or "",
            description=self.description.data or "",
            urgency=self.urgency.data or "",
            out_of_service=bool(self.out_of_service.data),
            photo=_photo(self.photo.data),
        )


class DeskRepairForm(PublicRepairForm):
    """Front desk (前台/客服): any site, an asset by its code or a place in words."""

    site_id = SelectField(_l("Site"), coerce=optional_int, validate_choice=False)
    asset_code = StringField(_l("Asset code"), description=_l("From the label, if known"))
    place = StringField(_l("Where"), description=_l("e.g. Building 3, Unit 2, lift lobby"))
    reporter_name = StringField(_l("Caller"))
    reporter_phone = StringField(_l("Phone"), render_kw={"inputmode": "tel"})
    submit = SubmitField(_l("Create repair job"))

    def desk_input(self) -> RepairInput:
        data = self.to_input(self.site_id.data, None)
        data.asset_code = self.asset_code.data or ""
        data.place = self.place.data or ""
        return data


class LookupForm(FlaskForm):
    class Meta:
        csrf = False  # a GET lookup changes nothing

    ref = StringField(_l("Reference number"), render_kw={"placeholder": "BX-7K3M-Q9TD-2WXA"})
