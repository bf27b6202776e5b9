"""Staff, team, licence and profile forms: they parse input; the rules live in people.services."""

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import EqualTo, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.permissions import ROLES
from app.core.i18n import label
from app.people.models import TEAM_KINDS
from app.vocab.licences import LICENCE_KINDS
from app.web.forms import ServiceForm, VersionField
from schedules import PRESETS

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


class MultiCheckboxField(SelectMultipleField):
    """Roles as checkboxes: easier to tap on a phone than a multi-select box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(key, label(pair)) for key, pair in ROLES.items()]


class StaffForm(ServiceForm):
    name = StringField(_l("Name"))
    phone = StringField(_l("Phone"))
    roles = MultiCheckboxField(_l("Roles"))
    active = BooleanField(_l("Active (may log in and be rostered)"))
    version = VersionField()
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles.choices = _role_choices()


class NewStaffForm(ServiceForm):
    username = StringField(_l("Username"), description=_l("For logging in; no spaces."))
    name = StringField(_l("Name"))
    phone = StringField(_l("Phone"))
    roles = MultiCheckboxField(_l("Roles"))
    password = PasswordField(
        _l("Password"), description=_l("Leave empty for staff who do not log in.")
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles.choices = _role_choices()


class ResetPasswordForm(ServiceForm):
    new_password = PasswordField(_l("New password"))
    submit = SubmitField(_l("Set password"))


class TeamForm(ServiceForm):
    site_id = SelectField(_l("Site"), coerce=int)
    code = StringField(_l("Code"), description=_l("Unique within the site, e.g. ENG."))
    name = StringField(_l("Name"))
    kind = SelectField(_l("Kind"))
    shift_pattern = SelectField(_l("Shift pattern"), default="")
    version = VersionField()
    submit = SubmitField(_l("Save"))

    def __init__(self, sites: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site_id.choices = [SelectChoice(value, name) for value, name in sites]
        self.kind.choices = [SelectChoice(key, label(pair)) for key, pair in TEAM_KINDS.items()]
        self.shift_pattern.choices = [
            SelectChoice("", _l("(none)")),
            *(SelectChoice(p.key, label((p.name_zh, p.name_en))) for p in PRESETS.values()),
        ]

    def values(self, *names: str) -> dict[str, Any]:
        values = super().values(*names)
        if "shift_pattern" in values:
            values["shift_pattern"] = values["shift_pattern"] or None
        return values


class MemberForm(ServiceForm):
    user_id = SelectField(_l("Staff member"), coerce=int)
    is_lead = BooleanField(_l("Team lead"))
    rotation_offset = IntegerField(_l("Rotation offset"), default=0, validators=[Optional()])
    submit = SubmitField(_l("Add to team"))

    def __init__(self, candidates: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = [SelectChoice(value, name) for value, name in candidates]


class LicenceForm(ServiceForm):
    kind = SelectField(_l("Kind"))
    number = StringField(_l("Number"))
    issued_on = DateField(_l("Issued on"), validators=[Optional()])
    expires_on = DateField(_l("Expires on"), validators=[Optional()])
    version = VersionField()
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [
            SelectChoice(k.key, label((k.zh, k.en))) for k in LICENCE_KINDS.values()
        ]


class ProfileForm(ServiceForm):
    name = StringField(_l("Name"))
    locale = SelectField(_l("Language"))
    version = VersionField()
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = [
            SelectChoice(code, LANGUAGE_NAMES.get(code, code))
            for code in current_app.config["LANGUAGES"]
        ]


class PasswordForm(ServiceForm):
    current_password = PasswordField(_l("Current password"))
    new_password = PasswordField(_l("New password"))
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("new_password", message=_l("The two new passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class TokenForm(ServiceForm):
    name = StringField(_l("Token name"), description=_l("Where it is used, e.g. BMS sync."))
    submit = SubmitField(_l("Create token"))


ALL_SITES = "all"


class SiteRoleForm(ServiceForm):
    """Grant a role at one site or at every site (`ALL_SITES`)."""

    site_id = SelectField(_l("Site"))
    role = SelectField(_l("Role"))
    version = VersionField()
    submit = SubmitField(_l("Grant"))

    def __init__(self, sites: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site_id.choices = [
            SelectChoice(ALL_SITES, _l("All sites (company level)")),
            *(SelectChoice(str(value), name) for value, name in sites),
        ]
        self.role.choices = _role_choices()

    def chosen_site(self) -> int | None:
        """The chosen site's id; None for all sites."""
        return None if self.site_id.data == ALL_SITES else int(self.site_id.data or 0)


class ChangeSiteRoleForm(ServiceForm):
    role = SelectField(_l("Role"))
    version = VersionField()
    submit = SubmitField(_l("Change"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()
