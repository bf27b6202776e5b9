"""Plans from the catalog: an asset's programme, a location's cleaning, greening and patrols.

Each catalog task becomes one plan that remembers where it came from
(`catalog_type_key`, `catalog_task_key`, `catalog_version`) and carries a snapshot
of what the catalog said (rule, tolerance, ceiling, checklist...). A later catalog
release never changes a live plan by itself: `catalog_changes` lists what differs
and `apply_catalog_update` applies it when a person asks. Services flush; callers
commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from sqlalchemy import and_, or_, select

from app.catalog.current import current_catalog
from app.catalog.model import (
    AgeRule,
    AreaLibrary,
    Catalog,
    EquipmentType,
    Frequency,
    Item,
    Names,
    PatrolLibrary,
    Performer,
    Route,
    Season,
    Task,
)
from app.core import clock
from app.core.signals import plan_changed
from app.core.validation import N_, UNSET, Problems, Unset, ValidationError, check_version, pick
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Licence, Team, TeamMembership, User
from app.plans.models import AssignmentStrategy, Plan, PlanKind
from app.sites.models import Location, Site
from schedules import PRESETS, HolidayPolicy

PATROL_KEY = "patrol"
SITE_WIDE = "site"
SEASON_MARK = "#"
DEFAULT_TIME = time(9, 0)
DEFAULT_MINUTES = 60
CONTRACTED = (Performer.LICENSED_CONTRACTOR, Performer.AUTHORITY_INSPECTION)
# What a plan takes from the catalog; everything else (time, team, start...) is the site's.
CATALOG_FIELDS = (
    "rrule",
    "anchor",
    "tolerance_before_days",
    "tolerance_after_days",
    "ceiling_days",
    "tier_group",
    "tier_level",
    "seasons",
    "age_bands",
    "performer",
    "licence_kind",
    "crew_size",
    "duration_minutes",
    "criticality",
    "legal_basis",
    "checklist",
)
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "task": ("目录任务", "Catalog task"),
    "rrule": ("频次", "Frequency"),
    "anchor": ("计算起点", "Counted from"),
    "tolerance_before_days": ("可提前天数", "Days early allowed"),
    "tolerance_after_days": ("可推后天数", "Days late allowed"),
    "ceiling_days": ("最长间隔（天）", "Ceiling (days)"),
    "tier_group": ("级别链", "Tier chain"),
    "tier_level": ("级别", "Tier level"),
    "seasons": ("季节", "Seasons"),
    "age_bands": ("按年限的频次", "Frequency by age"),
    "performer": ("执行方", "Performer"),
    "licence_kind": ("所需证书", "Licence needed"),
    "crew_size": ("人数", "Crew"),
    "duration_minutes": ("时长（分钟）", "Duration (minutes)"),
    "criticality": ("重要性", "Criticality"),
    "legal_basis": ("依据", "Legal basis"),
    "checklist": ("检查项", "Checklist"),
}
OFFICE_WEEK = "office_week"

TEAM_KIND_FOR = {
    PlanKind.CLEANING: "cleaning",
    PlanKind.GREENING: "greening",
    PATROL_KEY: "security",
}


# --- catalog units: one future plan each -----------------------------------------------------


@dataclass(frozen=True)
class CatalogUnit:
    """One plan the catalog proposes for a target: its key, names and catalog fields."""

    type_key: str
    task_key: str
    version: str
    names: Names
    kind: str
    fields: dict[str, Any]
    season: Season | None = None
    frequency_text: str = ""
    default_policy: str = HolidayPolicy.NEXT.value
    default_time: time = DEFAULT_TIME
    contracted: bool = False
    optional: bool = False  # offered but not ticked by default (site-wide tasks)


def item_json(item: Item) -> dict[str, Any]:
    """A checklist item as stored on plans and work orders (the catalog's own shape)."""
    data: dict[str, Any] = {
        "key": item.key,
        "names": {"zh": item.names.zh, "en": item.names.en},
        "kind": item.kind.value,
    }
    optional = {"unit": item.unit, "min": item.min, "max": item.max, "ref": item.ref}
    data.update({k: v for k, v in optional.items() if v is not None})
    if item.choices:
        data["choices"] = [
            {"key": c.key, "names": {"zh": c.names.zh, "en": c.names.en}} for c in item.choices
        ]
    if item.photo_required:
        data["photo_required"] = True
    if item.key_item:
        data["key_item"] = True
    if item.season is not None:
        data["season"] = {"from": item.season.start, "to": item.season.end}
    return data


def season_json(season: Season) -> dict[str, Any]:
    return {
        "from": season.start,
        "to": season.end,
        "label": {"zh": season.label.zh, "en": season.label.en},
    }


NEVER_AGAIN = 100
"""Years between visits that stands for "not due any more" (a band with no service years)."""


def engine_age_bands(age: AgeRule) -> list[dict[str, Any]]:
    """Catalog age bands as the scheduler reads them: `[{"min_years", "rrule"}]`.

    A band listing service years (定期检验 in years 1, 4, 7...; year 1 = age 0) becomes
    one band per due year whose rule is "every k years", k being the gap to the next
    due year, so each such band holds exactly one visit. A band with no service years
    extends the previous visit's gap to `NEVER_AGAIN`. `of` says whose age counts.
    """
    flat: list[tuple[int, str | None]] = []  # (from age, rule); None rule = no visits
    for band in age.bands:
        if band.service_years is None:
            flat.append((band.min_years, band.frequency.rrule if band.frequency else None))
            continue
        due = sorted(y - 1 for y in band.service_years if y - 1 >= band.min_years)
        if not due or due[0] > band.min_years:
            flat.append((band.min_years, None))
        flat.extend((age_at, "") for age_at in due)  # gap filled in below
    bands: list[dict[str, Any]] = []
    for index, (age_at, rule) in enumerate(flat):
        if rule == "":
            following = next((a for a, r in flat[index + 1 :] if r is not None), None)
            gap = following - age_at if following is not None else NEVER_AGAIN
            rule = f"FREQ=YEARLY;INTERVAL={gap}" if gap != 1 else "FREQ=YEARLY"
        if rule is None:
            continue
        bands.append({"min_years": age_at, "rrule": rule, "of": age.of})
    return bands


def _anchor(task: Task) -> str:
    return "completion" if task.anchor.value == "completion" else "fixed"


def _default_policy(frequency: Frequency | None, ceiling_days: int | None) -> str:
    """Daily work runs anyway; a legal ceiling is safest with the nearest working day."""
    if frequency is not None and frequency.approx_days <= 1:
        return HolidayPolicy.IGNORE.value
    if ceiling_days is not None:
        return HolidayPolicy.NEAREST.value
    return HolidayPolicy.NEXT.value


def _task_fields(
    task: Task,
    rrule: str,
    *,
    seasons: list[dict[str, Any]],
    legal_basis: str | None,
    items: Iterable[Item],
) -> dict[str, Any]:
    age_bands = engine_age_bands(task.age) if task.age is not None else []
    return {
        "rrule": rrule,
        "anchor": _anchor(task),
        "tolerance_before_days": task.tolerance.before_days,
        "tolerance_after_days": task.tolerance.after_days,
        "ceiling_days": task.ceiling_days,
        "tier_group": task.tier.chain if task.tier else None,
        "tier_level": task.tier.level if task.tier else None,
        "seasons": seasons,
        "age_bands": age_bands,
        "performer": task.performer.value,
        "licence_kind": task.licence,
        "crew_size": task.crew,
        "duration_minutes": task.minutes or DEFAULT_MINUTES,
        "criticality": task.criticality.value,
        "legal_basis": (task.legal_basis or legal_basis or "")[:200],
        "checklist": [item_json(item) for item in items],
    }


def _split_by_frequency(
    task: Task, level: int | None = None
) -> list[tuple[str, Frequency | None, Season | None]]:
    """(key suffix, frequency, season) per plan: a seasonal task gives one plan per season."""
    if task.by_season:
        return [
            (f"{SEASON_MARK}{index}", entry.frequency, entry.season)
            for index, entry in enumerate(task.by_season)
        ]
    if task.by_level:
        frequency = task.by_level.get(level) if level is not None else None
        return [("", frequency, task.season)] if frequency is not None else []
    if task.age is not None:
        first = next((b.frequency for b in task.age.bands if b.frequency is not None), None)
        return [("", first, task.season)]
    return [("", task.frequency, task.season)]


def _rrule_of(frequency: Frequency | None) -> str:
    # Age bands counted in service years have no frequency of their own: yearly, filtered.
    return frequency.rrule if frequency is not None else "FREQ=YEARLY"


def equipment_units(equipment_type: EquipmentType) -> list[CatalogUnit]:
    """The plans an asset of this type gets: every task, tier chains as linked levels."""
    units = []
    for task in equipment_type.tasks:
        programme = equipment_type.programmes.get(task.programme or "")
        for suffix, frequency, season in _split_by_frequency(task):
            units.append(
                CatalogUnit(
                    type_key=equipment_type.key,
                    task_key=task.key + suffix,
                    version=equipment_type.version,
                    names=task.names,
                    kind=(
                        PlanKind.INSPECTION.value
                        if task.performer is Performer.AUTHORITY_INSPECTION
                        else PlanKind.MAINTENANCE.value
                    ),
                    fields=_task_fields(
                        task,
                        _rrule_of(frequency),
                        seasons=[season_json(season)] if season else [],
                        legal_basis=programme.legal_basis if programme else None,
                        items=task.items,
                    ),
                    season=season,
                    frequency_text=frequency.text if frequency else "",
                    default_policy=_default_policy(frequency, task.ceiling_days),
                    contracted=task.performer in CONTRACTED,
                )
            )
    return units


def area_units(library: AreaLibrary, location_kind: str, level: int) -> list[CatalogUnit]:
    """Cleaning or greening tasks for one kind of area at the site's service level."""
    tasks: list[tuple[str, Task, bool]] = []
    area = library.areas.get(location_kind)
    if area is not None:
        tasks.extend((location_kind, task, False) for task in area.tasks)
    tasks.extend((SITE_WIDE, task, True) for task in library.site_tasks)
    units = []
    for area_key, task, optional in tasks:
        for suffix, frequency, season in _split_by_frequency(task, level):
            units.append(
                CatalogUnit(
                    type_key=library.key,
                    task_key=f"{area_key}.{task.key}{suffix}",
                    version=library.content_version,
                    names=task.names,
                    kind=library.key,
                    fields=_task_fields(
                        task,
                        _rrule_of(frequency),
                        seasons=[season_json(season)] if season else [],
                        legal_basis=None,
                        items=task.items,
                    ),
                    season=season,
                    frequency_text=frequency.text if frequency else "",
                    default_policy=_default_policy(frequency, None),
                    contracted=task.performer in CONTRACTED,
                    optional=optional,
                )
            )
    return units


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _hours_in(first: time, last: time, count: int) -> set[int]:
    """`count` whole hours spread evenly from `first` to `last` (which may pass midnight)."""
    length = (last.hour - first.hour) % 24 or 24
    step = length / count
    return {(first.hour + int(step * index)) % 24 for index in range(count)}


def _every_hours(first: time, last: time, step: int) -> list[time]:
    """Round starts every `step` hours from `first`, before `last` (may pass midnight)."""
    minutes = ((last.hour * 60 + last.minute) - (first.hour * 60 + first.minute)) % (24 * 60)
    starts = range(0, minutes or 24 * 60, step * 60)
    base = first.hour * 60 + first.minute
    return [time(((base + m) // 60) % 24, (base + m) % 60) for m in starts]


def _office_window(route: Route) -> tuple[time, time] | None:
    pattern = PRESETS.get(route.shift_pattern.value)
    if pattern is None or not pattern.follows_workdays:
        return None
    shift = pattern.shifts[0]
    end_minutes = shift.start.hour * 60 + shift.start.minute + int(shift.hours * 60)
    return shift.start, time((end_minutes // 60) % 24, end_minutes % 60)


def _daily_rule(starts: list[time]) -> tuple[str, time] | None:
    if not starts:
        return None
    ordered = sorted(set(starts))
    minutes = {t.minute for t in ordered}
    if len(minutes) != 1:  # one BYMINUTE for all hours, so round to the hour
        ordered = sorted({time(t.hour, 0) for t in ordered})
    hours = ",".join(str(t.hour) for t in ordered)
    return f"FREQ=DAILY;BYHOUR={hours};BYMINUTE={ordered[0].minute}", ordered[0]


def _patrol_rrule(library: PatrolLibrary, route: Route, level: int) -> tuple[str, time] | None:
    """The rounds of one level as a daily rule: every N hours (in a window) or N by day, M by night.

    Office-week routes patrol only during the office shift.
    """
    rounds = route.rounds.get(level)
    if rounds is None:
        return None
    day_start, day_end = _clock(library.daytime.start), _clock(library.daytime.end)
    every = rounds.every
    if every is not None:
        step = every.count or 1
        if every.unit is None or every.unit.value != "hour":
            return every.rrule, day_start
        window = (
            (_clock(rounds.window.start), _clock(rounds.window.end))
            if rounds.window is not None
            else _office_window(route)
        )
        if window is None:
            return every.rrule, day_start
        return _daily_rule(_every_hours(window[0], window[1], step))
    hours: set[int] = set()
    if rounds.day:
        hours |= _hours_in(day_start, day_end, rounds.day)
    if rounds.night:
        hours |= _hours_in(day_end, day_start, rounds.night)
    return _daily_rule([time(h, 0) for h in hours])


def checkpoint_json(route: Route) -> list[dict[str, Any]]:
    return [
        {
            "key": checkpoint.key,
            "names": {"zh": checkpoint.names.zh, "en": checkpoint.names.en},
            "kind": "checkpoint",
            "location_kind": checkpoint.location_kind,
            "offset_minutes": checkpoint.offset_minutes,
            "items": [item_json(item) for item in checkpoint.items],
        }
        for checkpoint in route.checkpoints
    ]


def patrol_units(library: PatrolLibrary, kinds: frozenset[str], level: int) -> list[CatalogUnit]:
    """Patrol routes at the site's level; routes through the given area kinds come ticked."""
    units = []
    for route in library.routes.values():
        rule = _patrol_rrule(library, route, level)
        if rule is None:
            continue
        rrule, first_round = rule
        minutes = route.minutes or max(c.offset_minutes for c in route.checkpoints)
        units.append(
            CatalogUnit(
                type_key=PATROL_KEY,
                task_key=route.key,
                version=route.version,
                names=route.names,
                kind=PlanKind.PATROL.value,
                fields={
                    "rrule": rrule,
                    "anchor": "fixed",
                    "tolerance_before_days": 0,
                    "tolerance_after_days": 0,
                    "ceiling_days": None,
                    "tier_group": None,
                    "tier_level": None,
                    "seasons": [],
                    "age_bands": [],
                    "performer": route.performer.value,
                    "licence_kind": route.licence,
                    "crew_size": route.crew,
                    "duration_minutes": minutes or 30,
                    "criticality": route.criticality.value,
                    "legal_basis": "",
                    "checklist": checkpoint_json(route),
                },
                default_policy=(
                    HolidayPolicy.SKIP.value
                    if _office_window(route) is not None
                    else HolidayPolicy.IGNORE.value
                ),
                default_time=first_round,
                optional=not any(c.location_kind in kinds for c in route.checkpoints),
            )
        )
    return units


def _subtree_kinds(location: Location) -> frozenset[str]:
    kinds = set()
    stack = [location]
    while stack:
        node = stack.pop()
        kinds.add(node.kind)
        stack.extend(node.children)
    return frozenset(kinds)


def location_units(location: Location, catalog: Catalog | None = None) -> list[CatalogUnit]:
    """Cleaning, greening and patrol plans the catalog proposes for one location."""
    catalog = catalog or current_catalog()
    level = location.site.service_level
    units: list[CatalogUnit] = []
    for library in (catalog.cleaning, catalog.greening):
        if library is not None:
            units.extend(area_units(library, location.kind, level))
    if catalog.patrol is not None:
        units.extend(patrol_units(catalog.patrol, _subtree_kinds(location), level))
    return units


# --- applying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskChoice:
    """What the user adjusted for one proposed plan on the apply page."""

    include: bool = True
    time_of_day: time | None = None
    starts_on: date | None = None
    team_id: int | Unset | None = UNSET
    assignee_id: int | Unset | None = UNSET
    performer: str | None = None
    holiday_policy: str | None = None


@dataclass(frozen=True)
class ProposedPlan:
    """One row of the apply page: the unit, its defaults and the plan it already has."""

    unit: CatalogUnit
    existing: Plan | None
    in_house_team_id: int | None
    contractor_id: int | None
    time_of_day: time
    holiday_policy: str

    @property
    def team_id(self) -> int | None:
        """Contracted work goes to the contractor, not to a team of ours."""
        return None if self.unit.contracted else self.in_house_team_id


@dataclass
class _Target:
    site: Site
    equipment: Equipment | None = None
    location: Location | None = None
    units: list[CatalogUnit] = field(default_factory=list)


class ProgrammeError(ValidationError):
    """The programme cannot be applied as asked; one message per field."""


def equipment_type_for(equipment: Equipment, type_key: str | None = None) -> EquipmentType:
    key = type_key or equipment.type_key
    if not key:
        raise ProgrammeError({"type_key": N_("This equipment has no catalog type yet.")})
    try:
        return current_catalog().type(key)
    except KeyError:
        raise ProgrammeError(
            {"type_key": N_("The catalog has no equipment type %(key)s.", key=key)}
        ) from None


def _existing(target: _Target) -> dict[tuple[str, str], Plan]:
    stmt = select(Plan).where(Plan.catalog_task_key.is_not(None))
    if target.equipment is not None:
        stmt = stmt.where(Plan.equipment_id == target.equipment.id)
    else:
        assert target.location is not None
        # A patrol route crosses many areas but is walked once per site.
        stmt = stmt.where(
            Plan.equipment_id.is_(None),
            or_(
                Plan.location_id == target.location.id,
                and_(Plan.site_id == target.site.id, Plan.kind == PlanKind.PATROL.value),
            ),
        )
    return {
        (plan.catalog_type_key or "", plan.catalog_task_key or ""): plan
        for plan in db.session.scalars(stmt)
    }


@dataclass(frozen=True)
class _TeamFacts:
    id: int
    kind: str
    shift_pattern: str | None
    licences: frozenset[str]

    def can_do(self, unit: CatalogUnit) -> bool:
        """Holds the licence, and is on duty every day when the work runs every day."""
        licence = unit.fields["licence_kind"]
        if licence is not None and licence not in self.licences:
            return False
        runs_every_day = unit.default_policy == HolidayPolicy.IGNORE.value
        return not runs_every_day or self.shift_pattern not in (None, OFFICE_WEEK)


def _site_teams(site: Site) -> list[_TeamFacts]:
    today = clock.local_today(site.timezone)
    licences: dict[int, set[str]] = {}
    rows = db.session.execute(
        select(TeamMembership.team_id, Licence.kind)
        .join(Licence, Licence.user_id == TeamMembership.user_id)
        .join(Team, Team.id == TeamMembership.team_id)
        .where(
            Team.site_id == site.id,
            or_(Licence.expires_on.is_(None), Licence.expires_on >= today),
        )
    )
    for team_id, kind in rows:
        licences.setdefault(team_id, set()).add(kind)
    teams = db.session.scalars(select(Team).where(Team.site_id == site.id).order_by(Team.id))
    return [
        _TeamFacts(t.id, t.kind, t.shift_pattern, frozenset(licences.get(t.id, ()))) for t in teams
    ]


def _default_team(
    teams: list[_TeamFacts], preferred_id: int | None, kind: str | None, unit: CatalogUnit
) -> int | None:
    """The team that can really do the work: the preferred one if it can, else one of the
    same kind, else any team of the site that can (e.g. the 24 h duty electricians for a
    daily switch-room round, the control room's licensed operators for a fire pump test).
    The supervisor still adjusts it on the apply page."""
    preferred = next((t for t in teams if t.id == preferred_id), None)
    if preferred is not None and preferred.can_do(unit):
        return preferred.id
    wanted_kind = preferred.kind if preferred is not None else kind
    able = [t for t in teams if t.can_do(unit)]
    for team in able:
        if team.kind == wanted_kind:
            return team.id
    if able:
        return able[0].id
    if preferred is not None:
        return preferred.id
    return next((t.id for t in teams if t.kind == wanted_kind), None)


def _proposals(target: _Target) -> list[ProposedPlan]:
    existing = _existing(target)
    teams = _site_teams(target.site)
    rows = []
    for unit in target.units:
        if target.equipment is not None:
            preferred = target.equipment.maintainer_team_id
            team_id = _default_team(teams, preferred, "engineering", unit)
            contractor_id = target.equipment.maintainer_contractor_id
        else:
            team_id = _default_team(teams, None, TEAM_KIND_FOR.get(unit.kind), unit)
            contractor_id = None
        rows.append(
            ProposedPlan(
                unit=unit,
                existing=existing.get((unit.type_key, unit.task_key)),
                in_house_team_id=team_id,
                contractor_id=contractor_id,
                time_of_day=unit.default_time,
                holiday_policy=unit.default_policy,
            )
        )
    return rows


def programme_for(equipment: Equipment, type_key: str | None = None) -> list[ProposedPlan]:
    """What applying the catalog type to this asset would create (and what it already has)."""
    equipment_type = equipment_type_for(equipment, type_key)
    return _proposals(_Target(equipment.site, equipment, units=equipment_units(equipment_type)))


def area_programme_for(location: Location) -> list[ProposedPlan]:
    """What applying cleaning, greening and patrols to this location would create."""
    return _proposals(_Target(location.site, location=location, units=location_units(location)))


def apply_programme(
    equipment: Equipment,
    type_key: str | None = None,
    overrides: Mapping[str, TaskChoice] | None = None,
) -> list[Plan]:
    """Create the asset's plans from its catalog type; returns the new plans.

    Re-applying never duplicates: a task the asset already has a plan for is kept
    as it is. The levels of one tier chain (TSG T5002 半月/季度/半年/年度) share a
    `tier_group` and one start, so the higher levels stand in for a base visit.
    """
    proposals = programme_for(equipment, type_key)
    target = _Target(equipment.site, equipment)
    return _apply(target, proposals, overrides or {})


def apply_area_programme(
    location: Location, overrides: Mapping[str, TaskChoice] | None = None
) -> list[Plan]:
    """Create a location's cleaning, greening and patrol plans at the site's service level.

    Optional rows (site-wide tasks, routes not passing this area) are only created
    when `overrides` includes them.
    """
    proposals = area_programme_for(location)
    target = _Target(location.site, location=location)
    return _apply(target, proposals, overrides or {})


def choice_key(unit: CatalogUnit) -> str:
    """How forms and overrides name a proposed plan (unique per target)."""
    return f"{unit.type_key}:{unit.task_key}"


def _apply(
    target: _Target, proposals: list[ProposedPlan], overrides: Mapping[str, TaskChoice]
) -> list[Plan]:
    problems = Problems()
    today = clock.local_today(target.site.timezone)
    chain_start: dict[str, tuple[date, time]] = {}
    created: list[Plan] = []
    for row in proposals:
        key = choice_key(row.unit)
        choice = overrides.get(key, TaskChoice(include=not row.unit.optional))
        if row.existing is not None or not choice.include:
            continue
        values = _scheduling_values(target, row, choice, key, problems)
        if row.unit.fields["age_bands"] and not _commissioned(target):
            problems.add(
                f"{key}.include",
                N_("Enter the equipment's commissioning date first: this task depends on age."),
            )
        group = row.unit.fields["tier_group"]
        if group is not None:
            # One chain, one grid: the higher levels start with the base level.
            start = chain_start.setdefault(group, (choice.starts_on or today, values["time"]))
        else:
            start = (choice.starts_on or today, values["time"])
        plan = _new_plan(target, row.unit, values, start)
        created.append(plan)
    problems.raise_if_any(ProgrammeError)
    for plan in created:
        db.session.add(plan)
    db.session.flush()
    regenerated: set[str] = set()
    for plan in created:
        if plan.tier_group is not None:
            if plan.tier_group in regenerated:
                continue  # one run redoes the whole tier group
            regenerated.add(plan.tier_group)
        plan_changed.send(None, plans=[plan])
    return created


def _commissioned(target: _Target) -> bool:
    equipment = target.equipment
    return equipment is not None and bool(equipment.commissioned_on or equipment.installed_on)


def _scheduling_values(
    target: _Target, row: ProposedPlan, choice: TaskChoice, key: str, problems: Problems
) -> dict[str, Any]:
    unit = row.unit
    performer = choice.performer or unit.fields["performer"]
    if performer not in Performer.__members__.values():
        problems.add(f"{key}.performer", N_("Choose who does the work."))
        performer = unit.fields["performer"]
    contracted = performer in CONTRACTED
    team_id = pick(choice.team_id, None if contracted else row.in_house_team_id)
    if team_id is not None:
        team = db.session.get(Team, team_id)
        if team is None or team.site_id != target.site.id:
            problems.add(f"{key}.team_id", N_("Choose a team of this site."))
    assignee_id = pick(choice.assignee_id, None)
    if assignee_id is not None:
        person = db.session.get(User, assignee_id)
        if person is None or not person.active:
            problems.add(f"{key}.assignee_id", N_("Choose an active member of staff."))
    policy = choice.holiday_policy or row.holiday_policy
    if policy not in HolidayPolicy.__members__.values():
        problems.add(f"{key}.holiday_policy", N_("Choose what happens on holidays."))
    if assignee_id is not None:
        strategy = AssignmentStrategy.FIXED.value
    elif team_id is not None:
        strategy = AssignmentStrategy.LEAST_LOADED.value
    else:
        strategy = AssignmentStrategy.FIXED.value
    return {
        "performer": performer,
        "team_id": team_id,
        "assignee_id": assignee_id,
        "contractor_id": row.contractor_id if contracted else None,
        "holiday_policy": policy,
        "assignment_strategy": strategy,
        "time": choice.time_of_day or row.time_of_day,
    }


def _plan_name(target: _Target, unit: CatalogUnit) -> str:
    owner = target.equipment.name if target.equipment is not None else target.location.name  # type: ignore[union-attr]
    season = f"（{unit.season.label.zh}）" if unit.season is not None else ""
    return f"{owner} {unit.names.zh}{season}"[:200]


def _new_plan(
    target: _Target, unit: CatalogUnit, values: dict[str, Any], start: tuple[date, time]
) -> Plan:
    fields = dict(unit.fields)
    fields["performer"] = values["performer"]
    return Plan(
        site_id=target.site.id,
        equipment_id=target.equipment.id if target.equipment else None,
        location_id=(
            target.location.id
            if target.location is not None
            else (target.equipment.location_id if target.equipment else None)
        ),
        name=_plan_name(target, unit),
        kind=unit.kind,
        catalog_type_key=unit.type_key,
        catalog_task_key=unit.task_key,
        catalog_version=unit.version,
        starts_on=start[0],
        time_of_day=start[1],
        holiday_policy=values["holiday_policy"],
        team_id=values["team_id"],
        assignee_id=values["assignee_id"],
        contractor_id=values["contractor_id"],
        assignment_strategy=values["assignment_strategy"],
        notes="",
        active=True,
        **fields,
    )


# --- catalog updates -----------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogChange:
    """One field where the current catalog differs from the live plan.

    For the checklist, `added`/`removed` list item names (zh, en) so a supervisor
    sees what the new release adds before applying it.
    """

    field: str
    old: Any
    new: Any
    added: tuple[tuple[str, str], ...] = ()
    removed: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> tuple[str, str]:
        return FIELD_LABELS.get(self.field, (self.field, self.field))


def _units_for_plan(plan: Plan, catalog: Catalog) -> list[CatalogUnit] | None:
    """The units the plan's target gets today, or None when the target is unknown."""
    if plan.catalog_type_key is None:
        return None
    if plan.equipment_id is not None:
        try:
            return equipment_units(catalog.type(plan.catalog_type_key))
        except KeyError:
            return []
    if plan.location is None:
        return None
    level = plan.site.service_level
    if plan.catalog_type_key == PATROL_KEY:
        if catalog.patrol is None:
            return []
        return patrol_units(catalog.patrol, frozenset(), level)
    library = {"cleaning": catalog.cleaning, "greening": catalog.greening}.get(
        plan.catalog_type_key
    )
    return area_units(library, plan.location.kind, level) if library is not None else []


def current_unit(plan: Plan) -> CatalogUnit | None:
    units = _units_for_plan(plan, current_catalog())
    if not units:
        return None
    return next((u for u in units if u.task_key == plan.catalog_task_key), None)


def _item_names(items: Iterable[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    names = {}
    for item in items:
        text = item.get("names") or {}
        names[str(item.get("key"))] = (str(text.get("zh", "")), str(text.get("en", "")))
    return names


def catalog_changes(plan: Plan) -> list[CatalogChange]:
    """What the current catalog would change in this plan; empty when it is up to date.

    An asset's plan whose remembered version is the current one has no changes;
    cleaning, greening and patrol plans are compared even then, because the site's
    service level picks their frequency. A task that is no longer in the catalog (or
    no longer done at the site's level) shows as one change of the field "task".
    """
    units = _units_for_plan(plan, current_catalog())
    if units is None:
        return []
    unit = next((u for u in units if u.task_key == plan.catalog_task_key), None)
    if unit is None:
        return [CatalogChange("task", plan.catalog_task_key, None)]
    if unit.version == plan.catalog_version and plan.equipment_id is not None:
        return []  # area plans are compared anyway: the site's service level may change
    changes = []
    for name in CATALOG_FIELDS:
        old, new = getattr(plan, name), unit.fields[name]
        if old == new:
            continue
        if name == "checklist":
            before, after = _item_names(old or []), _item_names(new)
            changes.append(
                CatalogChange(
                    name,
                    len(old or []),
                    len(new),
                    added=tuple(after[k] for k in after if k not in before),
                    removed=tuple(before[k] for k in before if k not in after),
                )
            )
        else:
            changes.append(CatalogChange(name, old, new))
    return changes


def apply_catalog_update(plan: Plan, expected_version: int | None) -> list[CatalogChange]:
    """Bring the plan to the current catalog, on request; returns what changed.

    The site's own choices (time, team, start, holiday policy) stay. Future,
    untouched work orders are regenerated.
    """
    check_version(plan, expected_version)
    unit = current_unit(plan)
    if unit is None:
        raise ProgrammeError(
            {
                "catalog_task_key": N_(
                    "The catalog no longer has this task; deactivate the plan instead."
                )
            }
        )
    changes = catalog_changes(plan)
    for name in CATALOG_FIELDS:
        if getattr(plan, name) != unit.fields[name]:
            setattr(plan, name, unit.fields[name])
    if plan.equipment is not None and any(c.field == "performer" for c in changes):
        contracted = plan.performer in CONTRACTED
        plan.contractor_id = plan.equipment.maintainer_contractor_id if contracted else None
        plan.team_id = None if contracted else plan.equipment.maintainer_team_id
    plan.catalog_version = unit.version
    db.session.flush()
    plan_changed.send(None, plans=[plan])
    return changes
