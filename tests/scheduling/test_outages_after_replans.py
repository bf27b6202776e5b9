"""Staggered outages stay where a regenerate of the whole site would put them.

A visit staggered around another plan's outage depends on that outage: when a re-plan
moves it, the visit goes back to its own time. And a visit moved to the afternoon is
still ahead after its morning time has passed: a regenerate then keeps it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from app.core import clock
from app.equipment.models import Equipment
from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation import generate, regenerate, regenerate_plan
from app.workorders.models import WorkOrder

from .conftest import World
from .kit import SHANGHAI, work_orders

MONDAY = dt.date(2026, 3, 2)


def _transformer_plans(
    world: World, create_equipment: Callable[..., Equipment], make_plan: Callable[..., Plan]
) -> list[Plan]:
    """Two transformers of one building, each cut off monthly at 10:00 for four hours."""
    plans = []
    for n in (1, 2):
        transformer = create_equipment(
            world.site, f"TR-{n}", f"{n}#变压器", "power", location=world.building,
            type_key="transformer",
        )  # fmt: skip
        db.session.commit()
        plans.append(
            make_plan(
                name=f"{transformer.name} 停电检修",
                equipment_id=transformer.id,
                catalog_type_key="transformer",
                catalog_task_key="outage_maintenance",
                rrule="FREQ=MONTHLY",
                starts_on=MONDAY,
                time_of_day=dt.time(10, 0),
                duration_minutes=240,
                performer="licensed_contractor",
            )
        )
    return plans


def _local_times(plan: Plan) -> set[dt.time]:
    return {
        w.due_at.astimezone(SHANGHAI).time() for w in work_orders(plan) if w.status != "skipped"
    }


def _staggered(row: WorkOrder) -> bool:
    return any(r["code"] == "outage_staggered" for r in row.reasons)


def test_a_visit_staggered_around_an_outage_that_moves_away_goes_back_to_its_own_time(
    world: World, create_equipment, make_plan
) -> None:
    first, second = _transformer_plans(world, create_equipment, make_plan)
    generate()
    assert _local_times(second) == {dt.time(14, 0)}  # yielded to the first cut

    first.time_of_day = dt.time(14, 0)  # the first transformer's cut moves to the afternoon
    regenerate_plan(first)
    db.session.commit()

    assert _local_times(first) == {dt.time(14, 0)}
    assert _local_times(second) == {dt.time(10, 0)}
    assert not any(_staggered(w) for w in work_orders(second))
    assert regenerate(world.site).updated == 0  # what a fresh regenerate would store


def test_a_visit_staggered_to_the_afternoon_survives_a_regenerate_after_its_morning_time(
    world: World, create_equipment, make_plan
) -> None:
    _first, second = _transformer_plans(world, create_equipment, make_plan)
    generate()
    (today,) = [w for w in work_orders(second) if w.slot.astimezone(SHANGHAI).date() == MONDAY]
    afternoon = today.due_at
    assert afternoon.astimezone(SHANGHAI).time() == dt.time(14, 0)

    with clock.pinned(dt.datetime.combine(MONDAY, dt.time(11, 0), SHANGHAI)):
        result = regenerate(world.site)

    assert result.deleted == 0 and result.updated == 0
    kept = db.session.get(WorkOrder, today.id)
    assert kept is not None and kept.due_at == afternoon and _staggered(kept)
