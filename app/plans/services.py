"""Plans: custom plans, edits, deactivation and queries. Services flush; callers commit.

One validation (`check_plan`) serves the web form, the JSON API and any import: it
collects every bad field first and raises `ValidationError`, so nothing is
half-saved. After a plan changes it sends `plan_changed`; the scheduler's receiver
makes the future, untouched work orders follow the new rule in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.contractors.models import Contractor
from app.core.signals import plan_changed
from app.core.text import check_lines, clean_name
from app.core.validation import N_, Problems, ValidationError, check_version
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team, TeamMembership, User
from app.plans.models import AssignmentStrategy, Plan, PlanKind
from app.plans.recurrence import (
    Preset,
    PresetError,
    RulePreset,
    preset_from_rrule,
    rrule_from_preset,
)
from app.sites.models import Location, Site
from schedules import HolidayPolicy

NAME_MAX = 200
NOTES_MAX = 4000
MAX_DURATION_MINUTES = 24 * 60
MAX_TOLERANCE_DAYS = 366
MAX_CHECKLIST_ITEMS = 200
ITEM_TEXT_MAX = 300

HOLIDAY_POLICY_LABELS: dict[str, tuple[str, str]] = {
    HolidayPolicy.IGNORE: ("照常进行", "Run anyway"),
    HolidayPolicy.SKIP: ("取消本次", "Skip the visit"),
    HolidayPolicy.PREVIOUS: ("提前到前一个工作日", "Move to the previous working day"),
    HolidayPolicy.NEXT: ("顺延到下一个工作日", "Move to the next working day"),
    HolidayPolicy.NEAREST: ("移到最近的工作日", "Move to the nearest working day"),
}
HOLIDAY_POLICY_HELP: dict[str, tuple[str, str]] = {
    HolidayPolicy.IGNORE: (
        "节假日和周末照常安排，适合巡逻、日常保洁。",
        "Weekends and holidays are planned as usual: patrols, daily cleaning.",
    ),
    HolidayPolicy.SKIP: (
        "落在非工作日的那次直接取消，不补。",
        "A visit on a non-working day is dropped, not made up.",
    ),
    HolidayPolicy.PREVIOUS: (
        "提前到之前最近的工作日（国庆前完成）。",
        "Done on the last working day before (e.g. before National Day).",
    ),
    HolidayPolicy.NEXT: (
        "顺延到之后第一个工作日。",
        "Done on the first working day after.",
    ),
    HolidayPolicy.NEAREST: (
        "移到前后最近的工作日，距离相同时提前；有法定上限的计划最稳妥。",
        "Moved to the closest working day, earlier on a tie; safest with a legal ceiling.",
    ),
}
STRATEGY_LABELS: dict[str, tuple[str, str]] = {
    AssignmentStrategy.FIXED: ("固定人员", "Fixed person"),
    AssignmentStrategy.ROUND_ROBIN: ("轮流", "Round robin"),
    AssignmentStrategy.LEAST_LOADED: ("任务最少者", "Least loaded"),
}
PERFORMER_LABELS: dict[str, tuple[str, str]] = {
    "in_house": ("本单位", "In-house"),
    "in_house_licensed": ("本单位持证人员", "In-house, licensed"),
    "licensed_contractor": ("有资质的外委单位", "Licensed contractor"),
    "authority_inspection": ("检验机构", "Inspection authority"),
}
KIND_LABELS: dict[str, tuple[str, str]] = {
    PlanKind.MAINTENANCE: ("维护保养", "Maintenance"),
    PlanKind.INSPECTION: ("检查检验", "Inspection"),
    PlanKind.PATROL: ("巡逻", "Patrol"),
    PlanKind.CLEANING: ("保洁", "Cleaning"),
    PlanKind.GREENING: ("绿化", "Greening"),
    PlanKind.CUSTOM: ("自定义", "Custom"),
}


class PlanError(ValidationError):
    """Bad input for a plan; one message per field, nothing was changed."""


@dataclass
class PlanInput:
    """What a user may set on a plan; the form, the API and imports all fill this.

    `preset` None keeps the current rule on an edit (catalog rules that are no
    preset stay as they are); `checklist` None keeps the current checklist.
    """

    name: str
    site_id: int | None
    kind: str = PlanKind.CUSTOM.value
    equipment_id: int | None = None
    location_id: int | None = None
    preset: str | None = None
    interval: int | None = None
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    nth: int | None = None
    weekday: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    time_of_day: time | None = None
    duration_minutes: int | None = 60
    holiday_policy: str = HolidayPolicy.NEXT.value
    team_id: int | None = None
    assignee_id: int | None = None
    contractor_id: int | None = None
    assignment_strategy: str = AssignmentStrategy.FIXED.value
    tolerance_before_days: int | None = 0
    tolerance_after_days: int | None = 0
    ceiling_days: int | None = None
    checklist: tuple[str, ...] | None = ()
    notes: str = ""


@dataclass
class _Checked:
    values: dict[str, Any] = field(default_factory=dict)


def preset_of(data: PlanInput) -> RulePreset | None:
    if data.preset is None:
        return None
    return RulePreset(
        Preset(data.preset),
        interval=data.interval or 1,
        weekdays=tuple(data.weekdays),
        month_day=data.month_day,
        nth=data.nth,
        weekday=data.weekday,
    )


def input_from_plan(plan: Plan) -> PlanInput:
    """The edit form's starting values; a rule that is no preset is kept as is."""
    preset = preset_from_rrule(plan.rrule)
    return PlanInput(
        name=plan.name,
        site_id=plan.site_id,
        kind=plan.kind,
        equipment_id=plan.equipment_id,
        location_id=plan.location_id,
        preset=preset.preset.value if preset else None,
        interval=preset.interval if preset else None,
        weekdays=preset.weekdays if preset else (),
        month_day=preset.month_day if preset else None,
        nth=preset.nth if preset else None,
        weekday=preset.weekday if preset else None,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        time_of_day=plan.time_of_day,
        duration_minutes=plan.duration_minutes,
        holiday_policy=plan.holiday_policy,
        team_id=plan.team_id,
        assignee_id=plan.assignee_id,
        contractor_id=plan.contractor_id,
        assignment_strategy=plan.assignment_strategy,
        tolerance_before_days=plan.tolerance_before_days,
        tolerance_after_days=plan.tolerance_after_days,
        ceiling_days=plan.ceiling_days,
        checklist=None if plan.catalog_task_key else checklist_texts(plan.checklist),
        notes=plan.notes,
    )


def checklist_texts(items: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(_item_text(item) for item in items)


def _item_text(item: dict[str, Any]) -> str:
    names = item.get("names") or {}
    return str(names.get("zh") or names.get("en") or item.get("key", ""))


def custom_checklist(lines: Sequence[str]) -> list[dict[str, Any]]:
    """Checklist items typed by a user, in the catalog's item shape."""
    return [
        {"key": f"c{index:02d}", "names": {"zh": text, "en": text}, "kind": "check"}
        for index, text in enumerate(lines, start=1)
    ]


# --- validation ----------------------------------------------------------------------------


def check_plan(data: PlanInput, current: Plan | None = None) -> dict[str, Any]:
    """Every problem of `data` at once, or the column values to store."""
    problems = Problems()
    values: dict[str, Any] = {}
    name = clean_name(data.name)
    check_lines(problems, name=name)
    if not name:
        problems.add("name", N_("Enter a name."))
    elif len(name) > NAME_MAX:
        problems.add("name", N_("At most %(n)d characters.", n=NAME_MAX))
    values["name"] = name
    site = db.session.get(Site, data.site_id) if data.site_id is not None else None
    if site is None:
        problems.add("site_id", N_("Choose a site."))
    elif current is not None and site.id != current.site_id:
        problems.add("site_id", N_("A plan cannot move to another site."))
    values["site_id"] = data.site_id
    if data.kind not in PlanKind.__members__.values():
        problems.add("kind", N_("Choose a kind of plan."))
    values["kind"] = data.kind
    _check_rule(data, current, problems, values)
    _check_timing(data, problems, values)
    if site is not None:
        _check_targets(data, site, problems, values)
        _check_people(data, site, problems, values)
    if data.checklist is not None and current is not None and current.catalog_task_key:
        problems.add("checklist", N_("A catalog checklist changes only through catalog updates."))
    elif data.checklist is not None:
        lines = [line.strip() for line in data.checklist if line.strip()]
        if len(lines) > MAX_CHECKLIST_ITEMS:
            problems.add("checklist", N_("At most %(n)d items.", n=MAX_CHECKLIST_ITEMS))
        elif any(len(line) > ITEM_TEXT_MAX for line in lines):
            problems.add("checklist", N_("Each item at most %(n)d characters.", n=ITEM_TEXT_MAX))
        values["checklist"] = custom_checklist(lines)
    if len(data.notes) > NOTES_MAX:
        problems.add("notes", N_("At most %(n)d characters.", n=NOTES_MAX))
    values["notes"] = data.notes.strip()
    problems.raise_if_any(PlanError)
    return values


def _check_rule(
    data: PlanInput, current: Plan | None, problems: Problems, values: dict[str, Any]
) -> None:
    if data.preset is None:
        if current is None:
            problems.add("preset", N_("Choose how often."))
        return
    if data.preset not in Preset.__members__.values():
        problems.add("preset", N_("Choose how often."))
        return
    spec = preset_of(data)
    assert spec is not None
    try:
        values["rrule"] = rrule_from_preset(spec)
    except PresetError as error:
        problems.add(error.field, _PRESET_MESSAGES[error.field])


_PRESET_MESSAGES = {
    "interval": N_("Every N days needs N from 2 to 366."),
    "weekdays": N_("Choose at least one weekday."),
    "month_day": N_("Choose a day from 1 to 31, or the last day."),
    "nth": N_("Choose the 1st to 4th, or the last."),
    "weekday": N_("Choose a weekday."),
    "preset": N_("Choose how often."),
}


def _check_timing(data: PlanInput, problems: Problems, values: dict[str, Any]) -> None:
    if data.starts_on is None:
        problems.add("starts_on", N_("Enter the first date."))
    values["starts_on"] = data.starts_on
    if data.ends_on is not None and data.starts_on is not None and data.ends_on < data.starts_on:
        problems.add("ends_on", N_("The end date must not be before the first date."))
    values["ends_on"] = data.ends_on
    if data.time_of_day is None:
        problems.add("time_of_day", N_("Enter a time of day."))
    values["time_of_day"] = data.time_of_day
    duration = data.duration_minutes
    if duration is None or not 1 <= duration <= MAX_DURATION_MINUTES:
        problems.add("duration_minutes", N_("Between 1 and 1440 minutes."))
    values["duration_minutes"] = duration
    if data.holiday_policy not in HolidayPolicy.__members__.values():
        problems.add("holiday_policy", N_("Choose what happens on holidays."))
    values["holiday_policy"] = data.holiday_policy
    for name in ("tolerance_before_days", "tolerance_after_days"):
        days = getattr(data, name)
        if days is None or not 0 <= days <= MAX_TOLERANCE_DAYS:
            problems.add(name, N_("Between 0 and %(n)d days.", n=MAX_TOLERANCE_DAYS))
        values[name] = days
    if data.ceiling_days is not None and not 1 <= data.ceiling_days <= 3660:
        problems.add("ceiling_days", N_("At least 1 day, or leave it empty."))
    values["ceiling_days"] = data.ceiling_days


def _check_targets(data: PlanInput, site: Site, problems: Problems, values: dict[str, Any]) -> None:
    if data.equipment_id is not None:
        equipment = db.session.get(Equipment, data.equipment_id)
        if equipment is None or equipment.site_id != site.id:
            problems.add("equipment_id", N_("Choose equipment of this site."))
    values["equipment_id"] = data.equipment_id
    if data.location_id is not None:
        location = db.session.get(Location, data.location_id)
        if location is None or location.site_id != site.id:
            problems.add("location_id", N_("Choose a location of this site."))
    values["location_id"] = data.location_id


def _check_people(data: PlanInput, site: Site, problems: Problems, values: dict[str, Any]) -> None:
    team = db.session.get(Team, data.team_id) if data.team_id is not None else None
    if data.team_id is not None and (team is None or team.site_id != site.id):
        problems.add("team_id", N_("Choose a team of this site."))
        team = None
    values["team_id"] = data.team_id
    if data.assignee_id is not None:
        person = db.session.get(User, data.assignee_id)
        if person is None or not person.active:
            problems.add("assignee_id", N_("Choose an active member of staff."))
        elif team is not None and not _is_member(team, person):
            problems.add("assignee_id", N_("%(name)s is not in this team.", name=person.name))
    values["assignee_id"] = data.assignee_id
    if data.contractor_id is not None and db.session.get(Contractor, data.contractor_id) is None:
        problems.add("contractor_id", N_("Choose a contractor."))
    values["contractor_id"] = data.contractor_id
    strategy = data.assignment_strategy
    if strategy not in AssignmentStrategy.__members__.values():
        problems.add("assignment_strategy", N_("Choose how work is assigned."))
    elif strategy != AssignmentStrategy.FIXED and data.team_id is None:
        problems.add("team_id", N_("Round robin and least loaded need a team."))
    elif (
        strategy == AssignmentStrategy.FIXED
        and data.assignee_id is None
        and data.team_id is None
        and data.contractor_id is None
    ):
        problems.add("assignee_id", N_("Choose a person, a team or a contractor."))
    values["assignment_strategy"] = strategy


def _is_member(team: Team, person: User) -> bool:
    return db.session.get(TeamMembership, (team.id, person.id)) is not None


# --- changes -------------------------------------------------------------------------------


_UNCOPIED = frozenset({"id", "version", "created_at", "updated_at"})
# Column defaults only apply on INSERT; a preview reads the plan before that.
_NEW_PLAN_DEFAULTS: dict[str, Any] = {
    "active": True,
    "anchor": "fixed",
    "seasons": [],
    "age_bands": [],
    "performer": "in_house",
    "crew_size": 1,
    "criticality": "optimal",
    "legal_basis": "",
    "checklist": [],
    "notes": "",
}


def draft_plan(data: PlanInput, current: Plan | None = None) -> Plan:
    """An unsaved plan with the new values, for a preview before saving; raises PlanError.

    It is not added to the session, so nothing of it is ever stored.
    """
    values = check_plan(data, current)
    base = dict(_NEW_PLAN_DEFAULTS)
    if current is not None:
        base = {
            column.key: getattr(current, column.key)
            for column in Plan.__table__.columns
            if column.key not in _UNCOPIED
        }
    plan = Plan(**{**base, **values})
    plan.site = db.session.get(Site, plan.site_id)  # type: ignore[assignment]
    if plan.equipment_id is not None:
        plan.equipment = db.session.get(Equipment, plan.equipment_id)
    if plan.location_id is not None:
        plan.location = db.session.get(Location, plan.location_id)
    if plan.team_id is not None:
        plan.team = db.session.get(Team, plan.team_id)
    return plan


def create_custom_plan(data: PlanInput) -> Plan:
    """A plan the catalog does not have (e.g. 每月最后一天 fire-door round)."""
    plan = draft_plan(data)
    db.session.add(plan)
    db.session.flush()
    plan_changed.send(None, plans=[plan])
    return plan


def update_plan(plan: Plan, data: PlanInput, expected_version: int | None) -> Plan:
    """Edit a plan; a stale `expected_version` raises StaleEdit naming who changed it."""
    check_version(plan, expected_version)
    values = check_plan(data, current=plan)
    for key, value in values.items():
        if getattr(plan, key) != value:
            setattr(plan, key, value)
    db.session.flush()
    plan_changed.send(None, plans=[plan])
    return plan


def deactivate_plan(plan: Plan, expected_version: int | None) -> Plan:
    """Stop a plan: no new work orders; finished ones stay for the record."""
    return _set_active(plan, False, expected_version)


def reactivate_plan(plan: Plan, expected_version: int | None) -> Plan:
    return _set_active(plan, True, expected_version)


def _set_active(plan: Plan, active: bool, expected_version: int | None) -> Plan:
    check_version(plan, expected_version)
    if plan.active != active:
        plan.active = active
        db.session.flush()
        plan_changed.send(None, plans=[plan])
    return plan


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFilter:
    site_id: int | None = None
    kind: str | None = None
    team_id: int | None = None
    equipment_id: int | None = None
    location_id: int | None = None
    active: bool | None = True
    text: str = ""


def plans_query(flt: PlanFilter) -> Select[tuple[Plan]]:
    stmt = select(Plan).options(
        selectinload(Plan.site),
        selectinload(Plan.team),
        selectinload(Plan.equipment),
        selectinload(Plan.location),
        selectinload(Plan.assignee),
    )
    if flt.site_id is not None:
        stmt = stmt.where(Plan.site_id == flt.site_id)
    if flt.kind:
        stmt = stmt.where(Plan.kind == flt.kind)
    if flt.team_id is not None:
        stmt = stmt.where(Plan.team_id == flt.team_id)
    if flt.equipment_id is not None:
        stmt = stmt.where(Plan.equipment_id == flt.equipment_id)
    if flt.location_id is not None:
        stmt = stmt.where(Plan.location_id == flt.location_id)
    if flt.active is not None:
        stmt = stmt.where(Plan.active.is_(flt.active))
    if flt.text:
        stmt = stmt.where(Plan.name.contains(flt.text, autoescape=True))
    return stmt.order_by(Plan.site_id, Plan.equipment_id, Plan.tier_group, Plan.tier_level, Plan.id)


def get_plan(plan_id: int) -> Plan | None:
    return db.session.get(Plan, plan_id)


def tier_siblings(plan: Plan) -> list[Plan]:
    """The other levels of the same tier chain on the same asset, lowest first."""
    if plan.tier_group is None:
        return []
    stmt = select(Plan).where(
        Plan.tier_group == plan.tier_group,
        Plan.equipment_id == plan.equipment_id,
        Plan.location_id == plan.location_id,
        Plan.site_id == plan.site_id,
        Plan.id != plan.id,
    )
    return sorted(db.session.scalars(stmt), key=lambda p: (p.tier_level or 0, p.id))
