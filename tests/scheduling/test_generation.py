"""Generating work orders from plans: the year a supervisor will see, and safe repeats."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from app.core import clock
from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation import BatchProgress, generate
from app.scheduling.mapping import title
from app.workorders.models import WorkOrder

from .conftest import World
from .kit import NEW_YEAR_2026, SHANGHAI, local_days, snapshot, work_orders

YEAR_END = dt.date(2027, 1, 1)


def visits(rows: list[WorkOrder]) -> list[WorkOrder]:
    return [w for w in rows if w.status != "skipped"]


def test_an_elevator_tier_group_keeps_the_15_day_ceiling_all_2026(
    world: World, elevator_group: list[Plan]
) -> None:
    with clock.pinned(NEW_YEAR_2026):
        result = generate(until=YEAR_END)
    base, quarterly, half_yearly, annual = elevator_group
    rows = visits(work_orders())
    assert {w.plan_id for w in rows} == {base.id}, "the whole group is stored under its base"
    days = local_days(rows)
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    assert max(gaps) <= 15
    assert len(rows) >= 25
    assert result.problems == []

    def months_including(plan: Plan) -> set[int]:
        return {d.month for w, d in zip(rows, days, strict=True) if str(plan.id) in w.includes}

    assert months_including(quarterly) == {1, 4, 7, 10}
    assert months_including(half_yearly) == {1, 7}
    assert months_including(annual) == {7}
    july = next(w for w in rows if w.tier == str(annual.id))
    assert july.includes == [str(p.id) for p in elevator_group]
    assert july.title == "电梯年度保养 · 1号楼 2#客梯"
    assert any(r["code"] == "tier_merged" for r in july.reasons)


def test_a_half_monthly_visit_on_a_holiday_moves_to_the_next_working_day(
    world: World, elevator_group: list[Plan]
) -> None:
    with clock.pinned(NEW_YEAR_2026):
        generate(until=YEAR_END)
    new_year = next(w for w in work_orders() if w.slot.astimezone(SHANGHAI).date().day == 1)
    assert new_year.slot.astimezone(SHANGHAI).date() == dt.date(2026, 1, 1)
    assert new_year.due_at.astimezone(SHANGHAI).date() == dt.date(2026, 1, 4)
    assert new_year.reasons[0]["code"] == "holiday_moved"
    assert new_year.title == "电梯半月保养 · 1号楼 2#客梯"


def test_an_office_week_plan_works_on_makeup_saturdays_and_rests_on_holidays(
    world: World, make_plan: Callable[..., Plan], make_team, make_staff
) -> None:
    office = make_team("ADMIN", "office_week", kind="customer_service")
    clerk = make_staff("clerk", "王芳", team=office)
    plan = make_plan(
        name="客服前台巡查", holiday_policy="skip", team_id=office.id, time_of_day=dt.time(10)
    )
    with clock.pinned(NEW_YEAR_2026):
        generate(until=YEAR_END)
    by_day = {w.slot.astimezone(SHANGHAI).date(): w for w in work_orders(plan)}
    for makeup_saturday in (dt.date(2026, 2, 14), dt.date(2026, 2, 28), dt.date(2026, 10, 10)):
        assert by_day[makeup_saturday].status == "assigned"
        assert by_day[makeup_saturday].assignee_id == clerk.id
    for holiday in (dt.date(2026, 10, 1), dt.date(2026, 10, 5), dt.date(2026, 2, 17)):
        assert by_day[holiday].status == "skipped"
        assert by_day[holiday].reasons[0]["code"] == "holiday_skipped"
    assert by_day[dt.date(2026, 3, 7)].status == "skipped"  # an ordinary Saturday
    assert len(visits(list(by_day.values()))) == 248  # China's working days in 2026


def test_a_holiday_ignoring_patrol_runs_every_day_of_the_year(
    world: World, make_plan: Callable[..., Plan]
) -> None:
    plan = make_plan(
        name="夜间巡更", kind="patrol", holiday_policy="ignore", time_of_day=dt.time(22)
    )
    with clock.pinned(NEW_YEAR_2026):
        generate(until=YEAR_END)
    rows = work_orders(plan)
    assert len(rows) == 365
    assert all(w.status == "planned" and w.due_at == w.slot for w in rows)
    assert rows[0].due_at.astimezone(SHANGHAI) == dt.datetime(2026, 1, 1, 22, tzinfo=SHANGHAI)


def test_only_visits_due_after_now_are_stored(world: World, make_plan) -> None:
    plan = make_plan(holiday_policy="ignore", time_of_day=dt.time(8))
    generate(until=dt.date(2026, 3, 5))  # the clock says Monday 2026-03-02 09:00
    assert local_days(work_orders(plan)) == [dt.date(2026, 3, 3), dt.date(2026, 3, 4)]


def test_the_horizon_defaults_to_the_configured_days(app: Flask, world: World, make_plan) -> None:
    app.config["ROUNDS_HORIZON_DAYS"] = 10
    plan = make_plan(holiday_policy="ignore", time_of_day=dt.time(10))  # now is 09:00
    result = generate()
    assert len(work_orders(plan)) == 10
    assert result.until - clock.utcnow() == dt.timedelta(days=10)


def test_a_yearly_task_always_has_its_next_visit_on_file(world: World, make_plan) -> None:
    plan = make_plan(
        name="防雷检测",
        rrule="FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=20",
        starts_on=dt.date(2025, 4, 20),
    )
    with clock.pinned(dt.datetime(2026, 5, 1, tzinfo=SHANGHAI)):
        generate()
    assert local_days(work_orders(plan)) == [dt.date(2027, 4, 20)]


def test_running_twice_stores_each_visit_once(world: World, elevator_group, make_plan) -> None:
    make_plan(name="水泵房巡检", rrule="FREQ=WEEKLY;BYDAY=MO,TH", holiday_policy="previous")
    first = generate(until=dt.date(2026, 9, 1))
    once = snapshot()
    second = generate(until=dt.date(2026, 9, 1))
    assert snapshot() == once
    assert first.inserted == len(once) and second.inserted == 0


def test_two_runs_at_once_store_the_same_rows_as_one(
    app: Flask, world: World, elevator_group, make_plan
) -> None:
    for index in range(6):
        make_plan(name=f"保洁{index}", holiday_policy="ignore", time_of_day=dt.time(7 + index))
    generate(until=dt.date(2026, 6, 1))
    expected = snapshot()
    db.session.execute(delete(WorkOrder))
    db.session.commit()

    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                generate(until=dt.date(2026, 6, 1), row_batch=50, plan_batch=2)
                db.session.remove()
        except BaseException as error:  # surfaced below, so a failing thread fails the test
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert snapshot() == expected


class Crash(RuntimeError):
    pass


def test_a_run_killed_midway_and_started_again_equals_one_clean_run(
    world: World, elevator_group, make_plan, make_team, make_staff
) -> None:
    team = make_team("ENG", "four_team_three_shift")
    for offset in (0, 2, 4, 6):
        make_staff(f"eng{offset}", f"工程{offset}", team=team, offset=offset)
    make_plan(name="配电房巡检", team_id=team.id, assignment_strategy="round_robin")
    make_plan(name="消防巡查", rrule="FREQ=WEEKLY;BYDAY=FR", holiday_policy="skip")
    generate(until=dt.date(2026, 8, 1))
    clean = snapshot()
    db.session.execute(delete(WorkOrder))
    db.session.commit()

    def crash_after_three(progress: BatchProgress) -> None:
        if progress.rows_written >= 3 * 40:
            raise Crash

    with pytest.raises(Crash):
        generate(until=dt.date(2026, 8, 1), row_batch=40, plan_batch=1, on_batch=crash_after_three)
    partial = db.session.scalar(select(func.count()).select_from(WorkOrder))
    assert 0 < partial < len(clean)
    generate(until=dt.date(2026, 8, 1), row_batch=40, plan_batch=1)
    assert snapshot() == clean


def test_a_plan_the_engine_refuses_is_reported_and_the_others_still_run(
    world: World, make_plan
) -> None:
    bad = make_plan(name="坏规则", rrule="FREQ=FORTNIGHTLY")
    good = make_plan(name="好规则")
    result = generate(until=dt.date(2026, 3, 10))
    assert [p.plan_id for p in result.problems] == [bad.id]
    assert "FREQ" in result.problems[0].message
    assert work_orders(bad) == [] and len(work_orders(good)) > 0


def test_inactive_plans_get_no_work_orders(world: World, make_plan) -> None:
    plan = make_plan(active=False)
    generate(until=dt.date(2026, 4, 1))
    assert work_orders(plan) == []


def test_the_nightly_run_extends_the_horizon_by_the_days_that_passed(
    world: World, make_plan
) -> None:
    plan = make_plan(holiday_policy="ignore", time_of_day=dt.time(10))
    first = generate()  # Monday 2026-03-02 09:00: 90 days
    before = snapshot()
    with clock.pinned(dt.datetime(2026, 3, 4, 2, 0, tzinfo=SHANGHAI)):  # two nights later
        second = generate()
    assert first.inserted == 90
    assert second.inserted == 2 and snapshot()[: len(before)] == before
    assert local_days(work_orders(plan))[-1] == dt.date(2026, 6, 1)


def test_a_work_title_names_the_asset_once_when_the_plan_name_already_carries_it() -> None:
    assert (
        title("生活水箱A 水箱间卫生检查", "1号楼 生活水箱A", "生活水箱A")
        == "生活水箱A 水箱间卫生检查 · 1号楼"
    )
    plain = title("水箱间卫生检查", "1号楼 生活水箱A", "生活水箱A")
    assert plain == "水箱间卫生检查 · 1号楼 生活水箱A"
