"""A re-plan moves only the work it must: a previous assignee still able to do a visit
keeps it, so a regenerate meets the rows the nightly run stored, and whatever does
move says why."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import (
    AssignmentRule,
    Leave,
    LoadLedger,
    Plan,
    StaffAssigner,
    StaffMember,
    Strategy,
    Team,
    WorkCalendar,
    build_roster,
    generate,
)

FIRST = dt.date(2026, 3, 2)
PEOPLE = ("wang", "li", "zhao", "sun")
STAFF = {m: StaffMember(m, m) for m in PEOPLE}
WINDOW = (FIRST, FIRST + dt.timedelta(days=14))


def roster(leaves: list[Leave]):  # type: ignore[no-untyped-def]
    team = Team("A", PEOPLE, "three_team_two_shift")
    return build_roster([team], FIRST, WINDOW[1], epoch=FIRST, leaves=leaves)


def plans(count: int) -> list[Plan]:
    return [
        Plan(f"p{n}", "FREQ=DAILY", dt.datetime.combine(FIRST, dt.time(9 + n % 6)))
        for n in range(count)
    ]


def replan(
    built: list[Plan],
    strategy: Strategy,
    calendar: WorkCalendar,
    leaves: list[Leave],
    previous: dict[tuple[str, dt.datetime], str | None] | None = None,
) -> dict[tuple[str, dt.datetime], tuple[str | None, tuple[str, ...]]]:
    """(plan, slot) → (assignee, reason codes); one shared ledger, as generation runs."""
    ledger, rule, made = LoadLedger(), AssignmentRule(strategy, PEOPLE), {}
    for plan in built:
        assigner = StaffAssigner(rule, STAFF, roster(leaves), ledger=ledger)
        for visit in generate(plan, calendar, *WINDOW):
            before = (previous or {}).get((plan.key, visit.slot))
            chosen = assigner.assign(visit.due, visit.ends, before)
            assigned = replace(
                visit, assignee=chosen.assignee, reasons=visit.reasons + chosen.reasons
            )
            visit = assigner.explain_change(assigned, before)
            made[plan.key, visit.slot] = (visit.assignee, tuple(r.code for r in visit.reasons))
    return made


@settings(max_examples=25, deadline=None)
@given(
    count=st.integers(1, 12),
    strategy=st.sampled_from([Strategy.LEAST_LOADED, Strategy.FIXED]),
    absent=st.sampled_from(PEOPLE),
    day=st.integers(0, 13),
)
def test_a_replan_after_leave_moves_only_the_absent_persons_visits_each_with_a_reason(
    count: int, strategy: Strategy, absent: str, day: int, calendar: WorkCalendar
) -> None:
    built = plans(count)
    first = replan(built, strategy, calendar, [])
    leave = FIRST + dt.timedelta(days=day)
    stored = {key: who for key, (who, _codes) in first.items()}
    again = replan(built, strategy, calendar, [Leave(absent, leave, leave)], stored)
    for key, (who, codes) in again.items():
        was = stored[key]
        if was == absent and key[1].date() == leave:
            assert who != absent
            if who is not None:
                assert "reassigned" in codes
        elif strategy is Strategy.LEAST_LOADED or was != PEOPLE[0]:
            assert who == was, key
        if who is not None and was is not None and who != was:
            assert "reassigned" in codes


@settings(max_examples=15, deadline=None)
@given(count=st.integers(1, 12))
def test_re_planning_with_nothing_changed_keeps_every_assignee(
    count: int, calendar: WorkCalendar
) -> None:
    built = plans(count)
    first = replan(built, Strategy.LEAST_LOADED, calendar, [])
    assert any(who for who, _codes in first.values())
    stored = {key: who for key, (who, _codes) in first.items()}
    assert replan(built, Strategy.LEAST_LOADED, calendar, [], stored) == first
