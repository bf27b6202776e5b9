"""Generation weighs a person's whole work, keeps what a re-plan need not move, and
staggers the visits that take a building's lifts, power or water out of service."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from itertools import combinations

from app.equipment.models import Equipment
from app.extensions import db
from app.plans.models import Plan
from app.rosters.models import StaffLeave
from app.scheduling.generation import generate, regenerate
from app.scheduling.preview import preview_plan
from app.workorders.models import WorkOrder

from .conftest import World
from .kit import SHANGHAI, work_orders

WEEK = [dt.date(2026, 3, 3) + dt.timedelta(days=n) for n in range(4)]  # Tue–Fri


def _least_loaded_team(
    make_team, make_staff, make_plan, plans: int
) -> tuple[list[int], list[Plan]]:
    team = make_team("CLN", "office_week", kind="cleaning")
    people = [make_staff(f"c{n}", f"保洁{n}", team=team).id for n in range(3)]
    made = [
        make_plan(
            name=f"保洁{n}",
            team_id=team.id,
            assignment_strategy="least_loaded",
            time_of_day=dt.time(10, 0),
            duration_minutes=30,
        )
        for n in range(plans)
    ]
    return people, made


def _per_person(day: dt.date) -> Counter[int | None]:
    return Counter(
        w.assignee_id
        for w in work_orders()
        if w.due_at.astimezone(SHANGHAI).date() == day and w.status != "skipped"
    )


def test_six_least_loaded_plans_of_one_team_give_each_of_three_cleaners_two_visits_a_day(
    world: World, make_team, make_staff, make_plan
) -> None:
    people, _ = _least_loaded_team(make_team, make_staff, make_plan, plans=6)
    generate()
    for day in WEEK:
        assert _per_person(day) == {person: 2 for person in people}, day


def test_a_regenerate_keeps_every_assignee_the_first_run_stored(
    world: World, make_team, make_staff, make_plan
) -> None:
    _least_loaded_team(make_team, make_staff, make_plan, plans=5)
    generate()
    before = {w.id: (w.assignee_id, w.revision) for w in work_orders()}
    result = regenerate(world.site)
    db.session.expire_all()
    assert {w.id: (w.assignee_id, w.revision) for w in work_orders()} == before
    assert result.updated == 0


def test_leave_moves_only_the_absent_cleaners_visits_and_each_says_why(
    world: World, make_team, make_staff, make_plan
) -> None:
    people, _ = _least_loaded_team(make_team, make_staff, make_plan, plans=6)
    generate()
    before = {w.id: w.assignee_id for w in work_orders()}
    absent = people[0]
    db.session.add(StaffLeave(user_id=absent, starts_on=WEEK[1], ends_on=WEEK[1]))
    db.session.commit()
    regenerate(world.site)
    db.session.expire_all()
    for row in work_orders():
        on_leave_day = row.due_at.astimezone(SHANGHAI).date() == WEEK[1]
        if before[row.id] != absent or not on_leave_day:
            assert row.assignee_id == before[row.id], row.due_at
            continue
        assert row.assignee_id in people[1:]
        reason = row.reasons[-1]
        assert reason["code"] == "reassigned" and reason["params"]["cause"] == "on_leave"
    assert _per_person(WEEK[1]) == {people[1]: 3, people[2]: 3}


def _lift(
    world: World, create_equipment: Callable[..., Equipment], code: str, **attrs: bool
) -> Equipment:
    lift = create_equipment(
        world.site,
        code,
        f"{code}客梯",
        "elevator",
        location=world.building,
        type_key="traction_elevator",
        attributes=attrs,
    )
    db.session.commit()
    return lift


def _outage_plan(make_plan, equipment: Equipment, task: str, rule: str, minutes: int) -> Plan:
    return make_plan(
        name=f"{equipment.name} {task}",
        equipment_id=equipment.id,
        catalog_type_key=equipment.type_key,
        catalog_task_key=task,
        rrule=rule,
        time_of_day=dt.time(10, 0),
        duration_minutes=minutes,
        performer="licensed_contractor",
    )


def _overlap(first: WorkOrder, second: WorkOrder) -> bool:
    return first.due_at < second.ends_at and second.due_at < first.ends_at


def test_a_buildings_three_lifts_are_never_all_out_and_the_fire_lift_is_out_alone(
    world: World, create_equipment, make_plan
) -> None:
    fire = _lift(world, create_equipment, "EL-F", fire_lift=True)
    lifts = [fire, _lift(world, create_equipment, "EL-2"), _lift(world, create_equipment, "EL-3")]
    half_monthly = "FREQ=DAILY;INTERVAL=15"
    plans = [_outage_plan(make_plan, e, "half_monthly", half_monthly, 50) for e in lifts]
    generate()
    rows = [w for w in work_orders() if w.status != "skipped"]
    fire_rows = [w for w in rows if w.plan_id == plans[0].id]
    others = [w for w in rows if w.plan_id != plans[0].id]
    assert fire_rows and others
    assert not any(_overlap(f, o) for f in fire_rows for o in others)
    for a, b in combinations(others, 2):
        together = [w for w in rows if _overlap(w, a) and _overlap(w, b)]
        assert len({w.plan_id for w in together}) < 3
    moved = [w for w in rows if any(r["code"] == "outage_staggered" for r in w.reasons)]
    assert moved and all(w.due_at != w.slot for w in moved)
    assert "错开" in preview_plan(plans[1]).visits[0].reasons[-1].render("zh")


def test_two_transformers_power_cuts_follow_one_another_and_a_regenerate_keeps_them(
    world: World, create_equipment, make_plan
) -> None:
    transformers = [
        create_equipment(
            world.site, f"TR-{n}", f"{n}#变压器", "power", location=world.building,
            type_key="transformer",
        )
        for n in (1, 2)
    ]  # fmt: skip
    db.session.commit()
    for transformer in transformers:
        _outage_plan(make_plan, transformer, "outage_maintenance", "FREQ=MONTHLY", 240)
    generate()
    rows = [w for w in work_orders() if w.status != "skipped"]
    assert not any(_overlap(a, b) for a, b in combinations(rows, 2))
    second = [w for w in rows if w.plan_id == rows[-1].plan_id]
    assert all(w.due_at.astimezone(SHANGHAI).time() == dt.time(14, 0) for w in second)
    assert regenerate(world.site).updated == 0
