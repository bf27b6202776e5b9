"""Completing a visit of a "30 days after it was last done" plan plans the next visit from
the day the work was really done, and so does a plan with a statutory ceiling; other
fixed plans keep their grid."""

from __future__ import annotations

import datetime as dt

import pytest

from app.core import clock
from app.extensions import db
from app.plans.models import Plan
from app.scheduling import receivers
from app.scheduling.generation import generate
from app.workorders import completion
from app.workorders.completion import CompletionInput
from app.workorders.models import WorkOrder
from tests.scheduling.kit import local_days, work_orders
from tests.workorders.conftest import SHANGHAI, Place

# The clock is pinned to Monday 2026-03-02 09:00 Shanghai; the horizon is 90 days.
TEN_DAYS_LATE = dt.datetime(2026, 4, 1, 15, 0, tzinfo=SHANGHAI)


def _plan(place: Place, anchor: str, ceiling_days: int | None = None) -> Plan:
    """Every 30 days from 20 February: the first visit still ahead is on 22 March."""
    plan = Plan(
        ceiling_days=ceiling_days,
        site_id=place.site.id,
        equipment_id=place.pump.id,
        name="水箱清洗",
        rrule="FREQ=DAILY;INTERVAL=30",
        anchor=anchor,
        starts_on=dt.date(2026, 2, 20),
        holiday_policy="ignore",
        team_id=place.team.id,
    )
    db.session.add(plan)
    db.session.commit()
    generate(plans=[plan])
    return plan


def _first_visit(plan: Plan) -> WorkOrder:
    first = work_orders(plan)[0]
    assert local_days([first]) == [dt.date(2026, 3, 22)]
    return first


def _later_days(plan: Plan, done: WorkOrder) -> list[dt.date]:
    db.session.expire_all()
    return local_days([w for w in work_orders(plan) if w.id != done.id])


def test_a_visit_done_ten_days_late_moves_the_next_one_to_30_days_after_the_real_day(
    place: Place,
) -> None:
    plan = _plan(place, "completion")
    first = _first_visit(plan)
    with clock.pinned(TEN_DAYS_LATE):
        completion.complete(first, place.supervisor, CompletionInput(signature_name="陈主管"))
        db.session.commit()
    assert first.status == "done_late"
    assert _later_days(plan, first)[0] == dt.date(2026, 5, 1)  # not 21 April


def test_a_paper_sheet_replans_its_completion_anchored_visits_too(place: Place) -> None:
    plan = _plan(place, "completion")
    first = _first_visit(plan)
    with clock.pinned(TEN_DAYS_LATE):
        result = completion.complete_sheet([first], {}, place.supervisor, None)
        db.session.commit()
    assert result.done == [first]
    assert _later_days(plan, first)[0] == dt.date(2026, 5, 1)


def _replanned_on_completing(
    place: Place, first: WorkOrder, monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """The plan ids completing `first` ten days late hands to regeneration."""
    replanned: list[int] = []
    monkeypatch.setattr(receivers, "regenerate_plans", replanned.extend)
    with clock.pinned(TEN_DAYS_LATE):
        completion.complete(first, place.supervisor, CompletionInput(signature_name="陈主管"))
        db.session.commit()
    return replanned


def test_completing_a_fixed_plans_visit_leaves_its_grid_and_skips_replanning(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = _plan(place, "fixed")
    first = _first_visit(plan)
    assert _replanned_on_completing(place, first, monkeypatch) == []
    assert _later_days(plan, first)[0] == dt.date(2026, 4, 21)


def test_completing_a_visit_of_a_plan_with_a_ceiling_replans_it(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = _plan(place, "fixed", ceiling_days=31)
    first = _first_visit(plan)
    assert _replanned_on_completing(place, first, monkeypatch) == [plan.id]
