"""The choose-what-to-print forms. They only parse query strings; rules live in services.

These are GET forms: printing changes nothing, and the URL of a preview is worth
bookmarking or sharing, so they carry no CSRF token (a token in a URL would leak
into logs and Referer headers for no protection).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import Optional

from app.core.i18n import label
from app.extensions import db
from app.people.models import Team, User
from app.rosters.grid import SPANS
from app.sites.models import Site
from app.vocab.categories import CATEGORIES
from app.workorders.sheets import my_sheet
from schedules import PRESETS

LANGUAGE_CHOICES = [
    SelectChoice("", _l("My language")),
    SelectChoice("zh", "中文"),
    SelectChoice("en", "English"),
]
SPAN_LABELS = {"week": _l("Week"), "month": _l("Month")}


class PrintForm(FlaskForm):
    """Shared fields; `name` keeps element ids unique when all forms share one page."""

    class Meta:
        csrf = False  # GET, read-only: see the module docstring

    name = "sheet"
    site = SelectField(_l("Site"), validators=[Optional()])
    lang = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sites = db.session.scalars(select(Site).order_by(Site.code)).all()
        self.site.choices = [SelectChoice(s.code, f"{s.name} ({s.code})") for s in sites]
        for field in self:
            field.id = f"{self.name}-{field.name}"


def _team_choices(blank: bool = False) -> list[SelectChoice]:
    teams = db.session.execute(
        select(Team.code, Team.name).distinct().order_by(Team.code, Team.name)
    ).all()
    choices = [SelectChoice(code, f"{name} ({code})") for code, name in teams]
    return [SelectChoice("", "—"), *choices] if blank else choices


class ChecklistForm(PrintForm):
    name = "checklist"
    date = DateField(_l("Date"), validators=[Optional()])
    team = SelectField(_l("Team"), validators=[Optional()])
    worker = StringField(_l("Or a worker (username)"), validators=[Optional()])
    area = StringField(_l("Or an area (location code)"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team.choices = _team_choices(blank=True)


class PatrolForm(PrintForm):
    name = "patrol"
    date = DateField(_l("Date"), validators=[Optional()])
    team = SelectField(_l("Team"), validators=[Optional()])
    shift = SelectField(_l("Shift"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team.choices = _team_choices()
        shifts = {s.key: s for pattern in PRESETS.values() for s in pattern.shifts}
        self.shift.choices = [
            SelectChoice("", _l("Every shift")),
            *(SelectChoice(key, label((s.name_zh, s.name_en))) for key, s in shifts.items()),
        ]


class RosterForm(PrintForm):
    name = "roster"
    team = SelectField(_l("Team"), validators=[Optional()])
    start = DateField(_l("A day in the period"), validators=[Optional()])
    span = SelectField(
        _l("Period"), choices=[SelectChoice(s, SPAN_LABELS[s]) for s in SPANS], default="week"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team.choices = _team_choices()


def _category_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", "—"),
        *(SelectChoice(key, label((c.zh, c.en))) for key, c in CATEGORIES.items()),
    ]


class LabelsForm(PrintForm):
    name = "labels"
    category = SelectField(_l("Category"), validators=[Optional()])
    area = StringField(_l("Area (location code)"), validators=[Optional()])
    asset = StringField(_l("Asset codes"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = _category_choices()


class HistoryForm(PrintForm):
    name = "history"
    asset = StringField(_l("Asset code"), validators=[Optional()])
    category = SelectField(_l("Or a category"), validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = _category_choices()


class RecordForm(PrintForm):
    name = "record"
    work_order = IntegerField(_l("Work order number"), validators=[Optional()])


def prefill_for_lead(form: ChecklistForm, user: User) -> None:
    """A lead's checklist form opens on her team, and on tomorrow once her shift is over."""
    mine = my_sheet(user)
    if mine is None:
        return
    form.site.data = mine.site.code
    form.date.data = mine.choice.day
    if mine.choice.team is not None:
        form.team.data = mine.choice.team.code
