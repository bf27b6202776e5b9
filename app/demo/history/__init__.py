"""A year of work already done on the demo's equipment, so history pages, reading trends
and repair records have something to show from the first login.

What it does, after `create_demo_plans`:

* every maintenance and inspection plan of an asset starts about a year earlier, by
  whole periods of its rule (a weekly Monday plan stays on Mondays, a monthly one on
  the same day), so the future the plans step generated keeps its dates; lift tier
  chains start 14 months back (see `TIER_CHAIN_BACK`);
* the engine, through the scheduling mapping, gives the visits of the past 365 days
  (tiers, holidays, ceilings and rosters as they really are); each is recorded as
  done with answers in the completion code's own shape, a few late or missed;
* readings follow a gentle seasonal drift from a seeded RNG (`random.Random(asset
  code)`, so the same load day gives the same history); a few fail, and each failure
  raises its one corrective job through the corrective service, most of them repaired;
* the plans whose future depends on the past (completion anchors, ceilings, tier
  chains, round robin) are regenerated, flush only, so they count from the last
  demo completion.

Daily and more frequent plans keep every visit of the last week and one a week before
that (on the load day's weekday): a year of every-two-hours rounds would triple the
load time and tell a visitor nothing more, while a weekly point still draws a year's
trend. Visits are stored, not every one the rule made.

History is seed data: work orders and completions are written with bulk inserts and
make no audit entries (the audit log says what people did, and nobody did this). The
corrective jobs and the plans' new start dates go through the ORM and are audited as
done by "demo". Everything flushes inside the load's transaction; nothing commits.
"""

from __future__ import annotations

from sqlalchemy import insert, select

from app.core import clock
from app.demo.context import DemoContext
from app.demo.history.book import Book
from app.demo.history.storing import raise_jobs, stored_ids
from app.demo.history.tables import KINDS
from app.demo.history.units import follows_history, plan_units, start_earlier
from app.demo.history.visits import past_visits
from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation import SiteContext, regenerate_plan
from app.workorders.models import WorkCompletion, WorkOrder


def create_demo_history(ctx: DemoContext) -> None:
    """Record the past year of the demo's equipment plans as done (see the module doc)."""
    now = clock.utcnow()
    plans = list(
        db.session.scalars(
            select(Plan)
            .where(
                Plan.site_id == ctx.site.id,
                Plan.kind.in_(KINDS),
                Plan.equipment_id.is_not(None),
                Plan.active.is_(True),
            )
            .order_by(Plan.id)
        )
    )
    if not plans:
        return
    start_earlier(plans)
    context = SiteContext(ctx.site)
    book = Book(ctx, context, now, {p.id: p for p in plans})
    units = plan_units(context, plans)
    visits = [visit for unit in units for visit in past_visits(book, unit)]
    visits.sort(key=lambda v: (v.row["due_at"], v.row["plan_id"]))
    db.session.execute(insert(WorkOrder.__table__), [v.row for v in visits])
    ids = stored_ids([u.base.id for u in units if u.base.id is not None], now)
    jobs = raise_jobs(book, visits, ids)
    completions = [
        {**v.completion, "work_order_id": ids[v.key]} for v in visits if v.completion is not None
    ]
    if completions or jobs:
        db.session.execute(insert(WorkCompletion.__table__), completions + jobs)
    for unit in units:
        if follows_history(unit):
            regenerate_plan(unit.base.id or 0)
