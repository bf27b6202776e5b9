"""Staggering a run's planned outages so a building keeps its lifts, power and water.

Plans are generated one by one, so every lift of a building used to be serviced at the
same minute, and both transformers cut power together. The catalog says which tasks
take equipment out of service (`outage: lift | power | water`); after a page of plans
is generated, its fresh outage visits are placed around the stored ones the run keeps
(`schedules.stagger_outages`), and a visit that moves says why. Stored rows are moved
the same way every run, so a regenerate meets what the nightly run stored.

A visit with no later room in its window may move earlier in it, never before now, nor
so early that its plan's next visit would come more than the plan's ceiling after it. A
plan's first visit (due by the working day after it was applied) with no room in its
window at all may then yield past it by up to `FIRST_VISIT_GRACE`, its window following
it: it has no period to keep yet, and its day (today or the next working day) was the
app's pick. A second tank applied on a Friday afternoon otherwise met the first tank's
statutory cleaning on Monday, whose window ended that day: neither could move, and both
were cut at 09:00. Which visit is first is read from the plan alone, not from the rows
on record (the demo records its past year after generating), so every run agrees.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.catalog.current import current_catalog
from app.equipment.models import Equipment
from app.extensions import db
from app.scheduling.generation.reading import plan_facts
from app.scheduling.generation.results import (
    NOT_VISITS,
    PLAN_TABLE,
    REPLACEABLE,
    WO_TABLE,
    first_due,
)
from app.scheduling.mapping import PlanFacts, Unit, implied_ceiling
from app.sites.models import Location
from schedules import Occurrence, Outage, ReasonCode, Staggered, WorkCalendar, stagger_outages

BUILDING = "building"
FIRST_VISIT_GRACE = dt.timedelta(days=7)


@dataclass(frozen=True)
class OutageOf:
    """What one plan's visits take out of service, and where."""

    kind: str  # "lift", "power", "water"
    building: str  # the building's name: reasons show it
    label: str
    fire_lift: bool
    applied: dt.datetime | None  # when the plan was set up: its first visit follows


def _task_outages() -> dict[tuple[str, str], str]:
    """(type key, task key) → outage kind, from the catalog."""
    return {
        (equipment_type.key, task.key): task.outage
        for equipment_type in current_catalog().types()
        for task in equipment_type.tasks
        if task.outage
    }


def may_take_out(units: Iterable[Unit]) -> bool:
    """Whether any of these units may be an outage task (a cheap look before the queries)."""
    return any_outage_task(u.base for u in units if u.equipment is not None)


def any_outage_task(plans: Iterable[PlanFacts]) -> bool:
    """Whether any of these equipment plans may be an outage task, by its catalog task."""
    keys = {task for (_type, task) in _task_outages()}
    return any(p.equipment_id is not None and p.catalog_task_key in keys for p in plans)


class SiteOutages:
    """A site's plans that take equipment out of service, and each building's lifts."""

    def __init__(self, site_id: int, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)  # stored rows come back in UTC: the day ends locally
        outages = _task_outages()
        buildings = _buildings(site_id)
        equipment = {
            row.id: row
            for row in db.session.execute(
                select(
                    Equipment.id,
                    Equipment.type_key,
                    Equipment.location_id,
                    Equipment.name,
                    Equipment.attributes,
                ).where(Equipment.site_id == site_id)
            )
        }
        lift_types = {type_key for (type_key, _task), kind in outages.items() if kind == "lift"}
        self.lifts: Counter[str] = Counter(
            buildings[e.location_id]
            for e in equipment.values()
            if e.type_key in lift_types and buildings.get(e.location_id)
        )
        self.plans: dict[int, OutageOf] = {}
        rows = db.session.execute(
            select(
                PLAN_TABLE.c.id,
                PLAN_TABLE.c.equipment_id,
                PLAN_TABLE.c.catalog_type_key,
                PLAN_TABLE.c.catalog_task_key,
                PLAN_TABLE.c.created_at,
            ).where(
                PLAN_TABLE.c.site_id == site_id,
                PLAN_TABLE.c.equipment_id.is_not(None),
                PLAN_TABLE.c.catalog_task_key.is_not(None),
            )
        )
        for plan_id, equipment_id, type_key, task_key, applied in rows:
            asset = equipment.get(equipment_id)
            kind = outages.get((type_key or (asset.type_key if asset else ""), task_key))
            building = buildings.get(asset.location_id) if asset is not None else None
            if kind is None or asset is None or building is None:
                continue
            fire = bool((asset.attributes or {}).get("fire_lift"))
            self.plans[plan_id] = OutageOf(kind, building, asset.name, fire, applied)
        self.ceilings: dict[int | None, int | None] = {  # the longest gap between visits
            f.id: f.ceiling_days or implied_ceiling(f)[0] for f in plan_facts(self.plans)
        }

    def beside(self, plan_ids: Collection[int], now: dt.datetime) -> set[int]:
        """The other outage plans of these plans' buildings with a visit still to place.

        Where a visit stands depends on the building's other outages, and on which of
        them was placed first: re-planned alone, a plan yields to every stored visit,
        and the building ends up as its history made it, not as a regenerate would.
        A visit staggered around a lift's service kept its 09:50 after that service
        moved away. A building's outage plans are therefore re-planned together, so
        each re-plan places them as a regenerate of the whole site does."""
        buildings = {self.plans[p].building for p in plan_ids if p in self.plans}
        others = [p for p, o in self.plans.items() if o.building in buildings and p not in plan_ids]
        if not others:
            return set()
        rows = db.session.execute(
            select(WO_TABLE.c.plan_id, WO_TABLE.c.due_at, WO_TABLE.c.reasons).where(
                WO_TABLE.c.plan_id.in_(others),
                WO_TABLE.c.due_at > now,
                WO_TABLE.c.touched.is_(False),
                WO_TABLE.c.status.in_(REPLACEABLE),
            )
        )
        return {plan_id for plan_id, due_at, reasons in rows if first_due(due_at, reasons) > now}

    def stagger(
        self,
        fresh: Sequence[dict[str, Any]],
        redone: Iterable[int],
        now: dt.datetime,
        calendar: WorkCalendar,
    ) -> None:
        """Move the fresh outage rows (in place) around each other and the stored rows
        the run keeps; `redone` are ids of stored rows this run rewrites or deletes.
        `fresh` holds only rows that will be written (none on a kept row's slot)."""
        mine = [r for r in fresh if r["plan_id"] in self.plans and r["status"] != "skipped"]
        by_key = {_key(r["plan_id"], r["slot"]): r for r in mine}
        for staggered in self._placements(mine, set(redone), now, calendar):
            if staggered.reasons:
                row = by_key[staggered.outage.key]
                row["due_at"], row["ends_at"] = staggered.start, staggered.end
                row["window_end"] = self._window_end(row["window_end"], staggered)
                row["reasons"] = [*row["reasons"], *(r.to_json() for r in staggered.reasons)]

    def stagger_visits(
        self,
        plan_id: int | None,
        found: Sequence[Occurrence],
        now: dt.datetime,
        calendar: WorkCalendar,
    ) -> list[Occurrence]:
        """A preview's visits of one plan, placed around the site's other stored outages
        (its own stored rows are what the preview replaces)."""
        if plan_id is None or plan_id not in self.plans:
            return list(found)
        rows = [
            {"plan_id": plan_id, "slot": o.slot, "status": o.status.value, "due_at": o.due,
             "ends_at": o.ends, "window_start": o.window_start, "window_end": o.window_end}
            for o in found
        ]  # fmt: skip
        rows = [r for r in rows if r["status"] != "skipped"]
        placed = {
            s.outage.key: s
            for s in self._placements(rows, set(), now, calendar, leave_out=plan_id)
            if s.reasons
        }
        moved = []
        for visit in found:
            staggered = placed.get(_key(plan_id, visit.slot))
            if staggered is not None:
                visit = replace(
                    visit,
                    due=staggered.start,
                    ends=staggered.end,
                    window_end=self._window_end(visit.window_end, staggered),
                    reasons=(*visit.reasons, *staggered.reasons),
                )
            moved.append(visit)
        return moved

    def _placements(
        self,
        rows: list[dict[str, Any]],
        redone: set[int],
        now: dt.datetime,
        calendar: WorkCalendar,
        leave_out: int | None = None,
    ) -> list[Staggered]:
        if not rows:
            return []
        buildings = {self.plans[r["plan_id"]].building for r in rows}
        plan_ids = [p for p, o in self.plans.items() if o.building in buildings and p != leave_out]
        fresh = []
        for row in rows:
            outage = self._outage(row["plan_id"], row["slot"], row)
            earliest = max(
                row["window_start"].astimezone(self.zone),
                now.astimezone(self.zone),
                self._before_next(row, rows),
            )
            first = self._first_visit(row["plan_id"], outage.start, calendar)
            overrun = outage.latest_end + FIRST_VISIT_GRACE if first else None
            fresh.append(replace(outage, earliest_start=earliest, overrun_end=overrun))
        return stagger_outages(
            fresh,
            self.lifts,
            acceptable_day=calendar.is_workday,
            fixed=self._kept(plan_ids, redone, now),
        )

    def _outage(self, plan_id: int, slot: dt.datetime, row: Any) -> Outage:
        of = self.plans[plan_id]
        get = row.get if isinstance(row, dict) else row._mapping.get
        return Outage(
            key=_key(plan_id, slot),
            building=of.building,
            kind=of.kind,
            start=get("due_at").astimezone(self.zone),
            end=get("ends_at").astimezone(self.zone),
            latest_end=get("window_end").astimezone(self.zone),
            label=of.label,
            fire_lift=of.fire_lift,
        )

    def _before_next(self, row: dict[str, Any], rows: Sequence[dict[str, Any]]) -> dt.datetime:
        """How early a visit may move and keep its plan's next visit in this run (placed by
        the engine counting from this one, up to its window's end) within the ceiling. A
        demo tank moved from Monday to Friday left its next cleaning 185 days on."""
        ceiling = self.ceilings.get(row["plan_id"])
        later = [
            r["window_end"]
            for r in rows
            if r["plan_id"] == row["plan_id"] and r["due_at"] > row["due_at"]
        ]
        if not ceiling or not later:
            return dt.datetime.min.replace(tzinfo=self.zone)
        last_day = min(later).astimezone(self.zone).date() - dt.timedelta(days=ceiling)
        return dt.datetime.combine(last_day, dt.time(), self.zone)

    def _first_visit(self, plan_id: int, due: dt.datetime, calendar: WorkCalendar) -> bool:
        """Whether a visit due then is its plan's first: due no later than the working day
        after the plan was applied (the first-visit rule's day)."""
        applied = self.plans[plan_id].applied
        if applied is None:
            return False
        day = applied.astimezone(self.zone).date()
        after = day + dt.timedelta(days=1)
        latest = calendar.next_workday(after, not_after=after + dt.timedelta(days=40)) or after
        return due.astimezone(self.zone).date() <= latest

    def _window_end(self, window_end: dt.datetime, staggered: Staggered) -> dt.datetime:
        """A visit that yielded past its window end (a first visit's grace) keeps being on
        time on its new day: the window moves along by whole days."""
        last_day = window_end.astimezone(self.zone).date()
        late_by = (staggered.end.astimezone(self.zone).date() - last_day).days
        return window_end + dt.timedelta(days=late_by) if late_by > 0 else window_end

    def _kept(self, plan_ids: list[int], redone: set[int], now: dt.datetime) -> list[Outage]:
        """Stored outage visits of these plans that stay as they are."""
        rows = db.session.execute(
            select(
                WO_TABLE.c.id,
                WO_TABLE.c.plan_id,
                WO_TABLE.c.slot,
                WO_TABLE.c.due_at,
                WO_TABLE.c.ends_at,
                WO_TABLE.c.window_end,
                WO_TABLE.c.reasons,
            ).where(
                WO_TABLE.c.plan_id.in_(plan_ids),
                WO_TABLE.c.ends_at > now,
                WO_TABLE.c.status.not_in(NOT_VISITS),
            )
        )
        # A visit left unresolved (no room in its window) stays flagged for a person, and
        # does not push the others: otherwise regenerating one of them moves it around a
        # clash the run that stored them had already left standing.
        return [
            self._outage(row.plan_id, row.slot, row)
            for row in rows
            if row.id not in redone and not _unresolved(row.reasons)
        ]


def _unresolved(reasons: Any) -> bool:
    return any(r.get("code") == ReasonCode.OUTAGE_UNRESOLVED.value for r in reasons or ())


def _key(plan_id: int, slot: dt.datetime) -> str:
    return f"{plan_id}|{slot.astimezone(dt.UTC).isoformat()}"


def _buildings(site_id: int) -> dict[int, str]:
    """Location id → the name of the building it lies in (locations outside one: absent)."""
    nodes = {
        row.id: row
        for row in db.session.execute(
            select(Location.id, Location.parent_id, Location.kind, Location.name).where(
                Location.site_id == site_id
            )
        )
    }
    found: dict[int, str] = {}
    for location_id in nodes:
        node, seen = nodes.get(location_id), set()
        while node is not None and node.kind != BUILDING and node.id not in seen:
            seen.add(node.id)
            node = nodes.get(node.parent_id) if node.parent_id is not None else None
        if node is not None and node.kind == BUILDING:
            found[location_id] = node.name
    return found
