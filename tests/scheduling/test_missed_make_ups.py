"""Make-up visits missed in turn: the lift is never left past its 15 days, and the
quarterly items they all carried are done once.

A make-up for a missed quarterly visit goes on the first working day but keeps the
later slot it was pulled from as its key. The soak (seed 3, 2012) had a technician
miss four such visits running: the re-plan's next visit wanted a key a missed row
held and was silently dropped (an escalator 28 days without a visit), and two
make-ups of one quarterly instance each did the quarterly items, a day apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from app.core import clock
from app.extensions import db
from app.people.models import User
from app.plans.models import Plan
from app.scheduling.generation import generate, regenerate_plan
from app.workorders.checklist import items_for
from app.workorders.models import WorkOrder
from app.workorders.services import mark_missed

from .conftest import World
from .kit import SHANGHAI, work_orders
from .test_missed_tiers import QUARTERLY_ITEM, _done

CEILING = dt.timedelta(days=15)


def _night(day: dt.date) -> None:
    """What the worker does at 02:00: store the horizon, mark yesterday's misses."""
    with clock.pinned(dt.datetime.combine(day, dt.time(2), SHANGHAI)):
        generate()
        mark_missed(clock.utcnow())
    db.session.commit()


def _visits(base: Plan) -> list[WorkOrder]:
    """Every visit in the order it is due (a make-up keeps its later slot)."""
    rows = [w for w in work_orders(base) if w.status not in ("skipped", "cancelled")]
    return sorted(rows, key=lambda w: w.due_at)


def _next_open(base: Plan, after: dt.datetime) -> WorkOrder | None:
    return next((w for w in _visits(base) if w.due_at > after and w.status != "missed"), None)


def _miss_in_turn(base: Plan, quarterly: Plan, misses: int) -> list[WorkOrder]:
    """From 2026-03-20 every visit is missed, until `misses` of them carried the
    quarterly items, with the nightly job run every day; returns those rows."""
    quarterly.checklist = [QUARTERLY_ITEM]
    db.session.commit()
    day = dt.date(2026, 3, 20)
    _night(day)
    missed: list[WorkOrder] = []
    while len(missed) < misses:
        day += dt.timedelta(days=1)
        _night(day)
        missed = [
            w for w in _visits(base) if w.status == "missed" and str(quarterly.id) in w.includes
        ]
        assert day < dt.date(2026, 7, 1), "the quarterly visit never came up"
    return missed


@pytest.mark.parametrize("anchor", ["fixed", "completion"])
def test_after_make_ups_missed_in_turn_the_next_visit_is_within_the_ceiling(
    world: World, elevator_group: list[Plan], anchor: str
) -> None:
    base, quarterly, *_ = elevator_group
    base.anchor = anchor
    missed = _miss_in_turn(base, quarterly, 4)

    assert len({w.slot for w in missed}) == 4
    last = missed[-1]
    following = _next_open(base, last.due_at)
    assert following is not None, "no visit after the last missed make-up"
    assert following.due_at - last.due_at <= CEILING
    assert str(quarterly.id) in following.includes, "the quarterly items are still owed"


@pytest.mark.parametrize("anchor", ["fixed", "completion"])
def test_a_make_up_done_after_others_were_missed_restarts_the_ceiling_from_its_day(
    world: World, elevator_group: list[Plan], create_user: Callable[..., User], anchor: str
) -> None:
    base, quarterly, *_ = elevator_group
    base.anchor = anchor
    supervisor = create_user("chen", "陈主管", "supervisor")
    missed = _miss_in_turn(base, quarterly, 3)
    make_up = _next_open(base, missed[-1].due_at)
    assert make_up is not None
    _done(make_up, supervisor, make_up.due_at + dt.timedelta(hours=1))
    _night(make_up.due_at.astimezone(SHANGHAI).date() + dt.timedelta(days=1))

    following = _next_open(base, make_up.due_at)
    assert following is not None
    assert following.due_at - make_up.due_at <= CEILING
    assert str(quarterly.id) not in following.includes, "the quarterly items were done"


def test_two_missed_make_ups_of_one_quarterly_visit_give_it_up_when_a_third_is_done(
    world: World, elevator_group: list[Plan], create_user: Callable[..., User]
) -> None:
    base, quarterly, *_ = elevator_group
    supervisor = create_user("chen", "陈主管", "supervisor")
    missed = _miss_in_turn(base, quarterly, 3)
    make_up = _next_open(base, missed[-1].due_at)
    assert make_up is not None and str(quarterly.id) in make_up.includes
    _done(make_up, supervisor, make_up.due_at + dt.timedelta(hours=1))

    for row in missed:
        db.session.refresh(row)
        assert any(r["code"] == "tier_done_elsewhere" for r in row.reasons), row.reasons
        _done(row, supervisor, make_up.due_at + dt.timedelta(hours=2))
        assert row.includes == [str(base.id)], "a late completion records only its own items"
    doing_quarterly = [
        w for w in _visits(base) if str(quarterly.id) in w.includes and w.completed_at
    ]
    assert [w.id for w in doing_quarterly] == [make_up.id]


@pytest.mark.parametrize("run", ["nightly", "re-plan"])
def test_a_missed_row_holding_a_later_slots_key_does_not_swallow_that_slots_visit(
    world: World, make_plan: Callable[..., Plan], run: str
) -> None:
    """The collision itself, on a plain weekly plan: a row keyed by next Friday's slot
    was done early (pulled to yesterday) and missed; Friday's visit is still stored."""
    plan = make_plan(name="水泵房巡检", rrule="FREQ=WEEKLY;BYDAY=FR")
    now = dt.datetime(2026, 3, 17, 10, tzinfo=SHANGHAI)  # a Tuesday
    with clock.pinned(now):
        generate()
    db.session.commit()
    friday = next(w for w in work_orders(plan) if w.due_at > now)
    slot = friday.slot
    friday.due_at = friday.window_start = now - dt.timedelta(days=1)
    friday.ends_at = friday.window_end = now - dt.timedelta(days=1, hours=-1)
    friday.status = "missed"
    db.session.commit()

    with clock.pinned(now):
        generate() if run == "nightly" else regenerate_plan(plan)
    db.session.commit()

    visit = next((w for w in work_orders(plan) if w.status != "missed" and w.slot > slot), None)
    assert visit is not None
    assert visit.due_at.astimezone(SHANGHAI).date() == dt.date(2026, 3, 20)
    assert visit.slot - slot == dt.timedelta(seconds=1), "keyed next to the missed row"
    with clock.pinned(now):
        again = generate() if run == "nightly" else regenerate_plan(plan)
    db.session.commit()
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0), "the key is stable"


def test_a_done_make_up_settles_another_make_up_of_the_same_quarterly_visit(
    world: World, elevator_group: list[Plan], create_user: Callable[..., User]
) -> None:
    """Two make-ups name the missed tier's slot, not each other (seed 3, 2012: 10-17 and
    10-18): completing one settles the other, still open."""
    base, quarterly, *_ = elevator_group
    supervisor = create_user("chen", "陈主管", "supervisor")
    quarterly.checklist = [QUARTERLY_ITEM]
    db.session.commit()
    with clock.pinned(dt.datetime(2026, 3, 20, 9, tzinfo=SHANGHAI)):
        generate()
    db.session.commit()
    plain = [w for w in _visits(base) if w.includes == [str(base.id)]][:2]
    carried = {
        "code": "tier_carried",
        "params": {"tier": str(quarterly.id), "tier_slot": "2026-01-15"},
    }
    for row in plain:
        row.includes = [str(base.id), str(quarterly.id)]
        row.tier = str(quarterly.id)
        row.reasons = [carried]
    db.session.commit()
    first, second = plain

    _done(second, supervisor, second.due_at + dt.timedelta(hours=1))

    db.session.refresh(first)
    assert any(r["code"] == "tier_done_elsewhere" for r in first.reasons)
    assert first.includes == [str(base.id)]
    assert QUARTERLY_ITEM["key"] not in {item.key for item in items_for(first)}


@pytest.mark.parametrize("anchor", ["fixed", "completion"])
def test_a_replan_while_a_quarterly_visit_is_overdue_but_open_does_not_make_it_up_too(
    world: World, elevator_group: list[Plan], anchor: str
) -> None:
    """Past its due time but still open in its window, the visit still owes its tiers
    to itself: a re-plan then (a neighbour lift's completion re-plans the building) made
    its quarterly items up on the next working day as well (soak seed 11, 2022)."""
    base, quarterly, *_ = elevator_group
    base.anchor = anchor
    db.session.commit()
    _night(dt.date(2026, 3, 20))
    carrying = next(w for w in _visits(base) if str(quarterly.id) in w.includes)
    assert carrying.window_end - carrying.due_at > dt.timedelta(hours=2)
    with clock.pinned(carrying.due_at + dt.timedelta(hours=1)):  # due, not yet done
        result = regenerate_plan(base)
    db.session.commit()
    again = [w for w in _visits(base) if str(quarterly.id) in w.includes and w.id != carrying.id]
    assert all(w.due_at - carrying.due_at > dt.timedelta(days=60) for w in again), again
    assert result.updated == 0  # the stored visits stand
