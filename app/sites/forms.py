"""Site and location forms: they parse input only; the rules live in sites.services."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, SubmitField

from app.core.i18n import label
from app.sites.models import SERVICE_LEVELS
from app.vocab.location_kinds import LOCATION_KINDS
from app.web.forms import ServiceForm, VersionField, optional_int


class SiteForm(ServiceForm):
    code = StringField(_l("Code"), description=_l("Short and unique, e.g. HY01."))
    name = StringField(_l("Name"))
    address = StringField(_l("Address"))
    timezone = StringField(
        _l("Time zone"), default="Asia/Shanghai", description=_l("IANA name, e.g. Asia/Shanghai.")
    )
    service_level = SelectField(_l("Service level"), coerce=int, default=2)
    version = VersionField()
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_level.choices = [
            SelectChoice(level, label(p)) for level, p in SERVICE_LEVELS.items()
        ]


class LocationForm(ServiceForm):
    parent_id = SelectField(_l("Parent"), coerce=optional_int)
    code = StringField(_l("Code"), description=_l("Unique within the site, e.g. B1-PUMP."))
    name = StringField(_l("Name"), description=_l("As on signs, e.g. Pump room."))
    kind = SelectField(_l("Kind"))
    sort_key = StringField(_l("Sort key"), description=_l("Optional; orders siblings."))
    version = VersionField()
    submit = SubmitField(_l("Save"))

    def __init__(self, parents: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent_id.choices = [
            SelectChoice(None, _l("(top level)")),
            *(SelectChoice(value, name) for value, name in parents),
        ]
        self.kind.choices = [
            SelectChoice(k.key, label((k.zh, k.en))) for k in LOCATION_KINDS.values()
        ]
