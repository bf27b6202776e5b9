"""The demo as `make run` loads it keeps, over the year ahead, every promise of issue 12.

Issue 12's defects were first seen on the demo: lifts' annual items back a month later,
the lightning-protection test never scheduled, 定期检验 after the ledger's 下次法定检验,
one person with a day's 42 tasks, all lifts of 1号楼 out at the same minute. Here the
whole demo (both sites, every programme, its year of history) is loaded at two moments,
a year ahead is stored, and the simulation's invariants judge what a supervisor would
see in it. The demo shifts its dates to the day it is loaded, so the two moments meet
different holidays: the demo's own Monday, and a December afternoon with New Year and
Spring Festival ahead.

It found two defects of the demo itself, both from applying the assets' programmes one
by one (every plan started on the load day): 1号楼's two water tanks emptied on the same
morning, and each month opening with about 60 visits at 09:00 that left one technician
23 of 45 tasks. The demo now applies them in one bulk apply with level start days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app
from app.core import clock
from app.demo.data.site import SITE_CODE
from app.demo.services import load_demo
from app.extensions import db
from app.sites.models import Site
from tests.simulation import invariants as inv
from tests.simulation.collect import collect
from tests.simulation.record import TZ, Record, Scenario

MOMENTS = {
    "demo-monday": dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ),
    "december-afternoon": dt.datetime(2026, 12, 7, 15, 30, tzinfo=TZ),
}
YEAR_AHEAD = 366
PLAN_PROMISES: tuple[inv.Check, ...] = (
    inv.no_iso_week_without_a_visit_of_a_weekly_statutory_task,
    inv.no_calendar_month_without_a_visit_of_a_monthly_statutory_task,
    inv.no_gap_beyond_period_and_tolerance_for_quarterly_to_yearly_statutory_tasks,
    inv.elevator_half_monthly_visits_are_at_most_15_days_apart,
    inv.each_tier_is_done_exactly_once_per_its_period,
    inv.seasonal_tasks_fall_inside_their_window_every_year,
    inv.plans_started_on_the_29th_to_31st_get_every_month,
    inv.statutory_inspections_follow_the_ledgers_next_inspection_date,
    inv.no_qualified_person_on_duty_carries_more_than_the_even_share_plus_one_task_a_day,
    inv.every_reassignment_and_unassigned_visit_has_a_true_reason,
    inv.no_building_has_all_lifts_or_the_fire_lift_and_another_out_at_once,
    inv.no_two_power_or_water_outages_of_one_building_overlap,
)
"""The invariants a stored plan alone can break (the rest judge a year of events)."""


@pytest.fixture(scope="module", params=sorted(MOMENTS))
def year_ahead(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Record]:
    """The demo loaded at the moment, with a year ahead stored, read into a record."""
    moment = MOMENTS[request.param]
    folder = tmp_path_factory.mktemp(request.param)
    app: Flask = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'rounds.sqlite3'}",
            "SECRET_KEY": "test-secret",
            "ROUNDS_UPLOAD_DIR": str(folder / "uploads"),
            "ROUNDS_HORIZON_DAYS": YEAR_AHEAD,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    today = moment.date()
    record = Record(Scenario(0, "demo", today.year), today, today + dt.timedelta(days=364))
    clock.pin(moment)
    try:
        with app.app_context():
            upgrade()
            load_demo()
            db.session.commit()
            site = db.session.scalar(select(Site).where(Site.code == SITE_CODE))
            assert site is not None
            record.site_id = site.id
            collect(record)
            db.session.remove()
            db.engine.dispose()
    finally:
        clock.pin(None)
    yield record


def test_the_demo_stores_a_year_ahead_with_lifts_lightning_and_tanks_in_it(
    year_ahead: Record,
) -> None:
    """The checks below must have something to judge: the year ahead is really there."""
    names = {plan.name for plan in year_ahead.plans.values()}
    last = max(row.due_day for row in year_ahead.rows)
    future = [row for row in year_ahead.rows if row.due_day >= year_ahead.start]
    assert (last - year_ahead.start).days >= 360
    assert any("防雷" in name for name in names)
    assert sum(1 for p in year_ahead.plans.values() if p.seasons) >= 5
    assert sum(1 for p in year_ahead.plans.values() if p.kind == "inspection") >= 8
    assert len(future) > 5_000


@pytest.mark.parametrize("promise", PLAN_PROMISES, ids=lambda check: check.__name__)
def test_the_demos_year_ahead_keeps_the_promise(year_ahead: Record, promise: inv.Check) -> None:
    violations = promise(year_ahead)
    assert not violations, "\n".join(violations)
