"""Reasons are true: every reassignment and every unassigned visit says why, and a
licence is blamed only where one is required."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedules import (
    AssignmentRule,
    Leave,
    Licence,
    Plan,
    ReasonCode,
    StaffAssigner,
    StaffMember,
    Status,
    Strategy,
    Team,
    WorkCalendar,
    build_roster,
    generate,
)

FIRST = dt.date(2026, 3, 2)
TEAMS = [
    Team("A", ("wang", "li"), "three_team_two_shift"),
    Team("B", ("zhao",), "three_team_two_shift"),
]
LICENCE_CAUSES = {"no_licence", "licence_expired", "nobody_qualified_on_duty"}


def roster(leaves: list[Leave]):
    return build_roster(TEAMS, FIRST, FIRST + dt.timedelta(days=60), epoch=FIRST, leaves=leaves)


def staff(licensed: set[str]) -> dict[str, StaffMember]:
    return {
        m: StaffMember(m, m, (Licence("lift"),) if m in licensed else ())
        for m in ("wang", "li", "zhao")
    }


def daily_plan() -> Plan:
    return Plan("daily", "FREQ=DAILY", dt.datetime.combine(FIRST, dt.time(10)))


def test_nobody_on_duty_without_a_licence_rule_does_not_blame_a_licence() -> None:
    rule = AssignmentRule(Strategy.FIXED, ("wang",))
    assigner = StaffAssigner(rule, staff(set()), roster([Leave("wang", FIRST, FIRST)]))
    result = assigner.assign(dt.datetime.combine(FIRST, dt.time(10)), dt.datetime.max)
    assert result.unassigned
    assert result.reasons[0].params["cause"] == "nobody_on_duty"
    assert result.reasons[0].render("zh") == "未能派工：无在班人员"


def test_a_re_plan_that_moves_a_visit_to_someone_else_says_why(calendar: WorkCalendar) -> None:
    rule = AssignmentRule(Strategy.FIXED, ("wang", "li", "zhao"))
    window = (FIRST, FIRST + dt.timedelta(days=20))
    before = list(generate(daily_plan(), calendar, *window,
                           assigner=StaffAssigner(rule, staff(set()), roster([]))))  # fmt: skip
    leave = [Leave("wang", FIRST + dt.timedelta(days=3), FIRST + dt.timedelta(days=6))]
    after_assigner = StaffAssigner(rule, staff(set()), roster(leave))
    after = list(generate(daily_plan(), calendar, *window, assigner=after_assigner))
    moved = [
        after_assigner.explain_change(new, old.assignee)
        for old, new in zip(before, after, strict=True)
        if old.assignee != new.assignee and new.assignee is not None
    ]
    assert moved
    for visit in moved:
        reassigned = [r for r in visit.reasons if r.code is ReasonCode.REASSIGNED]
        assert reassigned, visit


def test_a_rebalanced_visit_says_the_load_was_evened_out() -> None:
    rule = AssignmentRule(Strategy.LEAST_LOADED, ("wang", "li"))
    assigner = StaffAssigner(rule, staff(set()), None)
    at = dt.datetime(2026, 3, 2, 10)
    first = assigner.assign(at, at)
    visit = next(generate(daily_plan(), WorkCalendar(), FIRST, FIRST + dt.timedelta(days=1)))
    changed = assigner.explain_change(
        visit.__class__(**{**_fields(visit), "assignee": "li"}), first.assignee
    )
    assert changed.reasons[-1].params["cause"] == "rebalanced"
    assert "让出" in changed.reasons[-1].render("zh")


def _fields(visit: object) -> dict[str, object]:
    return {name: getattr(visit, name) for name in visit.__slots__}  # type: ignore[attr-defined]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    strategy=st.sampled_from(Strategy),
    licence=st.sampled_from([None, "lift"]),
    licensed=st.sets(st.sampled_from(["wang", "li", "zhao"])),
    leave_days=st.lists(st.tuples(st.sampled_from(["wang", "li", "zhao"]), st.integers(0, 30))),
)
def test_every_reassigned_or_unassigned_visit_carries_a_true_reason(
    strategy: Strategy,
    licence: str | None,
    licensed: set[str],
    leave_days: list[tuple[str, int]],
    calendar: WorkCalendar,
) -> None:
    rule = AssignmentRule(strategy, ("wang", "li", "zhao"), required_licence=licence)
    window = (FIRST, FIRST + dt.timedelta(days=30))
    before = list(generate(daily_plan(), calendar, *window,
                           assigner=StaffAssigner(rule, staff(licensed), roster([]))))  # fmt: skip
    leaves = [
        Leave(m, FIRST + dt.timedelta(days=d), FIRST + dt.timedelta(days=d)) for m, d in leave_days
    ]
    assigner = StaffAssigner(rule, staff(licensed), roster(leaves))
    replanned = generate(daily_plan(), calendar, *window, assigner=assigner)
    after = [
        assigner.explain_change(new, old.assignee)
        for old, new in zip(before, replanned, strict=True)
    ]
    for old, new in zip(before, after, strict=True):
        assert new.status is Status.PLANNED
        codes = [r.code for r in new.reasons]
        if new.unassigned:
            assert ReasonCode.UNASSIGNED in codes
        elif old.assignee is not None and new.assignee != old.assignee:
            assert ReasonCode.REASSIGNED in codes
        if licence is None:
            assert not {r.params.get("cause") for r in new.reasons} & LICENCE_CAUSES
