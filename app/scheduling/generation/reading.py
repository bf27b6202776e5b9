"""Reading plans in batches, and where each unit's chain continues from (its history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    Row,
    and_,
    func,
    or_,
    select,
)

from app.extensions import db
from app.scheduling.generation.results import (
    DONE,
    NOT_VISITS,
    PLAN_TABLE,
    REPLACEABLE,
    WO_TABLE,
    Mode,
)
from app.scheduling.generation.rows import unit_start
from app.scheduling.mapping import (
    PLAN_COLUMNS,
    PlanFacts,
    Unit,
    base_of,
    facts_of,
)
from app.workorders.models import WorkOrderStatus
from schedules import (
    Anchor,
    LastVisit,
    Strategy,
)
from schedules import Plan as EnginePlan


def _plan_select() -> Any:
    return select(*(PLAN_TABLE.c[name] for name in PLAN_COLUMNS))


def plan_facts(ids: Iterable[int]) -> list[PlanFacts]:
    id_list = sorted(set(ids))
    if not id_list:
        return []
    rows = db.session.execute(
        _plan_select().where(PLAN_TABLE.c.id.in_(id_list)).order_by(PLAN_TABLE.c.id)
    )
    return [facts_of(row) for row in rows]


def group_members(plans: Iterable[PlanFacts]) -> dict[tuple[int, int | None, str], list[PlanFacts]]:
    """Active members of the tier groups of `plans`, by group key."""
    keys = {p.group_key for p in plans if p.group_key is not None}
    if not keys:
        return {}
    assets = {k[1] for k in keys if k[1] is not None}
    on_assets = PLAN_TABLE.c.equipment_id.in_(assets)
    stmt = _plan_select().where(
        PLAN_TABLE.c.active.is_(True),
        PLAN_TABLE.c.site_id.in_({k[0] for k in keys}),
        PLAN_TABLE.c.tier_group.in_({k[2] for k in keys}),
        or_(on_assets, PLAN_TABLE.c.equipment_id.is_(None))
        if None in {k[1] for k in keys}
        else on_assets,
    )
    groups: dict[tuple[int, int | None, str], list[PlanFacts]] = {}
    for row in db.session.execute(stmt.order_by(PLAN_TABLE.c.id)):
        facts = facts_of(row)
        if facts.group_key in keys:
            groups.setdefault(facts.group_key, []).append(facts)  # type: ignore[arg-type]
    return groups


def site_plan_batches(site_id: int, mode: Mode, size: int) -> Iterator[list[PlanFacts]]:
    """Keyset pages over a site's plans (active ones only when inserting)."""
    last_id = 0
    while True:
        stmt = _plan_select().where(PLAN_TABLE.c.site_id == site_id, PLAN_TABLE.c.id > last_id)
        if mode is Mode.INSERT:
            stmt = stmt.where(PLAN_TABLE.c.active.is_(True))
        batch = [
            facts_of(r) for r in db.session.execute(stmt.order_by(PLAN_TABLE.c.id).limit(size))
        ]
        if not batch:
            return
        last_id = batch[-1].id or last_id
        yield batch


@dataclass
class _Batch:
    units: list[list[PlanFacts]]  # members of each unit, base first once mapped
    retired: set[int]  # plan ids whose untouched future rows must go (replace mode)


def batch_units(batch: Sequence[PlanFacts], seen_bases: set[int], explicit: bool) -> _Batch:
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


def _latest_rows(plan_ids: Sequence[int], *conditions: Any) -> dict[int, Row[Any]]:
    """Per plan, the row with the latest slot among those matching `conditions`, with
    `latest_at`: when the latest of them in time was done (or due, if not done).

    The latest slot is not always the latest visit: a make-up pulled early keeps its
    later slot, so a missed make-up can outrank the one done after it. The ceiling
    counts from the latest visit in time, the grid from the latest slot (`_at_latest`).
    """
    if not plan_ids:
        return {}
    latest = (
        select(
            WO_TABLE.c.plan_id,
            func.max(WO_TABLE.c.slot).label("slot"),
            func.max(func.coalesce(WO_TABLE.c.completed_at, WO_TABLE.c.due_at)).label("at"),
        )
        .where(WO_TABLE.c.plan_id.in_(list(plan_ids)), *conditions)
        .group_by(WO_TABLE.c.plan_id)
        .subquery()
    )
    stmt = select(
        WO_TABLE.c.plan_id,
        WO_TABLE.c.slot,
        WO_TABLE.c.due_at,
        WO_TABLE.c.completed_at,
        WO_TABLE.c.status,
        WO_TABLE.c.tier,
        WO_TABLE.c.assignee_id,
        latest.c.at.label("latest_at"),
    ).join(latest, and_(WO_TABLE.c.plan_id == latest.c.plan_id, WO_TABLE.c.slot == latest.c.slot))
    return {row.plan_id: row for row in db.session.execute(stmt)}


def _at_latest(visit: LastVisit, at: dt.datetime | None) -> LastVisit:
    """The last visit counted from the latest visit in time, its grid from the latest slot."""
    return replace(visit, at=at) if at is not None and at > visit.at else visit


def _tiers_done(plan_ids: Sequence[int], *conditions: Any) -> dict[int, dict[str, dt.datetime]]:
    """Per plan, when each tier was last done (or stored): one grouped query per run.

    The engine counts tiers by period from this, so a completion that moved the grid
    does not bring a tier back; it takes the max over higher tiers itself. A chain with
    no such visit gets an empty history, not none: its first visits were missed, and the
    tiers they carried are owed.
    """
    if not plan_ids:
        return {}
    stmt = (
        select(
            WO_TABLE.c.plan_id,
            WO_TABLE.c.tier,
            func.max(func.coalesce(WO_TABLE.c.completed_at, WO_TABLE.c.due_at)).label("at"),
        )
        .where(WO_TABLE.c.plan_id.in_(list(plan_ids)), WO_TABLE.c.tier.is_not(None), *conditions)
        .group_by(WO_TABLE.c.plan_id, WO_TABLE.c.tier)
    )
    done: dict[int, dict[str, dt.datetime]] = {plan_id: {} for plan_id in plan_ids}
    for row in db.session.execute(stmt):
        done.setdefault(row.plan_id, {})[row.tier] = row.at
    return done


def _as_last_visit(
    row: Row[Any],
    *,
    restart_at_completion: bool,
    tiers_done: dict[str, dt.datetime] | None = None,
) -> LastVisit:
    """Done visits count from when they were done (late or not), others from their due."""
    if row.status in DONE:
        at = row.completed_at or row.due_at
        if restart_at_completion:
            return LastVisit(at=at, tier=row.tier, tiers_done=tiers_done, row_slot=row.slot)
        return LastVisit(at=at, slot=row.slot, tier=row.tier, tiers_done=tiers_done)
    return LastVisit(at=row.due_at, slot=row.slot, tier=row.tier, tiers_done=tiers_done)


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
      shifted), and from the latest completed or missed visit when replacing: a late
      completion restarts the ceiling, and the tiers it covered are not due again; a
      missed visit's row stays, so the tiers it carried go to the next visit instead
      of back to its slot. A visit older than the chain can remember changes nothing
      and is left out;
    * tier chains, fixed or completion-anchored, pass when each tier was last done (or
      stored, when inserting), so the engine counts tiers by period across completions.
      When replacing, a visit already due but still open in its window counts as doing
      its tiers: a re-plan at 09:51 took the year's 12-30 visit (open until midnight)
      for missed and made its quarterly items up on 01-03 as well (soak seed 11, 2022).
      If it is missed after all, `visits_missed` re-plans and the next visit carries them;
    * round robin continues after the last person sent to a visit already due
      (only visits due after now are assigned, see `Assigning`).
    """
    completion = [u for u in units if u.plan.anchor is Anchor.COMPLETION]
    chained = [
        u for u in units if u.plan.anchor is Anchor.FIXED and (u.plan.ceiling_days or u.plan.tiers)
    ]
    last_visits: dict[int, LastVisit] = {}
    not_missed = WO_TABLE.c.status.not_in((*NOT_VISITS, WorkOrderStatus.MISSED.value))
    tiers = _tiers_done(  # a missed visit did not do its tiers: the next one carries them
        [u.base.id for u in (*completion, *chained) if u.plan.tiers and u.base.id is not None],
        and_(not_missed, or_(WO_TABLE.c.status.in_(DONE), WO_TABLE.c.due_at <= now))
        if mode is Mode.REPLACE
        else not_missed,
    )
    if completion:
        ids = [u.base.id for u in completion if u.base.id is not None]
        conditions: list[Any] = [WO_TABLE.c.status.not_in(NOT_VISITS)]
        if mode is Mode.REPLACE:
            conditions.append(
                or_(
                    WO_TABLE.c.touched.is_(True),
                    WO_TABLE.c.status.not_in(REPLACEABLE),
                    WO_TABLE.c.due_at <= now,
                )
            )
        for plan_id, row in _latest_rows(ids, *conditions).items():
            visit = _as_last_visit(row, restart_at_completion=True, tiers_done=tiers.get(plan_id))
            last_visits[plan_id] = _at_latest(visit, row.latest_at)
    if chained:
        kept = (
            WO_TABLE.c.status.in_((*DONE, WorkOrderStatus.MISSED.value))
            if mode is Mode.REPLACE
            else WO_TABLE.c.status.not_in(NOT_VISITS)
        )
        chained_ids = [u.base.id for u in chained if u.base.id]
        rows = _latest_rows(chained_ids, kept)
        for unit in chained:
            row = rows.get(unit.base.id)  # type: ignore[arg-type]
            if row is None:
                continue
            visit = _as_last_visit(
                row,
                restart_at_completion=False,
                tiers_done=tiers.get(unit.base.id),  # type: ignore[arg-type]
            )
            visit = _at_latest(visit, row.latest_at)
            if visit.at >= unit_start(unit, now) - _chain_memory(unit.plan):
                last_visits[unit.base.id] = visit  # type: ignore[index]
    rotating = [
        u.base.id
        for u in units
        if u.base.id is not None and u.base.assignment_strategy == Strategy.ROUND_ROBIN.value
    ]
    latest = _latest_rows(rotating, WO_TABLE.c.assignee_id.is_not(None), WO_TABLE.c.due_at <= now)
    after = {plan_id: row.assignee_id for plan_id, row in latest.items()}
    return History(last_visits, after)


def _chain_memory(plan: EnginePlan) -> dt.timedelta:
    """How far back a visit still shapes the chain: two ceilings, or two tier reaches."""
    reach = max((t.merge_within_days for t in plan.tiers), default=0)
    return dt.timedelta(days=2 * max(plan.ceiling_days or 0, reach))
