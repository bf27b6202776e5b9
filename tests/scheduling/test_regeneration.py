"""Regeneration after a change: future untouched rows follow it, people's work never moves."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest

from app.calendars.models import CalendarOverride
from app.core import clock
from app.extensions import db
from app.plans.models import Plan
from app.rosters.models import StaffLeave
from app.scheduling.generation import generate, regenerate, regenerate_plan
from app.workorders.models import WorkOrder

from .conftest import World
from .kit import SHANGHAI, local_days, snapshot, work_orders

# The clock is pinned to Monday 2026-03-02 09:00 Shanghai; the horizon is 90 days.


SET_UP = dt.datetime(2026, 2, 27, 17, tzinfo=SHANGHAI)
"""When these plans were set up: before the Monday they are generated on, so their
09:00 visit that Monday is neither stored (due at the run's very minute) nor moved as a
fresh plan's first visit."""


def by_day(plan: Plan) -> dict[dt.date, WorkOrder]:
    return {w.slot.astimezone(SHANGHAI).date(): w for w in work_orders(plan)}


def local_time(row: WorkOrder) -> dt.time:
    return row.due_at.astimezone(SHANGHAI).time()


def test_an_edited_time_moves_untouched_future_rows_in_place_and_leaves_peoples_work(
    world: World, make_plan: Callable[..., Plan]
) -> None:
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR", holiday_policy="ignore", created_at=SET_UP)
    generate()
    rows = by_day(plan)
    started, done, edited = (
        rows[dt.date(2026, 3, 4)],
        rows[dt.date(2026, 3, 6)],
        rows[dt.date(2026, 3, 9)],
    )
    started.status, started.touched = "in_progress", True
    done.status, done.touched, done.completed_at = "done", True, clock.utcnow()
    edited.touched = True
    db.session.commit()
    ids_before = {day: w.id for day, w in rows.items()}

    plan.time_of_day = dt.time(14, 30)
    result = regenerate_plan(plan)
    db.session.commit()

    after = by_day(plan)
    assert {day: after[day].id for day in ids_before} == ids_before, "ids (feed UIDs) are kept"
    assert set(after) - set(ids_before) == {dt.date(2026, 3, 2)}  # 14:30 today is still ahead
    for day in (dt.date(2026, 3, 4), dt.date(2026, 3, 6), dt.date(2026, 3, 9)):
        assert local_time(after[day]) == dt.time(9) and after[day].revision == 0
    moved = after[dt.date(2026, 3, 11)]
    assert local_time(moved) == dt.time(14, 30)
    assert moved.revision == 1 and moved.version == 2
    assert result.updated == len(rows) - 3 and result.deleted == 0 and result.inserted == 1


def test_regenerating_an_unchanged_plan_changes_nothing(world: World, make_plan) -> None:
    make_plan(rrule="FREQ=WEEKLY;BYDAY=MO", holiday_policy="next")
    plan = make_plan(name="二次供水", rrule="FREQ=DAILY;INTERVAL=3", ceiling_days=4)
    generate()
    before = snapshot()
    result = regenerate_plan(plan)
    db.session.commit()
    assert result.updated == result.inserted == result.deleted == 0
    assert result.unchanged > 0
    assert snapshot() == before


def test_a_new_rule_deletes_visits_that_no_longer_occur_but_keeps_touched_ones(
    world: World, make_plan
) -> None:
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=MO", holiday_policy="ignore", created_at=SET_UP)
    generate()
    kept = by_day(plan)[dt.date(2026, 3, 16)]
    kept.touched = True
    db.session.commit()

    plan.rrule = "FREQ=WEEKLY;BYDAY=TU"
    result = regenerate_plan(plan)
    db.session.commit()

    days = sorted(by_day(plan))
    assert days[:5] == [dt.date(2026, 3, d) for d in (3, 10, 16, 17, 24)]
    assert [d.weekday() for d in days if d != dt.date(2026, 3, 16)] == [1] * (len(days) - 1)
    assert (result.deleted, result.inserted) == (11, 13)  # Mondays 9 Mar–25 May but one; Tuesdays


def test_rows_already_due_are_history_and_stay_as_they_were(world: World, make_plan) -> None:
    plan = make_plan(holiday_policy="ignore", time_of_day=dt.time(10))
    with clock.pinned(dt.datetime(2026, 3, 1, tzinfo=SHANGHAI)):
        generate()
    yesterday = by_day(plan)[dt.date(2026, 3, 1)]
    plan.time_of_day = dt.time(16)
    regenerate_plan(plan)
    db.session.commit()
    assert local_time(by_day(plan)[dt.date(2026, 3, 1)]) == dt.time(10)
    assert yesterday.revision == 0
    assert local_time(by_day(plan)[dt.date(2026, 3, 2)]) == dt.time(16)


def test_a_deactivated_plan_loses_its_untouched_future_rows_only(world: World, make_plan) -> None:
    plan = make_plan(holiday_policy="ignore")
    generate()
    keep = by_day(plan)[dt.date(2026, 3, 20)]
    keep.status, keep.touched = "done", True
    db.session.commit()
    plan.active = False
    regenerate_plan(plan)
    db.session.commit()
    assert [w.id for w in work_orders(plan)] == [keep.id]


def test_editing_a_higher_tier_redoes_the_whole_group_under_its_base(
    world: World, elevator_group: list[Plan]
) -> None:
    base, quarterly, *_ = elevator_group
    generate()
    upgraded = [d for d, w in by_day(base).items() if w.tier == str(quarterly.id)]
    assert [d.month for d in upgraded] == [4]

    quarterly.rrule = "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1"
    regenerate_plan(quarterly)
    db.session.commit()
    rows = by_day(base)
    upgraded = [d for d, w in rows.items() if w.tier == str(quarterly.id)]
    assert upgraded == [dt.date(2026, 5, 1)]
    assert rows[dt.date(2026, 4, 16)].tier == str(base.id)
    assert work_orders(quarterly) == []


def test_leave_reassigns_untouched_visits_to_a_colleague_with_the_reason(
    world: World, make_plan, make_team, make_staff
) -> None:
    team = make_team("ENG", "office_week")
    li = make_staff("li", "李工", team=team)
    zhang = make_staff("zhang", "张工", team=team)
    plan = make_plan(
        name="配电房巡检", rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR", assignee_id=li.id, team_id=team.id
    )
    generate()
    assert {w.assignee_id for w in work_orders(plan) if w.status != "skipped"} == {li.id}

    db.session.add(
        StaffLeave(user_id=li.id, starts_on=dt.date(2026, 3, 9), ends_on=dt.date(2026, 3, 13))
    )
    db.session.commit()
    regenerate(world.site)

    rows = by_day(plan)
    on_leave = rows[dt.date(2026, 3, 11)]
    assert on_leave.assignee_id == zhang.id and on_leave.revision == 1
    reason = on_leave.reasons[-1]
    assert reason["code"] == "reassigned"
    assert reason["params"]["from"] == "李工" and reason["params"]["cause"] == "on_leave"
    assert rows[dt.date(2026, 3, 16)].assignee_id == li.id
    assert rows[dt.date(2026, 3, 16)].revision == 0


def test_a_new_site_holiday_moves_the_untouched_visits_on_it(world: World, make_plan) -> None:
    plan = make_plan(rrule="FREQ=WEEKLY;BYDAY=WE", holiday_policy="next")
    generate()
    db.session.add(
        CalendarOverride(
            site_id=world.site.id, day=dt.date(2026, 3, 18), kind="holiday", note="园区停电检修"
        )
    )
    db.session.commit()
    regenerate(world.site)
    moved = by_day(plan)[dt.date(2026, 3, 18)]
    assert moved.due_at.astimezone(SHANGHAI).date() == dt.date(2026, 3, 19)
    assert moved.reasons[0]["code"] == "holiday_moved"


def test_a_late_completion_restarts_a_completion_anchored_plan(world: World, make_plan) -> None:
    plan = make_plan(
        name="水箱清洗",
        rrule="FREQ=DAILY;INTERVAL=10",
        anchor="completion",
        holiday_policy="ignore",
        created_at=SET_UP,
    )
    generate()
    first = work_orders(plan)[0]
    assert local_days([first]) == [dt.date(2026, 3, 12)]  # every 10 days from 1 Jan
    first.status, first.touched = "done_late", True
    first.completed_at = dt.datetime(2026, 3, 14, 15, tzinfo=SHANGHAI)
    db.session.commit()
    with clock.pinned(dt.datetime(2026, 3, 14, 16, tzinfo=SHANGHAI)):
        regenerate_plan(plan)
    db.session.commit()
    later = [w for w in work_orders(plan) if w.id != first.id]
    assert local_days(later)[:2] == [dt.date(2026, 3, 24), dt.date(2026, 4, 3)]


@pytest.mark.parametrize("anchor", ["fixed", "completion"])
def test_a_late_elevator_visit_restarts_the_15_day_ceiling_and_its_tier_is_not_due_again(
    world: World, elevator_group: list[Plan], anchor: str
) -> None:
    base, quarterly, *_ = elevator_group
    base.anchor = anchor  # the catalog counts half-monthly visits from the last one done
    db.session.commit()
    with clock.pinned(dt.datetime(2026, 3, 20, 9, tzinfo=SHANGHAI)):
        generate()
    april = next(w for w in work_orders(base) if w.tier == str(quarterly.id))
    done_at = april.due_at + dt.timedelta(days=3)
    april.status, april.touched, april.completed_at = "done_late", True, done_at
    db.session.commit()
    with clock.pinned(done_at + dt.timedelta(hours=1)):
        regenerate_plan(base)
    db.session.commit()
    later = [w for w in work_orders(base) if w.due_at > done_at and w.status != "skipped"]
    days = local_days(later)
    assert (days[0] - done_at.astimezone(SHANGHAI).date()).days <= 15
    assert all((b - a).days <= 15 for a, b in itertools.pairwise(days))
    quarterly_id = str(quarterly.id)
    quarterly_days = [d for w, d in zip(later, days, strict=True) if quarterly_id in w.includes]
    assert quarterly_days and quarterly_days[0].month == 7  # April's was done, late
