"""Occurrences of a unit and the work-order row each one becomes, with its assignee."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterator
from dataclasses import dataclass, replace
from typing import Any, Protocol

from app.rosters.services import StaffPool, staff_key, team_key
from app.scheduling.generation.results import (
    CEILING_LOOKBACK_DAYS,
    LOOKBACK_DAYS,
    NEXT_VISIT_REACH,
)
from app.scheduling.mapping import (
    Unit,
)
from app.workorders.models import WorkOrderKind, WorkOrderStatus
from schedules import (
    AssignmentRule,
    HolidayPolicy,
    LastVisit,
    LoadLedger,
    Occurrence,
    StaffAssigner,
    Status,
    Strategy,
    WorkCalendar,
)
from schedules import generate as engine_generate


def _lookback(unit: Unit) -> dt.timedelta:
    plan = unit.plan
    if plan.holiday_policy is HolidayPolicy.IGNORE and not plan.ceiling_days:
        return dt.timedelta(0)  # due is always the slot
    ceiling = min(plan.ceiling_days or 0, CEILING_LOOKBACK_DAYS)
    return dt.timedelta(days=max(LOOKBACK_DAYS, ceiling) + 1)


def unit_start(unit: Unit, now: dt.datetime) -> dt.datetime:
    return now - _lookback(unit)


def team_of(unit: Unit) -> int | None:
    """The plan's team, else the team that maintains its equipment."""
    if unit.base.team_id is not None:
        return unit.base.team_id
    return unit.equipment.maintainer_team_id if unit.equipment else None


def assigner_for(
    unit: Unit, pool: StaffPool | None, after: int | None, ledger: LoadLedger | None = None
) -> StaffAssigner | None:
    """The engine assigner of a unit, or None when contractors/authorities do the work.

    The pool is the named assignee first, then the team's active members by id (the
    plan's team, else the equipment's maintainer team). Round robin starts after
    `after`, the last person it sent before this run, so a rerun keeps the turn.
    `ledger` is the site's shared load for this run (see `generation.loads`).
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
    return StaffAssigner(rule, pool.staff, pool.roster, ledger=ledger)


class PreviousLookup(Protocol):
    """Who had a stored visit before a re-plan (see `generation.loads.Previous`)."""

    def get(self, slot: dt.datetime) -> str | None: ...


@dataclass(frozen=True)
class Assigning:
    """Assigns the visits a run stores, after the engine made them.

    Only visits due after `now` are assigned: the engine replays a month before now for
    continuity, and letting those take round-robin turns or add to loads would make who
    goes depend on when the run happened. Slots in `stored` are rows an insert run keeps
    as they are: already in the ledger, they take only their round-robin turn. `previous`
    says who had each visit a replace run redoes: they keep it if they still can, and a
    visit that goes to someone else says why.
    """

    inner: StaffAssigner | None
    now: dt.datetime
    previous: PreviousLookup | None = None
    stored: Container[dt.datetime] = frozenset()

    def __call__(self, occurrence: Occurrence) -> Occurrence:
        inner = self.inner
        if inner is None or occurrence.status is not Status.PLANNED:
            return occurrence
        if occurrence.due <= self.now:
            return occurrence
        if occurrence.slot in self.stored:
            inner.pass_over(occurrence.due)
            return occurrence
        before = self.previous.get(occurrence.slot) if self.previous is not None else None
        made = inner.assign(occurrence.due, occurrence.ends, before)
        assigned = replace(
            occurrence,
            reasons=occurrence.reasons + made.reasons,
            assignee=made.assignee,
            team=made.team,
            unassigned=made.unassigned,
        )
        return inner.explain_change(assigned, before)


def occurrences(
    unit: Unit,
    calendar: WorkCalendar,
    *,
    now: dt.datetime,
    until: dt.datetime,
    last_visit: LastVisit | None,
    assign: Assigning | None = None,
    reach_from: dt.datetime | None = None,
    taken: Container[dt.datetime] = frozenset(),
) -> Iterator[Occurrence]:
    """Engine occurrences due after `now` with slots before `until`, plus, when there
    is no planned one among them nor a later visit on file, the next ones up to the
    first planned visit, looked for up to `NEXT_VISIT_REACH` past `reach_from` (the
    run's horizon; `until` may lie further, at the last stored row, and reaching past
    that would add five more years of skipped rows on every regenerate); each assigned
    by `assign`, in slot order. A slot in `taken` (a missed row's) is moved on by a
    second (`free_slot`)."""
    assign = assign or Assigning(None, now)
    used: set[dt.datetime] = set()
    planned_ahead = last_visit is not None and last_visit.at > now  # already on file
    for occurrence in engine_generate(
        unit.plan,
        calendar,
        unit_start(unit, now),
        until,
        last_visit=last_visit,
        not_before=now,
    ):
        if occurrence.due <= now:
            continue
        planned_ahead = planned_ahead or occurrence.status is Status.PLANNED
        yield assign(free_slot(occurrence, taken, used))
    if planned_ahead:
        return
    for occurrence in engine_generate(
        unit.plan,
        calendar,
        until,
        max(until, (reach_from or until) + NEXT_VISIT_REACH),
        last_visit=last_visit,
        not_before=now,
    ):
        if occurrence.due <= now:
            continue
        yield assign(free_slot(occurrence, taken, used))
        if occurrence.status is Status.PLANNED:
            return


def free_slot(
    occurrence: Occurrence, taken: Container[dt.datetime], used: set[dt.datetime]
) -> Occurrence:
    """The occurrence under a key no missed row holds (and this run has not given).

    A make-up visit pulled weeks early keeps its later slot as its key. Missed, its row
    stays and holds that key; the next re-plan still wants a visit for the slot, due
    after now, and ON CONFLICT would drop it silently: an escalator went 28 days
    without a visit (soak seed 3, 2012). Moving the key on by whole seconds, as extra
    visits already do, depends only on rows already missed, so every run, inserting or
    replacing, gives the visit the same key.
    """
    slot = occurrence.slot
    while slot in taken or slot in used:
        slot += dt.timedelta(seconds=1)
    used.add(slot)
    return occurrence if slot == occurrence.slot else replace(occurrence, slot=slot)


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
