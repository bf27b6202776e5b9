"""The public API: insert missing work orders, or replace the untouched future ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation.results import PLAN_BATCH, ROW_BATCH, GenerationResult, Mode, OnBatch
from app.scheduling.generation.run import Run
from app.sites.models import Site


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
    return Run(Mode.INSERT, until, on_batch, row_batch, plan_batch, commit=True).run(site, plans)


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
    return Run(Mode.REPLACE, None, on_batch, ROW_BATCH, plan_batch, commit=True).run(site, plans)


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
    runner = Run(Mode.REPLACE, None, None, ROW_BATCH, PLAN_BATCH, commit=False)
    return runner.run(None, list(plans))


def regenerate_site(site: Site | None) -> GenerationResult:
    """After a calendar change: every plan of the site (None: of every site), flush only.

    Unlike `regenerate` it never commits, so the calendar override and the schedule
    that follows it commit together: a crash in between cannot leave visits on a new
    holiday.
    """
    db.session.flush()
    return Run(Mode.REPLACE, None, None, ROW_BATCH, PLAN_BATCH, commit=False).run(site, None)
