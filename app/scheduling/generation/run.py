"""The run: a site at a time, plans a page at a time, committing per batch or only flushing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable, Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    func,
    select,
)

from app.core import clock
from app.extensions import db
from app.plans.models import Plan
from app.rosters.services import StaffPool
from app.scheduling.generation.context import SiteContext, horizon_end
from app.scheduling.generation.loads import Previous, seed, take_back
from app.scheduling.generation.outages import SiteOutages, any_outage_task, may_take_out
from app.scheduling.generation.reading import (
    History,
    batch_units,
    plan_facts,
    site_plan_batches,
    unit_history,
)
from app.scheduling.generation.results import (
    PLAN_TABLE,
    BatchProgress,
    GenerationResult,
    Mode,
    OnBatch,
)
from app.scheduling.generation.rows import (
    Assigning,
    PreviousLookup,
    assigner_for,
    occurrences,
    row_for,
    unit_start,
)
from app.scheduling.generation.store import (
    Changes,
    StoredSlots,
    expire_loaded_work_orders,
    insert_rows,
    missed_slots,
    stored_rows,
    stored_slots,
)
from app.scheduling.mapping import (
    PlanFacts,
    Unit,
)
from app.sites.models import Site
from schedules import LoadLedger


class Run:
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
        self.ledger = LoadLedger()  # the site's load, one per site and run
        self.seeded: set[str] = set()  # people whose stored work the ledger holds
        self.outages: SiteOutages | None = None  # the site's, read when first needed

    def run(self, site: Site | None, plans: Iterable[Plan | int] | None) -> GenerationResult:
        requested = None if plans is None else _requested(plans)
        sites = _sites(site, requested)
        self.plans_total = _count(site, requested, self.mode)
        for site_row in sites:
            context = SiteContext(site_row)
            self.ledger, self.seeded = LoadLedger(), set()
            self.outages = None
            seen: set[int] = set()
            if requested is None:
                pages: Iterable[list[PlanFacts]] = site_plan_batches(
                    site_row.id, self.mode, self.plan_batch
                )
            else:
                mine = [p for p in requested if p.site_id == site_row.id]
                if self.mode is Mode.REPLACE and any_outage_task(mine):
                    mine = self._with_buildings(context, mine)
                pages = [
                    mine[i : i + self.plan_batch] for i in range(0, len(mine), self.plan_batch)
                ]
            for page in pages:
                self._page(context, page, seen, explicit=requested is not None)
        if not self.commit:
            expire_loaded_work_orders()
        return self.result

    def _with_buildings(self, context: SiteContext, plans: list[PlanFacts]) -> list[PlanFacts]:
        """The plans, and the other outage plans of their buildings: re-planned together,
        each visit stands where a regenerate of the whole site would put it."""
        ids = {p.id for p in plans if p.id is not None}
        beside = self._site_outages(context).beside(ids, self.now)
        return plans + plan_facts(beside - ids)

    def _page(
        self, context: SiteContext, page: list[PlanFacts], seen: set[int], *, explicit: bool
    ) -> None:
        batch = batch_units(page, seen, explicit)
        units = context.units(batch.units, self.result.problems)
        self.result.plans += len(page)
        self.result.units += len(units)
        since = min((unit_start(u, self.now) for u in units), default=self.now)
        ids = [u.base.id for u in units if u.base.id is not None]
        if self.mode is Mode.INSERT:
            stored = stored_slots(ids, since)
            # most nights, most plans have their next visit on file already
            units = [u for u in units if not stored.reaches(u.base.id, self.until)]
            history, pool = self._history_and_pool(context, units, explicit)
            self._insert_page(context, units, history, pool, stored)
        else:
            history, pool = self._history_and_pool(context, units, explicit)
            missed = missed_slots(ids, since)
            self._replace_page(context, units, batch.retired, history, pool, missed)
        self.plans_done += len(page)
        self._checkpoint()

    def _history_and_pool(
        self, context: SiteContext, units: Sequence[Unit], explicit: bool
    ) -> tuple[History, StaffPool | None]:
        """What the units' visits count from, and who may be sent (the load ledger seeded)."""
        history = unit_history(units, self.mode, self.now)
        pool = self._pool(context, units, explicit)
        if pool is not None:
            zone = ZoneInfo(context.timezone)
            seed(self.ledger, self.seeded, context.site_id, pool, self.now, zone)
        return history, pool

    def _pool(
        self, context: SiteContext, units: Sequence[Unit], explicit: bool
    ) -> StaffPool | None:
        if not any(u.base.staffed for u in units):
            return None
        return context.pool_for_units(units) if explicit else context.site_pool()

    def _site_outages(self, context: SiteContext) -> SiteOutages:
        if self.outages is None:
            self.outages = SiteOutages(context.site_id, context.timezone)
        return self.outages

    def _rows(
        self,
        context: SiteContext,
        unit: Unit,
        history: History,
        pool: StaffPool | None,
        until: dt.datetime,
        *,
        previous: PreviousLookup | None = None,
        stored: Container[dt.datetime] = frozenset(),
        taken: Container[dt.datetime] = frozenset(),
    ) -> Iterator[dict[str, Any]]:
        """The unit's rows; `stored` slots are kept as they are (insert), `previous` says
        who had each slot a replace run redoes, `taken` are its missed rows' slots."""
        base_id = unit.base.id or 0
        assigner = assigner_for(unit, pool, history.round_robin_after.get(base_id), self.ledger)
        assign = Assigning(assigner, self.now, previous, stored)
        for occurrence in occurrences(
            unit,
            context.calendar,
            now=self.now,
            until=until,
            last_visit=history.last_visits.get(base_id),
            assign=assign,
            reach_from=self.until,
            taken=taken,
        ):
            yield row_for(unit, occurrence, self.now)

    def _insert_page(
        self,
        context: SiteContext,
        units: Sequence[Unit],
        history: History,
        pool: StaffPool | None,
        stored: StoredSlots,
    ) -> None:
        outages = self._site_outages(context) if may_take_out(units) else None
        rows: list[dict[str, Any]] = []
        held: list[dict[str, Any]] = []  # outage visits: written once staggered
        for unit in units:
            mine = stored.slots.get(unit.base.id, frozenset())  # type: ignore[arg-type]
            taken = stored.missed.get(unit.base.id, frozenset())  # type: ignore[arg-type]
            hold = outages is not None and unit.base.id in outages.plans
            rows_of = self._rows(context, unit, history, pool, self.until, stored=mine, taken=taken)
            for row in rows_of:
                self.result.occurrences += 1
                if row["slot"] in mine:
                    continue  # the nightly run meets last night's rows: skip, don't retry
                (held if hold else rows).append(row)
                if len(rows) >= self.row_batch:
                    self._write(rows)
                    rows = []
        if outages is not None and held:
            outages.stagger(held, (), self.now, context.calendar)
            rows += held
        if rows:
            self._write(rows)

    def _write(self, rows: list[dict[str, Any]]) -> None:
        self.result.inserted += insert_rows(rows)
        self.rows_written += len(rows)
        self._checkpoint()

    def _replace_page(
        self,
        context: SiteContext,
        units: Sequence[Unit],
        retired: set[int],
        history: History,
        pool: StaffPool | None,
        missed: dict[int, set[dt.datetime]],
    ) -> None:
        base_ids = [u.base.id for u in units if u.base.id is not None]
        stored, kept = stored_rows(sorted(set(base_ids) | retired), self.now)
        changes = Changes()
        site_zone = ZoneInfo(context.timezone)
        for rows in stored.values():  # redone below: their load is counted afresh
            take_back(self.ledger, self.seeded, site_zone, rows)
        outages = self._site_outages(context) if may_take_out(units) else None
        redone = [row.id for rows in stored.values() for row in rows]
        held: list[tuple[Unit, list[dict[str, Any]], list[Any]]] = []  # outage plans
        for unit in units:
            mine = stored.pop(unit.base.id, [])  # type: ignore[arg-type]
            until = max([self.until, *(r.slot + dt.timedelta(microseconds=1) for r in mine)])
            previous = Previous(mine, ZoneInfo(unit.plan.timezone))
            taken = missed.get(unit.base.id, frozenset())  # type: ignore[arg-type]
            fresh = list(
                self._rows(context, unit, history, pool, until, previous=previous, taken=taken)
            )
            self.result.occurrences += len(fresh)
            if outages is not None and unit.base.id in outages.plans:
                held.append((unit, fresh, mine))
                continue
            zone = ZoneInfo(unit.plan.timezone)
            kept_slots = kept.get(unit.base.id, set())  # type: ignore[arg-type]
            changes.diff(fresh, mine, zone, kept_slots, taken)
        if outages is not None and held:
            written = [
                row
                for unit, fresh, _ in held
                for row in fresh
                if row["slot"] not in kept.get(unit.base.id, set())  # type: ignore[arg-type]
            ]
            outages.stagger(written, redone, self.now, context.calendar)
        for unit, fresh, mine in held:
            zone = ZoneInfo(unit.plan.timezone)
            kept_slots = kept.get(unit.base.id, set())  # type: ignore[arg-type]
            changes.diff(fresh, mine, zone, kept_slots, missed.get(unit.base.id, frozenset()))  # type: ignore[arg-type]
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
    stmt = select(func.count()).select_from(PLAN_TABLE)
    if site is not None:
        stmt = stmt.where(PLAN_TABLE.c.site_id == site.id)
    if mode is Mode.INSERT:
        stmt = stmt.where(PLAN_TABLE.c.active.is_(True))
    return int(db.session.scalar(stmt) or 0)
