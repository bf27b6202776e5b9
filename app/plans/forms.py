"""Plan forms: they parse input only; every rule lives in plans.services / plans.programmes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.i18n import label
from app.core.validation import UNSET
from app.plans.display import engine_locale
from app.plans.models import Plan
from app.plans.programmes import ProposedPlan, TaskChoice, choice_key
from app.plans.recurrence import LAST, PRESET_LABELS, WEEKDAY_NAMES, describe_rrule
from app.plans.services import (
    HOLIDAY_POLICY_LABELS,
    KIND_LABELS,
    STRATEGY_LABELS,
    PlanInput,
)
from app.web.forms import ServiceForm, VersionField, optional_int

Choices = list[tuple[Any, Any]]
KEEP_RULE = ""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _ordinal_label(nth: int) -> Any:
    return _l("last") if nth == LAST else str(nth)


def _none_and(pairs: Choices) -> list[SelectChoice]:
    """A "—" option (no value) before the (value, label) pairs the view found."""
    return [SelectChoice(None, "—"), *(SelectChoice(value, text) for value, text in pairs)]


class StopPlanForm(ServiceForm):
    """Stop a plan: the version it was read at, and why (required when statutory)."""

    version = VersionField()
    reason = TextAreaField(_l("Why does this plan stop?"))


class PlanForm(ServiceForm):
    """Create or edit a plan; the rule comes from a preset, never typed by hand."""

    name = StringField(_l("Name"))
    kind = SelectField(_l("Kind"))
    equipment_id = SelectField(_l("Equipment"), coerce=optional_int)
    location_id = SelectField(_l("Location"), coerce=optional_int)
    preset = SelectField(_l("How often"))
    interval = IntegerField(_l("Every N days"), validators=[Optional()])
    weekdays = MultiCheckboxField(_l("On weekdays"), coerce=int)
    month_day = SelectField(_l("Day of the month"), coerce=optional_int)
    nth = SelectField(_l("Which week"), coerce=optional_int)
    weekday = SelectField(_l("Weekday"), coerce=optional_int)
    starts_on = DateField(_l("First date"), validators=[Optional()])
    ends_on = DateField(_l("End date"), validators=[Optional()], description=_l("Optional."))
    time_of_day = TimeField(_l("Time of day"), validators=[Optional()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[Optional()], default=60)
    holiday_policy = RadioField(_l("On weekends and holidays"), default="next")
    team_id = SelectField(_l("Team"), coerce=optional_int)
    assignee_id = SelectField(_l("Person"), coerce=optional_int)
    contractor_id = SelectField(_l("Contractor"), coerce=optional_int)
    assignment_strategy = SelectField(_l("Assignment"), default="fixed")
    tolerance_before_days = IntegerField(
        _l("Days early allowed"), validators=[Optional()], default=0
    )
    tolerance_after_days = IntegerField(_l("Days late allowed"), validators=[Optional()], default=0)
    ceiling_days = IntegerField(
        _l("Ceiling (days)"),
        validators=[Optional()],
        description=_l("Never more than this many days between two visits. Optional."),
    )
    checklist = TextAreaField(_l("Checklist"), description=_l("One item per line."))
    notes = TextAreaField(_l("Notes"))
    version = VersionField()
    preview = SubmitField(_l("Preview 12 months"))
    submit = SubmitField(_l("Save"))

    def __init__(
        self,
        *args: Any,
        equipment: Choices = (),  # type: ignore[assignment]
        locations: Choices = (),  # type: ignore[assignment]
        teams: Choices = (),  # type: ignore[assignment]
        people: Choices = (),  # type: ignore[assignment]
        contractors: Choices = (),  # type: ignore[assignment]
        current_rule: str | None = None,
        catalog_plan: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(k.value, label(pair)) for k, pair in KIND_LABELS.items()]
        self.equipment_id.choices = _none_and(equipment)
        self.location_id.choices = _none_and(locations)
        presets = [SelectChoice(p.value, label(pair)) for p, pair in PRESET_LABELS.items()]
        if current_rule is not None:
            keep = _l("Keep: %(rule)s", rule=describe_rrule(current_rule, engine_locale()))
            presets.insert(0, SelectChoice(KEEP_RULE, keep))
        self.preset.choices = presets
        self.weekdays.choices = [
            SelectChoice(i, label(pair)) for i, pair in enumerate(WEEKDAY_NAMES)
        ]
        self.month_day.choices = _none_and([*((d, str(d)) for d in range(1, 32))])
        self.month_day.choices.append(SelectChoice(LAST, _l("Last day")))
        self.nth.choices = _none_and([(n, _ordinal_label(n)) for n in (1, 2, 3, 4, LAST)])
        self.weekday.choices = _none_and([(i, label(p)) for i, p in enumerate(WEEKDAY_NAMES)])
        self.holiday_policy.choices = [
            SelectChoice(k.value, label(p)) for k, p in HOLIDAY_POLICY_LABELS.items()
        ]
        self.team_id.choices = _none_and(teams)
        self.assignee_id.choices = _none_and(people)
        self.contractor_id.choices = _none_and(contractors)
        self.assignment_strategy.choices = [
            SelectChoice(k.value, label(p)) for k, p in STRATEGY_LABELS.items()
        ]
        self.catalog_plan = catalog_plan
        if catalog_plan:
            del self.checklist  # a catalog checklist changes through catalog updates only

    def to_input(self, site_id: int | None) -> PlanInput:
        """The parsed values for the service; nothing is checked here."""
        preset = self.preset.data or None
        checklist: tuple[str, ...] | None = None
        if not self.catalog_plan:
            checklist = tuple((self.checklist.data or "").splitlines())
        return PlanInput(
            name=self.name.data or "",
            site_id=site_id,
            kind=self.kind.data or "",
            equipment_id=self.equipment_id.data,
            location_id=self.location_id.data,
            preset=preset,
            interval=self.interval.data,
            weekdays=tuple(self.weekdays.data or ()),
            month_day=self.month_day.data,
            nth=self.nth.data,
            weekday=self.weekday.data,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            time_of_day=self.time_of_day.data,
            duration_minutes=self.duration_minutes.data,
            holiday_policy=self.holiday_policy.data or "",
            team_id=self.team_id.data,
            assignee_id=self.assignee_id.data,
            contractor_id=self.contractor_id.data,
            assignment_strategy=self.assignment_strategy.data or "",
            tolerance_before_days=self.tolerance_before_days.data,
            tolerance_after_days=self.tolerance_after_days.data,
            ceiling_days=self.ceiling_days.data,
            checklist=checklist,
            notes=self.notes.data or "",
        )

    def fill(self, data: PlanInput) -> None:
        """Show a plan's current values (GET of the edit page)."""
        for name in (
            "name",
            "kind",
            "equipment_id",
            "location_id",
            "interval",
            "month_day",
            "nth",
            "weekday",
            "starts_on",
            "ends_on",
            "time_of_day",
            "duration_minutes",
            "holiday_policy",
            "team_id",
            "assignee_id",
            "contractor_id",
            "assignment_strategy",
            "tolerance_before_days",
            "tolerance_after_days",
            "ceiling_days",
            "notes",
        ):
            getattr(self, name).data = getattr(data, name)
        self.preset.data = data.preset or KEEP_RULE
        self.weekdays.data = list(data.weekdays)
        if not self.catalog_plan:
            self.checklist.data = "\n".join(data.checklist or ())


class ApplyForm(ServiceForm):
    """Only the CSRF token; the per-task rows are parsed by `task_choices`."""

    submit = SubmitField(_l("Create plans"))


def _parse_time(raw: str | None) -> time | None:
    if not raw:
        return None
    try:
        return time.fromisoformat(raw)
    except ValueError:
        return None


def _parse_date(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def row_name(key: str, part: str) -> str:
    """The input name of one part of one proposed plan's row."""
    return f"{key}|{part}"


def task_choices(
    data: MultiDict[str, str] | Mapping[str, str], rows: Sequence[ProposedPlan]
) -> tuple[dict[str, TaskChoice], dict[str, str]]:
    """Each row's choices, plus unreadable inputs (a field name → the raw text)."""
    choices: dict[str, TaskChoice] = {}
    unreadable: dict[str, str] = {}
    for row in rows:
        if row.existing is not None:
            continue
        key = choice_key(row.unit)
        raw_time = data.get(row_name(key, "time_of_day")) or ""
        raw_start = data.get(row_name(key, "starts_on")) or ""
        when = _parse_time(raw_time)
        start = _parse_date(raw_start)
        if raw_time and when is None:
            unreadable[f"{key}.time_of_day"] = raw_time
        if raw_start and start is None:
            unreadable[f"{key}.starts_on"] = raw_start
        raw_team = data.get(row_name(key, "team_id"))
        raw_person = data.get(row_name(key, "assignee_id"))
        choices[key] = TaskChoice(
            include=data.get(row_name(key, "include")) == "y",
            time_of_day=when,
            starts_on=start,
            team_id=UNSET if raw_team is None else _optional_id(raw_team),
            assignee_id=UNSET if raw_person is None else _optional_id(raw_person),
            performer=data.get(row_name(key, "performer")) or None,
            holiday_policy=data.get(row_name(key, "holiday_policy")) or None,
        )
    return choices, unreadable


def _optional_id(raw: str | None) -> int | None:
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw)


def plan_form_for(plan: Plan | None, **choices: Any) -> dict[str, Any]:
    """Keyword arguments the PlanForm needs for an existing plan."""
    if plan is None:
        return choices
    catalog_plan = plan.catalog_task_key is not None
    return {**choices, "current_rule": plan.rrule, "catalog_plan": catalog_plan}
