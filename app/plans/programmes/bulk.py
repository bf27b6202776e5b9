"""Applying catalog programmes to many assets at once, with level start dates.

A building's ledger arrives as fifty assets; applying their programmes one page at a
time took 225 clicks, and blank start dates put every first visit on day one. Here one
selection (everything not yet planned, a category, or a location with what is below
it) gives one preview: the plans each asset would get, the day each starts, the
first four weeks' load per day, and the coverage check. Confirming applies exactly
that preview. Services flush; callers commit.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from app.calendars.services import site_calendar
from app.core import clock
from app.core.signals import one_replan
from app.core.validation import N_, Msg, ValidationError
from app.equipment.models import Equipment, EquipmentStatus
from app.extensions import db
from app.plans.models import Plan
from app.plans.programmes.applying import apply_programme, choice_key, first_start
from app.plans.programmes.coverage import CoverageCheck, Gap
from app.plans.programmes.proposals import ProposedPlan, TaskChoice, programme_for
from app.sites.models import Location, Site
from schedules import HolidayPolicy
from schedules.levelling import WINDOW_DAYS, LevelItem, level_starts, visits_in_window
from schedules.recurrence import RuleError, parse_rule

LAST_DONE_KEYS = ("上次保养", "last_done_on")
"""Where an asset's last-done date comes from: the ledger's 技术参数 (e.g. 上次保养=2026-02-15)."""

MAX_ASSETS = 2000


class Scope(enum.StrEnum):
    UNPLANNED = "unplanned"  # every asset with a catalog type and no catalog plan yet
    CATEGORY = "category"
    LOCATION = "location"  # the location and everything below it
    ASSETS = "assets"  # the ids listed


class StartMode(enum.StrEnum):
    LEVEL = "level"  # spread over each plan's first period
    LAST_DONE = "last_done"  # the next visit after the sheet's last-done date, where known


class BulkError(ValidationError):
    """The selection cannot be read; one message per field."""


@dataclass(frozen=True)
class Selection:
    site_id: int
    scope: Scope = Scope.UNPLANNED
    category: str | None = None
    location_id: int | None = None
    equipment_ids: tuple[int, ...] = ()
    starts: StartMode = StartMode.LEVEL


@dataclass(frozen=True)
class BulkRow:
    """One plan the confirmation would create."""

    equipment: Equipment
    proposal: ProposedPlan
    starts_on: date
    from_last_done: bool
    gap: Gap | None

    @property
    def key(self) -> str:
        return f"{self.equipment.id}:{choice_key(self.proposal.unit)}"


@dataclass(frozen=True)
class Skipped:
    equipment: Equipment
    message: Msg


@dataclass
class BulkPreview:
    site: Site
    selection: Selection
    today: date
    rows: list[BulkRow] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    daily_load: list[tuple[date, int]] = field(default_factory=list)

    @property
    def gaps(self) -> list[BulkRow]:
        return [row for row in self.rows if row.gap is not None]

    @property
    def asset_count(self) -> int:
        return len({row.equipment.id for row in self.rows})


def selected_assets(selection: Selection) -> list[Equipment]:
    """The site's assets in service (or on standby) that the selection names."""
    site = db.session.get(Site, selection.site_id)
    if site is None:
        raise BulkError({"site_id": N_("Choose a site.")})
    stmt = select(Equipment).where(
        Equipment.site_id == site.id, Equipment.status != EquipmentStatus.RETIRED
    )
    if selection.scope is Scope.CATEGORY:
        if not selection.category:
            raise BulkError({"category": N_("Choose a category.")})
        stmt = stmt.where(Equipment.category == selection.category)
    elif selection.scope is Scope.LOCATION:
        stmt = stmt.where(Equipment.location_id.in_(_locations_under(site, selection.location_id)))
    elif selection.scope is Scope.ASSETS:
        if not selection.equipment_ids:
            raise BulkError({"equipment_ids": N_("Choose at least one asset.")})
        stmt = stmt.where(Equipment.id.in_(selection.equipment_ids[:MAX_ASSETS]))
    else:
        planned = select(Plan.equipment_id).where(
            Plan.equipment_id.is_not(None), Plan.catalog_task_key.is_not(None)
        )
        stmt = stmt.where(Equipment.type_key.is_not(None), Equipment.id.not_in(planned))
    return list(db.session.scalars(stmt.order_by(Equipment.asset_code).limit(MAX_ASSETS)))


def _locations_under(site: Site, location_id: int | None) -> list[int]:
    location = db.session.get(Location, location_id) if location_id is not None else None
    if location is None or location.site_id != site.id:
        raise BulkError({"location_id": N_("Choose a location of this site.")})
    children: dict[int | None, list[int]] = {}
    rows = db.session.execute(
        select(Location.id, Location.parent_id).where(Location.site_id == site.id)
    )
    for child, parent in rows:
        children.setdefault(parent, []).append(child)
    found, todo = [], [location.id]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def preview_bulk(selection: Selection) -> BulkPreview:
    """What confirming would create: plans per asset, start days, load and coverage gaps."""
    assets = selected_assets(selection)
    site = db.session.get(Site, selection.site_id)
    assert site is not None  # selected_assets checked it
    result = BulkPreview(site, selection, clock.local_today(site.timezone))
    proposed: list[tuple[Equipment, ProposedPlan]] = []
    for equipment in assets:
        if not equipment.type_key:
            result.skipped.append(Skipped(equipment, N_("No catalog type yet.")))
            continue
        try:
            rows = programme_for(equipment)
        except ValidationError as exc:
            result.skipped.append(Skipped(equipment, next(iter(exc.fields.values()))))
            continue
        new = [r for r in rows if r.existing is None and not r.unit.optional]
        if not new:
            result.skipped.append(Skipped(equipment, N_("Already has its programme.")))
        for row in new:
            if row.unit.fields["age_bands"] and not _commissioned(equipment):
                result.skipped.append(Skipped(equipment, _age_unknown(row.unit.names.zh)))
            else:
                proposed.append((equipment, row))
    starts, anchored = _start_days(site, result.today, proposed, selection.starts)
    check = CoverageCheck(site)
    for equipment, row in proposed:
        key = _level_key(equipment, row)
        result.rows.append(BulkRow(equipment, row, starts[key], key in anchored, check.gap(row)))
    result.daily_load = _daily_load(result.today, result.rows)
    return result


def _commissioned(equipment: Equipment) -> bool:
    return bool(equipment.commissioned_on or equipment.installed_on)


def _age_unknown(task: str) -> Msg:
    return N_("%(task)s is left out: it depends on age; enter the commissioning date.", task=task)


def apply_bulk(selection: Selection) -> list[Plan]:
    """Apply the preview of `selection` as shown; returns the new plans."""
    preview = preview_bulk(selection)
    by_asset: dict[int, dict[str, TaskChoice]] = {}
    assets: dict[int, Equipment] = {}
    for row in preview.rows:
        assets[row.equipment.id] = row.equipment
        by_asset.setdefault(row.equipment.id, {})[choice_key(row.proposal.unit)] = TaskChoice(
            starts_on=row.starts_on
        )
    created: list[Plan] = []
    with one_replan():  # fifty assets' plans are scheduled in one generation run
        for equipment_id, choices in by_asset.items():
            created.extend(apply_programme(assets[equipment_id], None, choices))
    return created


# --- start days -----------------------------------------------------------------------------


def _level_key(equipment: Equipment, row: ProposedPlan) -> str:
    """A tier chain starts as one: its levels share a key."""
    return f"{equipment.id}:{row.unit.fields['tier_group'] or row.unit.task_key}"


def period_days(rrule: str) -> int | None:
    """Days between visits when the start day sets the phase (None: the rule fixes its own
    days, e.g. BYDAY=MO, or cannot be read), so only such plans are moved."""
    try:
        rule = parse_rule(rrule)
    except RuleError:
        return None
    if rule.count is not None:
        return WINDOW_DAYS  # a one-off visit: any day of the first weeks
    lengths = {3: 1, 2: 7, 1: 30, 0: 365}  # dateutil's DAILY, WEEKLY, MONTHLY, YEARLY
    simple = (
        rule.is_daily_simple
        or (rule.is_weekly_simple and not rule.byday)
        or (rule.is_monthly_simple and not rule.bymonthday)
        or rule.is_yearly_simple
    )
    if not simple or rule.freq not in lengths:
        return None
    return lengths[rule.freq] * rule.interval


def _start_days(
    site: Site, today: date, proposed: Iterable[tuple[Equipment, ProposedPlan]], mode: StartMode
) -> tuple[dict[str, date], set[str]]:
    items: dict[str, LevelItem] = {}
    fixed: dict[str, date] = {}
    anchored: set[str] = set()
    calendar = site_calendar(site)
    for equipment, row in proposed:
        key = _level_key(equipment, row)
        period = None if row.unit.season is not None else period_days(row.unit.fields["rrule"])
        if period is None:
            fixed.setdefault(key, first_start(calendar, today, row.holiday_policy))
            continue
        last_done = _last_done(equipment) if mode is StartMode.LAST_DONE else None
        if last_done is not None:
            due = _next_after(last_done, row.unit.fields["rrule"], period)
            if due >= today:
                fixed[key] = min(fixed.get(key, due), due)
                anchored.add(key)
                continue
        every_day = row.holiday_policy == HolidayPolicy.IGNORE.value
        known = items.get(key)
        if known is None or period < known.period_days:  # a chain follows its base level
            items[key] = LevelItem(key, period, workdays_only=not every_day)
    rest = {n for n in range(WINDOW_DAYS) if not calendar.is_workday(today + timedelta(days=n))}
    offsets = level_starts(list(items.values()), rest, fixed_load=_fixed_load(today, fixed, items))
    starts = {key: today + timedelta(days=offset) for key, offset in offsets.items()}
    starts.update({k: v for k, v in fixed.items() if k not in items})
    return starts, anchored - set(items)


def _fixed_load(today: date, fixed: dict[str, date], items: dict[str, LevelItem]) -> list[int]:
    """Work already pinned (from last-done dates) that levelling works around."""
    load = [0] * WINDOW_DAYS
    for key, day in fixed.items():
        offset = (day - today).days
        if key not in items and 0 <= offset < WINDOW_DAYS:
            load[offset] += 1
    return load


def _last_done(equipment: Equipment) -> date | None:
    for name in LAST_DONE_KEYS:
        raw = (equipment.attributes or {}).get(name)
        if raw:
            try:
                return date.fromisoformat(str(raw).strip())
            except ValueError:
                continue
    return None


def _next_after(last_done: date, rrule: str, period: int) -> date:
    rule = parse_rule(rrule)
    if period >= 30 and rule.freq in (0, 1):  # months and years keep the day of the month
        months = rule.interval * (12 if rule.freq == 0 else 1)
        return last_done + relativedelta(months=months)
    return last_done + timedelta(days=period)


def _daily_load(today: date, rows: list[BulkRow]) -> list[tuple[date, int]]:
    """Visits per day over the first four weeks, as the preview's bar chart shows them."""
    load = [0] * WINDOW_DAYS
    chains: dict[str, tuple[int, date]] = {}  # a tier chain visits at its base level's rate
    for row in rows:
        key = _level_key(row.equipment, row.proposal)
        period = period_days(row.proposal.unit.fields["rrule"]) or WINDOW_DAYS
        if key not in chains or period < chains[key][0]:
            chains[key] = (period, row.starts_on)
    for period, starts_on in chains.values():
        for day in visits_in_window((starts_on - today).days, period):
            if day >= 0:
                load[day] += 1
    return [(today + timedelta(days=n), count) for n, count in enumerate(load)]
