"""Two water tanks of one building are never cleaned at the same hour, even when each
cleaning's window ends on its day (CJJ 140: at least every six months, so no day after;
the year simulation met both tanks of 1号楼 cut together at 09:00)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import combinations, pairwise

from app.core import clock
from app.equipment.models import Equipment
from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation import generate, regenerate
from app.workorders.models import WorkOrder

from .conftest import World
from .kit import SHANGHAI, work_orders

FRIDAY_AFTERNOON = dt.datetime(2026, 3, 6, 14, 0, tzinfo=SHANGHAI)


def _tanks(world: World, create_location, create_equipment) -> list[Equipment]:  # type: ignore[no-untyped-def]
    room = create_location(world.site, "B1-PR", "水泵房", "room", parent=world.building)
    tanks = [
        create_equipment(
            world.site, f"WS-{n}", f"生活水箱{n}", "water", location=room, type_key="water_tank"
        )
        for n in ("A", "B")
    ]
    db.session.commit()
    return tanks


def _cleaning(make_plan: Callable[..., Plan], tank: Equipment, day: int, **fields) -> Plan:  # type: ignore[no-untyped-def]
    """Six hours from 09:00 on the `day`th of the month, on time up to 15 days before."""
    return make_plan(
        name=f"{tank.name}清洗消毒",
        equipment_id=tank.id,
        catalog_type_key="water_tank",
        catalog_task_key="clean_disinfect_test",
        rrule=f"FREQ=MONTHLY;BYMONTHDAY={day}",
        duration_minutes=360,
        tolerance_before_days=15,
        tolerance_after_days=0,
        performer="licensed_contractor",
        **fields,
    )


def _cuts() -> list[WorkOrder]:
    return [w for w in work_orders() if w.status != "skipped"]


def _codes(row: WorkOrder) -> list[str]:
    return [reason["code"] for reason in row.reasons]


def _day(row: WorkOrder) -> dt.date:
    return row.due_at.astimezone(SHANGHAI).date()


def test_two_tanks_due_the_same_day_are_cleaned_on_different_days_inside_their_windows(
    world: World, create_location, create_equipment, make_plan
) -> None:
    tank_a, tank_b = _tanks(world, create_location, create_equipment)
    first, second = (_cleaning(make_plan, tank, 10) for tank in (tank_a, tank_b))
    generate()
    cuts = _cuts()
    assert len(cuts) >= 6  # March to May, both tanks
    assert not any(a.due_at < b.ends_at and b.due_at < a.ends_at for a, b in combinations(cuts, 2))
    assert all(w.window_start <= w.due_at and w.ends_at <= w.window_end for w in cuts)
    assert not any("outage_unresolved" in _codes(w) for w in cuts)
    # the first keeps its days; the second yields to the working day before, within its
    # window (Tuesday 10 March: Monday 9; Friday 10 April: Thursday 9)
    assert [_day(w) for w in work_orders(first)][:2] == [dt.date(2026, 3, 10), dt.date(2026, 4, 10)]
    assert [_day(w) for w in work_orders(second)][:2] == [dt.date(2026, 3, 9), dt.date(2026, 4, 9)]
    assert regenerate(world.site).updated == 0


def test_a_tank_applied_on_a_friday_afternoon_is_first_cleaned_the_day_after_its_siblings_monday(
    world: World, create_location, create_equipment, make_plan
) -> None:
    """Its first visit moves to Monday (the next working day), where the first tank's
    statutory cleaning already is, and neither window goes past Monday: the first tank's
    stays, and the new tank's first visit, with no period to keep yet, takes Tuesday."""
    tank_a, tank_b = _tanks(world, create_location, create_equipment)
    _cleaning(make_plan, tank_a, 9)
    generate()
    with clock.pinned(FRIDAY_AFTERNOON.astimezone(dt.UTC)):
        applied = _cleaning(make_plan, tank_b, 6, starts_on=FRIDAY_AFTERNOON.date())
        generate(plans=[applied])
        assert regenerate(world.site).updated == 0  # the same placement, run after run
    visit = work_orders(applied)[0]
    assert visit.due_at == dt.datetime(2026, 3, 10, 9, tzinfo=SHANGHAI)
    assert visit.window_end.astimezone(SHANGHAI).date() == dt.date(2026, 3, 10)
    assert {"first_visit_moved", "outage_staggered"} <= set(_codes(visit))
    cuts = _cuts()
    assert not any(a.due_at < b.ends_at and b.due_at < a.ends_at for a, b in combinations(cuts, 2))
    assert all(w.ends_at <= w.window_end for w in cuts)


def test_a_cleaning_moves_earlier_only_as_far_as_keeps_its_next_within_the_ceiling(
    world: World, create_location, create_equipment, make_plan
) -> None:
    """The engine placed the next cleaning counting from this one: moved three days
    earlier, it would leave the next 34 days on, past a 31-day ceiling. The ceiling wins,
    and the clash is left for a person, saying so."""
    tank_a, tank_b = _tanks(world, create_location, create_equipment)
    make_plan(
        name="生活水箱A年度清洗", equipment_id=tank_a.id, catalog_type_key="water_tank",
        catalog_task_key="clean_disinfect_test", rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=10",
        duration_minutes=360, tolerance_before_days=15, performer="licensed_contractor",
    )  # fmt: skip
    monthly = _cleaning(make_plan, tank_b, 10, ceiling_days=31)
    generate()
    days = [_day(w) for w in work_orders(monthly) if w.status != "skipped"]
    assert len(days) >= 3
    assert all((b - a).days <= 31 for a, b in pairwise(days)), days
    march = work_orders(monthly)[0]
    assert _day(march) == dt.date(2026, 3, 10)
    assert "outage_unresolved" in _codes(march)
