"""Plans → stored work orders over a rolling horizon, and keeping future rows current.

`generate` inserts the work orders that are missing, up to `until`; `regenerate`
and `regenerate_plan` replace the future rows nobody has touched after a plan,
calendar or roster change. Decisions, so every caller can rely on them:

* Rows are keyed by (plan_id, slot) and written with the dialect's
  ``INSERT ... ON CONFLICT (plan_id, slot) DO NOTHING``. The engine's answer
  depends only on the plans, the calendar, the roster, the clock and rows the run
  itself does not write (completed visits, rows before the run's start), so two
  runs at once, or a killed run started again, end with the same rows as one
  clean run.
* Streaming: a site at a time, plans `plan_batch` at a time, rows `row_batch` at a
  time, each batch committed by `generate`/`regenerate` — a million rows never sit
  in memory and a crash loses one batch at most. `regenerate_plan` is called
  inside a user's edit and only flushes: the edit and its new schedule commit
  together or not at all.
* Only visits due after now are stored. The engine is asked from a month (or one
  ceiling) before now, so a visit whose slot is past but whose holiday-moved due
  date is ahead is still found. The horizon is `ROUNDS_HORIZON_DAYS` (default
  90), extended per plan up to its next planned visit, so a yearly task always
  has its next visit on file.
* Skipped visits (holiday policy `skip`) are stored with status `skipped` and the
  engine's reason: the supervisor sees why there is no visit on a day where the
  rule had one, and the slot stays taken so nothing re-creates it.
* Replacement is update-in-place keyed by slot, guarded by the row's `version`
  and `touched = false`: ids (and the feed UIDs made from them) stay, `revision`
  (the iCal SEQUENCE) rises, and a row a person started, completed or edited
  meanwhile is left alone. Rows that no longer occur are deleted.
* Writes are Core statements, so generated rows make no audit entries (a
  million-row audit log helps nobody); the plan edit that caused a
  regeneration is audited as usual.
"""

from __future__ import annotations

import datetime as dt
import logging
import operator
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from itertools import compress
from threading import Lock
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import (
    CompoundSelect,
    Row,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.calendars.services import site_calendar
from app.core import clock
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team
from app.plans.models import Plan
from app.rosters.services import StaffPool, staff_key, staff_pool, team_key
from app.scheduling.mapping import (
    PLAN_COLUMNS,
    EquipmentFacts,
    MappingError,
    Places,
    PlanFacts,
    Unit,
    base_of,
    build_unit,
    facts_of,
)
from app.sites.models import Location, Site
from app.workorders.models import WorkOrder, WorkOrderKind, WorkOrderStatus
from schedules import (
    Anchor,
    Assignment,
    AssignmentRule,
    HolidayPolicy,
    LastVisit,
    Occurrence,
    StaffAssigner,
    Status,
    Strategy,
    WorkCalendar,
)
from schedules import Plan as EnginePlan
from schedules import generate as engine_generate

log = logging.getLogger(__name__)

ROW_BATCH = 2000
PLAN_BATCH = 500
LOOKBACK_DAYS = 31
"""A holiday move is at most 30 days (`schedules.holiday_policy.SEARCH_DAYS`)."""
NEXT_VISIT_REACH = dt.timedelta(days=5 * 366)
"""How far past the horizon to look for the next visit of a yearly (or rarer) plan."""

REPLACEABLE = (
    WorkOrderStatus.PLANNED.value,
    WorkOrderStatus.ASSIGNED.value,
    WorkOrderStatus.SKIPPED.value,
)
DONE = (WorkOrderStatus.DONE.value, WorkOrderStatus.DONE_LATE.value)
NOT_VISITS = (WorkOrderStatus.SKIPPED.value, WorkOrderStatus.CANCELLED.value)
COMPARED = (
    "site_id",
    "equipment_id",
    "location_id",
    "title",
    "tier",
    "includes",
    "due_at",
    "ends_at",
    "window_start",
    "window_end",
    "status",
    "assignee_id",
    "team_id",
    "unassigned",
    "reasons",
    "provisional_calendar",
)
"""The columns generation owns; a change in any of them is a new revision."""

_WO = WorkOrder.__table__
_PLAN = Plan.__table__


class Mode(StrEnum):
    INSERT = "insert"  # add what is missing, never change a stored row
    REPLACE = "replace"  # also bring untouched future rows up to date


@dataclass(frozen=True)
class BatchProgress:
    """Told to `on_batch` after every committed batch (progress bars, crash tests)."""

    plans_done: int
    plans_total: int
    rows_written: int


@dataclass(frozen=True)
class PlanProblem:
    plan_id: int | None
    message: str


@dataclass
class GenerationResult:
    now: dt.datetime
    until: dt.datetime
    plans: int = 0
    units: int = 0
    occurrences: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    batches: int = 0
    problems: list[PlanProblem] = field(default_factory=list)


OnBatch = Callable[[BatchProgress], None]


# --- public API ------------------------------------------------------------------------------


def generate(
    site: Site | None = None,
    until: dt.date | dt.datetime | None = None,
    plans: Iterable[Plan | int] | None = None,
    *,
    on_batch: OnBatch | None = None,
    row_batch: int = ROW_BATCH,
    plan_batch: int = PLAN_BATCH,
) -> GenerationResult:
    """Store the missing work orders of active plans up to `until`; commits per batch.

    `site` and `plans` narrow the run; `until` defaults to now + ROUNDS_HORIZON_DAYS.
    Safe to repeat, to run twice at once and to resume after a crash.
    """
    return _Run(Mode.INSERT, until, on_batch, row_batch, plan_batch, commit=True).run(site, plans)


def regenerate(
    site: Site | None = None,
    plans: Iterable[Plan | int] | None = None,
    *,
    on_batch: OnBatch | None = None,
    plan_batch: int = 100,
) -> GenerationResult:
    """After a calendar or roster change: bring every untouched future row up to date.

    Commits per batch like `generate`; inactive plans lose their untouched future rows.
    """
    return _Run(Mode.REPLACE, None, on_batch, ROW_BATCH, plan_batch, commit=True).run(site, plans)


def regenerate_plan(plan: Plan | int) -> GenerationResult:
    """After an edit to one plan: replace its untouched future rows. Flushes, never commits.

    The plan's whole tier group is redone (an edit to the quarterly plan changes which
    half-monthly visits it upgrades).
    """
    return regenerate_plans([plan])


def regenerate_plans(plans: Iterable[Plan | int]) -> GenerationResult:
    """`regenerate_plan` for several plans in one run (a roster change touches a team's
    plans at once). Flushes, never commits, so the change and its schedule commit together.
    """
    db.session.flush()
    runner = _Run(Mode.REPLACE, None, None, ROW_BATCH, PLAN_BATCH, commit=False)
    return runner.run(None, list(plans))


def regenerate_site(site: Site | None) -> GenerationResult:
    """After a calendar change: every plan of the site (None: of every site), flush only.

    Unlike `regenerate` it never commits, so the calendar override and the schedule
    that follows it commit together: a crash in between cannot leave visits on a new
    holiday.
    """
    db.session.flush()
    return _Run(Mode.REPLACE, None, None, ROW_BATCH, PLAN_BATCH, commit=False).run(site, None)


def horizon_end(until: dt.date | dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """`until` as an aware instant: a date means midnight in the company time zone."""
    if until is None:
        return now + dt.timedelta(days=int(current_app.config["ROUNDS_HORIZON_DAYS"]))
    if isinstance(until, dt.datetime):
        if until.tzinfo is None:
            raise ValueError("until needs a time zone")
        return until
    return dt.datetime.combine(until, dt.time(), ZoneInfo(current_app.config["ROUNDS_TIMEZONE"]))


# --- one site's context -----------------------------------------------------------------------

_CALENDARS: OrderedDict[Hashable, WorkCalendar] = OrderedDict()
_CALENDARS_KEPT = 32
_CALENDARS_LOCK = Lock()


def shared_calendar(site: Site) -> WorkCalendar:
    """The site's calendar, reusing an equal one built before (with its year tables).

    A calendar is fixed by its overrides and the years declared complete; building a
    year from the holiday libraries costs milliseconds, which one edited plan should
    not pay again and again.
    """
    fresh = site_calendar(site)
    key = fresh.overrides  # the days and the years declared complete
    with _CALENDARS_LOCK:
        cached = _CALENDARS.get(key)
        if cached is not None:
            _CALENDARS.move_to_end(key)
            return cached
        _CALENDARS[key] = fresh
        while len(_CALENDARS) > _CALENDARS_KEPT:
            _CALENDARS.popitem(last=False)
    return fresh


class SiteContext:
    """What every plan of one site shares: zone, calendar, place names, staff."""

    def __init__(self, site: Site) -> None:
        self.site_id = site.id
        self.timezone = site.timezone
        self.calendar: WorkCalendar = shared_calendar(site)
        self.places = Places(
            db.session.execute(
                select(Location.id, Location.parent_id, Location.name).where(
                    Location.site_id == site.id
                )
            )
        )
        self._site_pool: StaffPool | None = None

    def site_pool(self) -> StaffPool:
        """Staff for every team and named assignee of the site, built once per run."""
        if self._site_pool is None:
            teams = set(db.session.scalars(_team_ids_of_site(self.site_id)))
            assignees = set(
                db.session.scalars(
                    select(_PLAN.c.assignee_id)
                    .where(_PLAN.c.site_id == self.site_id, _PLAN.c.assignee_id.is_not(None))
                    .distinct()
                )
            )
            self._site_pool = self.pool_for(teams, assignees)
        return self._site_pool

    def pool_for_units(self, units: Sequence[Unit]) -> StaffPool | None:
        """Staff for just these units: the teams and people they name (one edited plan)."""
        staffed = [u for u in units if u.base.staffed]
        if not staffed:
            return None
        teams = {team for u in staffed if (team := team_of(u)) is not None}
        users = {u.base.assignee_id for u in staffed if u.base.assignee_id is not None}
        return self.pool_for(teams, users)

    def pool_for(self, team_ids: set[int], user_ids: set[int]) -> StaffPool:
        return staff_pool(
            team_ids=team_ids, user_ids=user_ids, timezone=self.timezone, calendar=self.calendar
        )

    def units(
        self, members_by_base: Sequence[Sequence[PlanFacts]], problems: list[PlanProblem]
    ) -> list[Unit]:
        """Map plan groups to units; a plan the engine refuses becomes a problem, not a crash."""
        equipment = _equipment(
            {m[0].equipment_id for m in members_by_base if m[0].equipment_id is not None}
        )
        units = []
        for members in members_by_base:
            base = base_of(members)
            try:
                units.append(
                    build_unit(
                        members,
                        timezone=self.timezone,
                        equipment=equipment.get(base.equipment_id) if base.equipment_id else None,
                        places=self.places,
                    )
                )
            except MappingError as error:
                problems.append(PlanProblem(base.id, str(error)))
                log.warning("not scheduled: %s", error)
        return units


def _team_ids_of_site(site_id: int) -> CompoundSelect[tuple[int]]:
    """Teams of the site, plus teams its plans and equipment name (maybe another site's)."""
    return union(
        select(Team.id).where(Team.site_id == site_id),
        select(_PLAN.c.team_id).where(_PLAN.c.site_id == site_id, _PLAN.c.team_id.is_not(None)),
        select(Equipment.maintainer_team_id).where(
            Equipment.site_id == site_id, Equipment.maintainer_team_id.is_not(None)
        ),
    )


def _equipment(ids: set[int]) -> dict[int, EquipmentFacts]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Equipment.id,
            Equipment.asset_code,
            Equipment.name,
            Equipment.location_id,
            Equipment.commissioned_on,
            Equipment.installed_on,
            Equipment.maintainer_team_id,
        ).where(Equipment.id.in_(list(ids)))
    )
    return {
        row.id: EquipmentFacts(
            row.id,
            row.asset_code,
            row.name,
            row.location_id,
            row.commissioned_on or row.installed_on,
            row.maintainer_team_id,
        )
        for row in rows
    }


# --- reading plans ---------------------------------------------------------------------------


def _plan_select() -> Any:
    return select(*(_PLAN.c[name] for name in PLAN_COLUMNS))


def plan_facts(ids: Iterable[int]) -> list[PlanFacts]:
    id_list = sorted(set(ids))
    if not id_list:
        return []
    rows = db.session.execute(_plan_select().where(_PLAN.c.id.in_(id_list)).order_by(_PLAN.c.id))
    return [facts_of(row) for row in rows]


def group_members(plans: Iterable[PlanFacts]) -> dict[tuple[int, int | None, str], list[PlanFacts]]:
    """Active members of the tier groups of `plans`, by group key."""
    keys = {p.group_key for p in plans if p.group_key is not None}
    if not keys:
        return {}
    assets = {k[1] for k in keys if k[1] is not None}
    on_assets = _PLAN.c.equipment_id.in_(assets)
    stmt = _plan_select().where(
        _PLAN.c.active.is_(True),
        _PLAN.c.site_id.in_({k[0] for k in keys}),
        _PLAN.c.tier_group.in_({k[2] for k in keys}),
        or_(on_assets, _PLAN.c.equipment_id.is_(None))
        if None in {k[1] for k in keys}
        else on_assets,
    )
    groups: dict[tuple[int, int | None, str], list[PlanFacts]] = {}
    for row in db.session.execute(stmt.order_by(_PLAN.c.id)):
        facts = facts_of(row)
        if facts.group_key in keys:
            groups.setdefault(facts.group_key, []).append(facts)  # type: ignore[arg-type]
    return groups


def _site_plan_batches(site_id: int, mode: Mode, size: int) -> Iterator[list[PlanFacts]]:
    """Keyset pages over a site's plans (active ones only when inserting)."""
    last_id = 0
    while True:
        stmt = _plan_select().where(_PLAN.c.site_id == site_id, _PLAN.c.id > last_id)
        if mode is Mode.INSERT:
            stmt = stmt.where(_PLAN.c.active.is_(True))
        batch = [facts_of(r) for r in db.session.execute(stmt.order_by(_PLAN.c.id).limit(size))]
        if not batch:
            return
        last_id = batch[-1].id or last_id
        yield batch


@dataclass
class _Batch:
    units: list[list[PlanFacts]]  # members of each unit, base first once mapped
    retired: set[int]  # plan ids whose untouched future rows must go (replace mode)


def _batch_units(batch: Sequence[PlanFacts], seen_bases: set[int], explicit: bool) -> _Batch:
    """Group a page of plans into units; every group is scheduled once, under its base."""
    groups = group_members(batch)
    result = _Batch([], set())
    for plan in batch:
        assert plan.id is not None
        if not plan.active:
            result.retired.add(plan.id)
            members = groups.get(plan.group_key, []) if plan.group_key and explicit else []
        elif plan.group_key is None:
            members = [plan]
        else:
            members = groups.get(plan.group_key) or [plan]
        if not members:
            continue
        base = base_of(members)
        result.retired.update(m.id for m in members if m.id is not None and m.id != base.id)
        if base.id in seen_bases or (base.id != plan.id and not explicit):
            continue  # the base's own page (or an earlier one) schedules the group
        seen_bases.add(base.id)  # type: ignore[arg-type]
        result.units.append(members)
    return result


# --- history: where each unit's chain continues from ----------------------------------------


def _latest_rows(plan_ids: Sequence[int], *conditions: Any) -> dict[int, Row[Any]]:
    """Per plan, the row with the latest slot among those matching `conditions`."""
    if not plan_ids:
        return {}
    latest = (
        select(_WO.c.plan_id, func.max(_WO.c.slot).label("slot"))
        .where(_WO.c.plan_id.in_(list(plan_ids)), *conditions)
        .group_by(_WO.c.plan_id)
        .subquery()
    )
    stmt = select(
        _WO.c.plan_id,
        _WO.c.slot,
        _WO.c.due_at,
        _WO.c.completed_at,
        _WO.c.status,
        _WO.c.tier,
        _WO.c.assignee_id,
    ).join(latest, and_(_WO.c.plan_id == latest.c.plan_id, _WO.c.slot == latest.c.slot))
    return {row.plan_id: row for row in db.session.execute(stmt)}


def _as_last_visit(row: Row[Any], *, restart_at_completion: bool) -> LastVisit:
    """Done visits count from when they were done (late or not), others from their due."""
    if row.status in DONE:
        at = row.completed_at or row.due_at
        slot = None if restart_at_completion else row.slot
        return LastVisit(at=at, slot=slot, tier=row.tier)
    return LastVisit(at=row.due_at, slot=row.slot, tier=row.tier)


@dataclass(frozen=True)
class History:
    last_visits: dict[int, LastVisit]
    round_robin_after: dict[int, int]  # base plan id → last assignee before the run


def unit_history(units: Sequence[Unit], mode: Mode, now: dt.datetime) -> History:
    """Last visits and round-robin positions, from rows this run does not write.

    * completion-anchored plans restart from the last kept visit: when inserting,
      the latest stored visit (so new rows continue after it); when replacing, the
      latest visit that survives (done, touched or already due);
    * fixed plans with a ceiling or a tier chain continue from the latest stored
      visit when inserting (so new rows extend the stored chain, however it was
      shifted), and from the latest completed visit when replacing: a late
      completion restarts the ceiling, and the tiers it covered are not due again.
      A visit older than the chain can remember changes nothing and is left out;
    * round robin continues after the last person sent to a visit already due
      (only visits due after now are assigned, see `FutureOnly`).
    """
    completion = [u for u in units if u.plan.anchor is Anchor.COMPLETION]
    chained = [
        u for u in units if u.plan.anchor is Anchor.FIXED and (u.plan.ceiling_days or u.plan.tiers)
    ]
    last_visits: dict[int, LastVisit] = {}
    if completion:
        ids = [u.base.id for u in completion if u.base.id is not None]
        conditions: list[Any] = [_WO.c.status.not_in(NOT_VISITS)]
        if mode is Mode.REPLACE:
            conditions.append(
                or_(
                    _WO.c.touched.is_(True),
                    _WO.c.status.not_in(REPLACEABLE),
                    _WO.c.due_at <= now,
                )
            )
        for plan_id, row in _latest_rows(ids, *conditions).items():
            last_visits[plan_id] = _as_last_visit(row, restart_at_completion=True)
    if chained:
        kept = _WO.c.status.in_(DONE) if mode is Mode.REPLACE else _WO.c.status.not_in(NOT_VISITS)
        rows = _latest_rows([u.base.id for u in chained if u.base.id], kept)
        for unit in chained:
            row = rows.get(unit.base.id)  # type: ignore[arg-type]
            if row is None:
                continue
            visit = _as_last_visit(row, restart_at_completion=False)
            if visit.at >= _start(unit, now) - _chain_memory(unit.plan):
                last_visits[unit.base.id] = visit  # type: ignore[index]
    rotating = [
        u.base.id
        for u in units
        if u.base.id is not None and u.base.assignment_strategy == Strategy.ROUND_ROBIN.value
    ]
    latest = _latest_rows(rotating, _WO.c.assignee_id.is_not(None), _WO.c.due_at <= now)
    after = {plan_id: row.assignee_id for plan_id, row in latest.items()}
    return History(last_visits, after)


def _chain_memory(plan: EnginePlan) -> dt.timedelta:
    """How far back a visit still shapes the chain: two ceilings, or two tier reaches."""
    reach = max((t.merge_within_days for t in plan.tiers), default=0)
    return dt.timedelta(days=2 * max(plan.ceiling_days or 0, reach))


# --- occurrences ------------------------------------------------------------------------------


def _lookback(unit: Unit) -> dt.timedelta:
    plan = unit.plan
    if plan.holiday_policy is HolidayPolicy.IGNORE and not plan.ceiling_days:
        return dt.timedelta(0)  # due is always the slot
    return dt.timedelta(days=max(LOOKBACK_DAYS, plan.ceiling_days or 0) + 1)


def _start(unit: Unit, now: dt.datetime) -> dt.datetime:
    return now - _lookback(unit)


def team_of(unit: Unit) -> int | None:
    """The plan's team, else the team that maintains its equipment."""
    if unit.base.team_id is not None:
        return unit.base.team_id
    return unit.equipment.maintainer_team_id if unit.equipment else None


def assigner_for(unit: Unit, pool: StaffPool | None, after: int | None) -> StaffAssigner | None:
    """The engine assigner of a unit, or None when contractors/authorities do the work.

    The pool is the named assignee first, then the team's active members by id (the
    plan's team, else the equipment's maintainer team). Round robin starts after
    `after`, the last person it sent before this run, so a rerun keeps the turn.
    """
    base = unit.base
    if not base.staffed or pool is None:
        return None
    team_id = team_of(unit)
    people = [base.assignee_id] if base.assignee_id is not None else []
    if team_id is not None:
        people += [m for m in pool.members_of(team_id) if m != base.assignee_id]
    people = [p for p in people if staff_key(p) in pool.staff]  # inactive people drop out
    try:
        strategy = Strategy(base.assignment_strategy)
    except ValueError:
        strategy = Strategy.FIXED
    if strategy is Strategy.ROUND_ROBIN and after in people:
        turn = people.index(after) + 1
        people = people[turn:] + people[:turn]
    rule = AssignmentRule(
        strategy=strategy,
        people=tuple(staff_key(p) for p in people),
        team=team_key(team_id) if team_id is not None else None,
        required_licence=base.licence_kind,
    )
    return StaffAssigner(rule, pool.staff, pool.roster)


@dataclass(frozen=True)
class FutureOnly:
    """Assigns only visits due after `now`, the ones that get stored.

    The engine replays a month before now for continuity; letting those visits
    take round-robin turns or add to loads would make who goes depend on when the
    run happened.
    """

    inner: StaffAssigner
    now: dt.datetime

    def assign(self, due: dt.datetime, ends: dt.datetime) -> Assignment:
        if due <= self.now:
            return Assignment()
        return self.inner.assign(due, ends)


def occurrences(
    unit: Unit,
    calendar: WorkCalendar,
    *,
    now: dt.datetime,
    until: dt.datetime,
    last_visit: LastVisit | None,
    assigner: StaffAssigner | None,
) -> Iterator[Occurrence]:
    """Engine occurrences due after `now` with slots before `until`, plus, when there
    is no planned one among them nor a later visit on file, the next ones up to the
    first planned visit."""
    future_only = FutureOnly(assigner, now) if assigner is not None else None
    planned_ahead = last_visit is not None and last_visit.at > now  # already on file
    for occurrence in engine_generate(
        unit.plan, calendar, _start(unit, now), until, last_visit=last_visit, assigner=future_only
    ):
        if occurrence.due <= now:
            continue
        planned_ahead = planned_ahead or occurrence.status is Status.PLANNED
        yield occurrence
    if planned_ahead:
        return
    for occurrence in engine_generate(
        unit.plan, calendar, until, until + NEXT_VISIT_REACH, last_visit=last_visit,
        assigner=future_only,
    ):  # fmt: skip
        if occurrence.due <= now:
            continue
        yield occurrence
        if occurrence.status is Status.PLANNED:
            return


def _status(occurrence: Occurrence) -> str:
    if occurrence.status is Status.SKIPPED:
        return WorkOrderStatus.SKIPPED.value
    if occurrence.assignee is not None:
        return WorkOrderStatus.ASSIGNED.value
    return WorkOrderStatus.PLANNED.value


def row_for(unit: Unit, occurrence: Occurrence, now: dt.datetime) -> dict[str, Any]:
    """The work_order row of one occurrence (every column, for executemany)."""
    base = unit.base
    return {
        "kind": WorkOrderKind.PLANNED.value,
        "plan_id": base.id,
        "slot": occurrence.slot,
        "site_id": base.site_id,
        "equipment_id": base.equipment_id,
        "location_id": unit.location_id,
        "title": unit.titles.get(occurrence.tier) or unit.titles[next(iter(unit.titles))],
        "tier": occurrence.tier,
        "includes": list(occurrence.includes),
        "due_at": occurrence.due,
        "ends_at": occurrence.ends,
        "window_start": occurrence.window_start,
        "window_end": occurrence.window_end,
        "status": _status(occurrence),
        "assignee_id": int(occurrence.assignee) if occurrence.assignee else None,
        "team_id": int(occurrence.team) if occurrence.team else None,
        "unassigned": occurrence.unassigned,
        "reasons": [reason.to_json() for reason in occurrence.reasons],
        "provisional_calendar": occurrence.provisional_calendar,
        "completed_at": None,
        "touched": False,
        "revision": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


# --- writing ----------------------------------------------------------------------------------


def insert_statement() -> Any:
    """INSERT ... ON CONFLICT (plan_id, slot) DO NOTHING in the session's dialect."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return pg_insert(_WO).on_conflict_do_nothing(index_elements=["plan_id", "slot"])
    if dialect == "sqlite":
        return sqlite_insert(_WO).on_conflict_do_nothing(index_elements=["plan_id", "slot"])
    raise RuntimeError(f"work-order generation supports sqlite and postgresql, not {dialect}")


def _insert(rows: list[dict[str, Any]]) -> int:
    """Insert the rows that are not stored yet; returns how many were new.

    PostgreSQL's batched executemany reports no row count (and RETURNING made it
    four times slower), so there the count is the rows offered — all of them
    missing when last read; only a concurrent run can have taken some meanwhile.
    """
    if not rows:
        return 0
    result = db.session.execute(insert_statement(), rows)
    count: int = result.rowcount  # type: ignore[attr-defined]
    return count if count >= 0 else len(rows)


@lru_cache(maxsize=64)
def _update_statement(columns: tuple[str, ...]) -> Any:
    """UPDATE of just `columns`, guarded by version and `touched`.

    Setting only what changed spares SQLite and PostgreSQL the upkeep of indexes on
    columns that did not (a new assignee need not rewrite the due-date indexes).
    """
    return (
        update(_WO)
        .where(
            _WO.c.id == bindparam("b_id"),
            _WO.c.version == bindparam("b_version"),
            _WO.c.touched.is_(False),
        )
        .values(
            {
                **{name: bindparam(f"v_{name}") for name in columns},
                "version": _WO.c.version + 1,
                "revision": _WO.c.revision + 1,
                "updated_at": bindparam("v_updated_at"),
            }
        )
    )


_DELETE = delete(_WO).where(
    _WO.c.id == bindparam("b_id"),
    _WO.c.version == bindparam("b_version"),
    _WO.c.touched.is_(False),
    or_(*(_WO.c.status == status for status in REPLACEABLE)),  # no IN: it cannot executemany
)


def _stored_slots(plan_ids: Sequence[int], since: dt.datetime) -> dict[int, set[dt.datetime]]:
    """Slots already stored, per plan, from `since` (the earliest slot the run can reach).

    Reading a slot costs far less than offering the row again for ON CONFLICT to
    drop; the conflict clause still settles races with a concurrent run.
    """
    if not plan_ids:
        return {}
    stmt = select(_WO.c.plan_id, _WO.c.slot).where(
        _WO.c.plan_id.in_(list(plan_ids)),
        _WO.c.slot >= since,
    )
    slots: dict[int, set[dt.datetime]] = {}
    for plan_id, slot in db.session.execute(stmt):
        slots.setdefault(plan_id, set()).add(slot)
    return slots


_STORED_KEYS = ("id", "plan_id", "version", "touched")
_DIFFED = ("slot", *COMPARED)
"""What a stored row is compared on; it comes last in the row, after `_STORED_KEYS`."""
_fresh_values = operator.itemgetter(*_DIFFED)
_BINDS = {name: f"v_{name}" for name in _DIFFED}


def _stored_rows(
    plan_ids: Sequence[int], now: dt.datetime
) -> tuple[dict[int, list[Row[Any]]], dict[int, set[dt.datetime]]]:
    """Per plan: the future rows nobody touched (the only ones regeneration may change),
    and the slots of recent rows it must leave alone (touched, worked on, or already due).
    """
    if not plan_ids:
        return {}, {}
    stmt = select(*(_WO.c[c] for c in (*_STORED_KEYS, *_DIFFED))).where(
        _WO.c.plan_id.in_(list(plan_ids)),
        _WO.c.due_at > now - dt.timedelta(days=LOOKBACK_DAYS + 1),
    ).order_by(_WO.c.plan_id, _WO.c.slot)  # fmt: skip
    replaceable: dict[int, list[Row[Any]]] = {}
    kept: dict[int, set[dt.datetime]] = {}
    for row in db.session.execute(stmt):
        if not row.touched and row.status in REPLACEABLE and row.due_at > now:
            replaceable.setdefault(row.plan_id, []).append(row)
        else:
            kept.setdefault(row.plan_id, set()).add(row.slot)
    return replaceable, kept


@dataclass
class _Changes:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)
    deletes: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0

    def diff(
        self,
        fresh: Iterable[dict[str, Any]],
        stored: Iterable[Row[Any]],
        zone: ZoneInfo,
        kept_slots: set[dt.datetime],
    ) -> None:
        """Match fresh rows to stored ones and plan the writes.

        Same slot: update what differs. Otherwise a row on the same local day is
        taken as the same visit (the plan's time of day changed): a row a person has
        (touched, started, done) absorbs it — no second visit that day — and an
        untouched one is updated in place, slot included, so its id (the feed's UID)
        survives. Stored rows left over are deleted, fresh ones left over inserted.
        """
        by_slot = {row.slot: row for row in stored}
        unmatched = []
        for new in fresh:
            old = by_slot.pop(new["slot"], None)
            if old is not None:
                self._update(old, new)
            elif new["slot"] not in kept_slots:
                unmatched.append(new)
        kept_days: dict[dt.date, int] = {}
        for slot in kept_slots:
            day = slot.astimezone(zone).date()
            kept_days[day] = kept_days.get(day, 0) + 1
        for new in fresh:
            if new["slot"] in kept_slots:  # the person's row is this very visit
                kept_days[new["slot"].astimezone(zone).date()] -= 1
        same_day: dict[dt.date, list[Row[Any]]] = {}
        for old in by_slot.values():
            same_day.setdefault(old.slot.astimezone(zone).date(), []).append(old)
        for new in unmatched:
            day = new["slot"].astimezone(zone).date()
            candidates = same_day.get(day)
            if kept_days.get(day, 0) > 0:
                kept_days[day] -= 1
            elif candidates:
                self._update(candidates.pop(0), new)
            else:
                self.inserts.append(new)
        self.retire(old for rows in same_day.values() for old in rows)

    def _update(self, old: Row[Any], new: dict[str, Any]) -> None:
        """Plan an UPDATE of the columns that differ (compared by position: 365 rows of
        17 columns add up when a daily plan is edited)."""
        differs = map(operator.ne, old[len(_STORED_KEYS) :], _fresh_values(new))
        changed = tuple(compress(_DIFFED, differs))
        if not changed:
            self.unchanged += 1
            return
        params = {_BINDS[name]: new[name] for name in changed}
        params.update(b_id=old.id, b_version=old.version, v_updated_at=new["updated_at"])
        self.updates.setdefault(changed, []).append(params)

    def retire(self, stored: Iterable[Row[Any]]) -> None:
        self.deletes.extend({"b_id": r.id, "b_version": r.version} for r in stored)

    def apply(self) -> tuple[int, int, int]:
        updated = deleted = 0
        for columns, params in self.updates.items():
            result = db.session.execute(_update_statement(columns), params)
            updated += max(result.rowcount, 0)  # type: ignore[attr-defined]
        if self.deletes:
            deleted = max(db.session.execute(_DELETE, self.deletes).rowcount, 0)  # type: ignore[attr-defined]
        inserted = 0
        for start in range(0, len(self.inserts), ROW_BATCH):
            inserted += _insert(self.inserts[start : start + ROW_BATCH])
        return inserted, updated, deleted


def _expire_loaded_work_orders() -> None:
    """Core writes bypass the identity map: make loaded work orders re-read their row."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, WorkOrder):
            db.session.expire(obj)


# --- the run ----------------------------------------------------------------------------------


class _Run:
    def __init__(
        self,
        mode: Mode,
        until: dt.date | dt.datetime | None,
        on_batch: OnBatch | None,
        row_batch: int,
        plan_batch: int,
        *,
        commit: bool,
    ) -> None:
        self.mode = mode
        self.now = clock.utcnow()
        self.until = horizon_end(until, self.now)
        self.on_batch = on_batch
        self.row_batch = max(1, row_batch)
        self.plan_batch = max(1, plan_batch)
        self.commit = commit
        self.result = GenerationResult(now=self.now, until=self.until)
        self.plans_total = 0
        self.plans_done = 0
        self.rows_written = 0

    def run(self, site: Site | None, plans: Iterable[Plan | int] | None) -> GenerationResult:
        requested = None if plans is None else _requested(plans)
        sites = _sites(site, requested)
        self.plans_total = _count(site, requested, self.mode)
        for site_row in sites:
            context = SiteContext(site_row)
            seen: set[int] = set()
            if requested is None:
                pages: Iterable[list[PlanFacts]] = _site_plan_batches(
                    site_row.id, self.mode, self.plan_batch
                )
            else:
                mine = [p for p in requested if p.site_id == site_row.id]
                pages = [
                    mine[i : i + self.plan_batch] for i in range(0, len(mine), self.plan_batch)
                ]
            for page in pages:
                self._page(context, page, seen, explicit=requested is not None)
        if not self.commit:
            _expire_loaded_work_orders()
        return self.result

    def _page(
        self, context: SiteContext, page: list[PlanFacts], seen: set[int], *, explicit: bool
    ) -> None:
        batch = _batch_units(page, seen, explicit)
        units = context.units(batch.units, self.result.problems)
        self.result.plans += len(page)
        self.result.units += len(units)
        history = unit_history(units, self.mode, self.now)
        pool = self._pool(context, units, explicit)
        if self.mode is Mode.INSERT:
            self._insert_page(context, units, history, pool)
        else:
            self._replace_page(context, units, batch.retired, history, pool)
        self.plans_done += len(page)
        self._checkpoint()

    def _pool(
        self, context: SiteContext, units: Sequence[Unit], explicit: bool
    ) -> StaffPool | None:
        if not any(u.base.staffed for u in units):
            return None
        return context.pool_for_units(units) if explicit else context.site_pool()

    def _rows(
        self,
        context: SiteContext,
        unit: Unit,
        history: History,
        pool: StaffPool | None,
        until: dt.datetime,
    ) -> Iterator[dict[str, Any]]:
        base_id = unit.base.id or 0
        assigner = assigner_for(unit, pool, history.round_robin_after.get(base_id))
        for occurrence in occurrences(
            unit,
            context.calendar,
            now=self.now,
            until=until,
            last_visit=history.last_visits.get(base_id),
            assigner=assigner,
        ):
            yield row_for(unit, occurrence, self.now)

    def _insert_page(
        self,
        context: SiteContext,
        units: Sequence[Unit],
        history: History,
        pool: StaffPool | None,
    ) -> None:
        since = min((_start(u, self.now) for u in units), default=self.now)
        stored = _stored_slots([u.base.id for u in units if u.base.id is not None], since)
        rows: list[dict[str, Any]] = []
        for unit in units:
            mine = stored.get(unit.base.id, frozenset())  # type: ignore[arg-type]
            for row in self._rows(context, unit, history, pool, self.until):
                self.result.occurrences += 1
                if row["slot"] in mine:
                    continue  # the nightly run meets last night's rows: skip, don't retry
                rows.append(row)
                if len(rows) >= self.row_batch:
                    self._write(rows)
                    rows = []
        if rows:
            self._write(rows)

    def _write(self, rows: list[dict[str, Any]]) -> None:
        self.result.inserted += _insert(rows)
        self.rows_written += len(rows)
        self._checkpoint()

    def _replace_page(
        self,
        context: SiteContext,
        units: Sequence[Unit],
        retired: set[int],
        history: History,
        pool: StaffPool | None,
    ) -> None:
        base_ids = [u.base.id for u in units if u.base.id is not None]
        stored, kept = _stored_rows(sorted(set(base_ids) | retired), self.now)
        changes = _Changes()
        for unit in units:
            mine = stored.pop(unit.base.id, [])  # type: ignore[arg-type]
            until = max([self.until, *(r.slot + dt.timedelta(microseconds=1) for r in mine)])
            fresh = list(self._rows(context, unit, history, pool, until))
            self.result.occurrences += len(fresh)
            zone = ZoneInfo(unit.plan.timezone)
            changes.diff(fresh, mine, zone, kept.get(unit.base.id, set()))  # type: ignore[arg-type]
        for rows in stored.values():
            changes.retire(rows)
        inserted, updated, deleted = changes.apply()
        self.result.inserted += inserted
        self.result.updated += updated
        self.result.deleted += deleted
        self.result.unchanged += changes.unchanged
        self.rows_written += inserted + updated + deleted

    def _checkpoint(self) -> None:
        if not self.commit:
            return
        db.session.commit()
        self.result.batches += 1
        if self.on_batch is not None:
            self.on_batch(BatchProgress(self.plans_done, self.plans_total, self.rows_written))


def _requested(plans: Iterable[Plan | int]) -> list[PlanFacts]:
    ids = {p if isinstance(p, int) else p.id for p in plans}
    return plan_facts(i for i in ids if i is not None)


def _sites(site: Site | None, requested: list[PlanFacts] | None) -> list[Site]:
    if requested is not None:  # usually one plan's site, already in the identity map
        ids = sorted({p.site_id for p in requested if site is None or p.site_id == site.id})
        return [s for s in (db.session.get(Site, i) for i in ids) if s is not None]
    if site is not None:
        return [site]
    return list(db.session.scalars(select(Site).order_by(Site.id)))


def _count(site: Site | None, requested: list[PlanFacts] | None, mode: Mode) -> int:
    if requested is not None:
        return len([p for p in requested if site is None or p.site_id == site.id])
    stmt = select(func.count()).select_from(_PLAN)
    if site is not None:
        stmt = stmt.where(_PLAN.c.site_id == site.id)
    if mode is Mode.INSERT:
        stmt = stmt.where(_PLAN.c.active.is_(True))
    return int(db.session.scalar(stmt) or 0)
