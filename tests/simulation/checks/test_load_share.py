"""The load-share invariant fails on the piles issue 12 found and passes on a fair day."""

from __future__ import annotations

import datetime as dt

from app.plans.models import Plan
from tests.simulation.invariants import (
    no_qualified_person_on_duty_carries_more_than_the_even_share_plus_one_task_a_day as check,
)
from tests.simulation.record import TZ, Record, Row, Scenario

DAY = dt.date(2026, 3, 3)
TEAM = 7
ON_DUTY = frozenset({1, 2, 3, 4, 5})


def _record(tasks: list[tuple[int, int]]) -> Record:
    """A day of least-loaded tasks, (person, minutes) each, with five people on duty."""
    record = Record(Scenario(1, "next", 2026), dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    record.plans[1] = Plan(id=1, assignment_strategy="least_loaded", licence_kind=None)
    record.on_duty[(TEAM, DAY)] = ON_DUTY
    at = dt.datetime.combine(DAY, dt.time(9), TZ)
    for number, (person, minutes) in enumerate(tasks):
        due = at + dt.timedelta(minutes=number)
        record.rows.append(
            Row(number, "planned", 1, None, due, due, due + dt.timedelta(minutes=minutes),
                due, "assigned", None, (), person, TEAM, False, (), None, False)
        )  # fmt: skip
    return record


def test_a_day_of_tasks_piled_on_one_person_breaks_the_promise() -> None:
    assert check(_record([(1, 30)] * 10))


def test_ten_short_tasks_beside_long_ones_of_the_same_time_keep_it() -> None:
    tasks = [(1, 10)] * 10 + [(p, 50) for p in (2, 3, 4, 5) for _ in range(2)]
    assert not check(_record(tasks))


def test_two_tasks_on_one_person_keep_it() -> None:
    assert not check(_record([(1, 20), (1, 10)]))


def test_many_more_tasks_and_minutes_than_the_rest_break_it() -> None:
    tasks = [(1, 30)] * 8 + [(p, 30) for p in (2, 3, 4, 5)]
    assert check(_record(tasks))
