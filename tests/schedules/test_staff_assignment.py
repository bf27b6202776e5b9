"""Assignment: on duty, licensed on the day, fair strategies, honest fallbacks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import (
    Assignment,
    AssignmentRule,
    HolidayPolicy,
    Leave,
    Licence,
    Plan,
    ReasonCode,
    Roster,
    StaffAssigner,
    StaffMember,
    Strategy,
    Team,
    WorkCalendar,
    build_roster,
    generate,
)

LIFT = "special_equipment_elevator"
EPOCH = dt.date(2026, 1, 5)
NOON = dt.datetime(2026, 3, 6, 12)  # cycle day 60: team A is on the day shift


def day_roster(leaves: Sequence[Leave] = ()) -> Roster:
    teams = [
        Team("A", ("wang", "li", "zhou"), "three_team_two_shift"),
        Team("B", ("zhao",), "three_team_two_shift"),
        Team("C", ("sun",), "three_team_two_shift"),
    ]
    return build_roster(
        teams,
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        epoch=EPOCH,
        timezone="Asia/Shanghai",
        leaves=leaves,
    )


STAFF = {
    "wang": StaffMember("wang", "王师傅", (Licence(LIFT, dt.date(2026, 2, 28)),)),
    "li": StaffMember("li", "李师傅", (Licence(LIFT, dt.date(2027, 6, 30)),)),
    "zhou": StaffMember("zhou", "周师傅", (Licence("electrician_lv"),)),
    "zhao": StaffMember("zhao", "赵师傅", (Licence(LIFT),)),
    "sun": StaffMember("sun", "孙师傅", (Licence(LIFT),)),
}


def assign(
    rule: AssignmentRule, at: dt.datetime = NOON, roster: Roster | None = None
) -> Assignment:
    assigner = StaffAssigner(rule, STAFF, roster or day_roster())
    return assigner.assign(at, at + dt.timedelta(hours=1))


def test_the_roster_puts_team_a_on_the_day_shift_at_noon() -> None:
    assert day_roster().members_on_duty(NOON) == {"wang", "li", "zhou"}


def test_an_expired_licence_hands_the_visit_to_a_licensed_colleague_with_the_reason() -> None:
    result = assign(AssignmentRule(Strategy.FIXED, ("wang", "li", "zhou"), required_licence=LIFT))
    assert result.assignee == "li"
    (reason,) = result.reasons
    assert reason.code is ReasonCode.REASSIGNED
    assert reason.render("zh") == "改派 李师傅：王师傅 证书已过期"
    assert reason.render("en") == "reassigned to 李师傅: 王师傅 has an expired licence"


def test_a_valid_licence_on_the_due_date_keeps_the_fixed_technician() -> None:
    last_valid_day = dt.datetime(2026, 2, 28, 12)  # cycle day 54
    roster = day_roster()
    assert "wang" in roster.members_on_duty(last_valid_day)
    result = assign(
        AssignmentRule(Strategy.FIXED, ("wang", "li"), required_licence=LIFT),
        last_valid_day,
        roster,
    )
    assert result.assignee == "wang" and result.reasons == ()


def test_staff_off_duty_or_on_leave_are_passed_over_and_the_cause_is_named() -> None:
    off_duty = assign(AssignmentRule(Strategy.FIXED, ("zhao", "li"), required_licence=LIFT))
    assert off_duty.assignee == "li"
    assert off_duty.reasons[0].params["cause"] == "off_duty"
    on_leave = assign(
        AssignmentRule(Strategy.FIXED, ("li", "wang"), required_licence=None),
        roster=day_roster([Leave("li", NOON.date(), NOON.date())]),
    )
    assert on_leave.assignee == "wang"
    assert on_leave.reasons[0].params["cause"] == "on_leave"


def test_nobody_licensed_on_duty_leaves_the_visit_unassigned_with_the_reason() -> None:
    result = assign(AssignmentRule(Strategy.FIXED, ("wang", "zhou", "zhao"), required_licence=LIFT))
    assert result.unassigned
    assert result.reasons[0].code is ReasonCode.UNASSIGNED
    assert result.reasons[0].render("en") == "unassigned: nobody on duty holds the required licence"


def test_round_robin_takes_turns_and_skips_who_cannot_go() -> None:
    assigner = StaffAssigner(AssignmentRule(Strategy.ROUND_ROBIN, team="A"), STAFF, day_roster())
    picks = [assigner.assign(NOON, NOON).assignee for _ in range(6)]
    assert picks == ["wang", "li", "zhou", "wang", "li", "zhou"]
    licensed = StaffAssigner(
        AssignmentRule(Strategy.ROUND_ROBIN, team="A", required_licence=LIFT), STAFF, day_roster()
    )
    results = [licensed.assign(NOON, NOON) for _ in range(3)]
    assert [r.assignee for r in results] == ["li", "li", "li"]
    assert results[0].reasons[0].params["from_key"] == "wang"


def test_least_loaded_spreads_visits_evenly_over_the_eligible_team() -> None:
    assigner = StaffAssigner(
        AssignmentRule(Strategy.LEAST_LOADED, team="A"), STAFF, day_roster(), loads={"wang": 2}
    )
    picks = [assigner.assign(NOON, NOON).assignee for _ in range(7)]
    assert picks.count("li") == picks.count("zhou") == 3 and picks.count("wang") == 1


def test_generated_visits_carry_assignees_and_flag_the_unassigned(calendar: WorkCalendar) -> None:
    plan = Plan(
        "lift-1",
        "FREQ=DAILY;INTERVAL=5",
        dt.datetime(2026, 3, 6, 12),
        holiday_policy=HolidayPolicy.IGNORE,
    )
    rule = AssignmentRule(Strategy.FIXED, ("li", "sun"), required_licence=LIFT)
    visits = list(
        generate(
            plan,
            calendar,
            dt.date(2026, 3, 1),
            dt.date(2026, 5, 1),
            assigner=StaffAssigner(rule, STAFF, day_roster()),
        )
    )
    roster = day_roster()
    for visit in visits:
        on_duty = roster.members_on_duty(visit.due)
        if visit.unassigned:
            assert not {"li", "sun"} & on_duty
            assert visit.reasons[-1].code is ReasonCode.UNASSIGNED
        else:
            assert visit.assignee in on_duty
    assert any(v.unassigned for v in visits) and any(not v.unassigned for v in visits)


@settings(max_examples=60, deadline=None)
@given(
    expiries=st.lists(
        st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
        min_size=5,
        max_size=5,
    ),
    leave_days=st.lists(st.integers(0, 364), max_size=10),
    strategy=st.sampled_from(Strategy),
    hours=st.lists(st.integers(0, 24 * 365 - 1), min_size=1, max_size=25),
)
def test_whoever_is_chosen_is_on_duty_and_licensed_that_day(
    expiries: list[dt.date | None], leave_days: list[int], strategy: Strategy, hours: list[int]
) -> None:
    names = ["wang", "li", "zhou", "zhao", "sun"]
    staff = {
        n: StaffMember(n, licences=(Licence(LIFT, e),))
        for n, e in zip(names, expiries, strict=True)
    }
    leaves = [
        Leave(
            names[d % 5],
            dt.date(2026, 1, 1) + dt.timedelta(days=d),
            dt.date(2026, 1, 1) + dt.timedelta(days=d),
        )
        for d in leave_days
    ]
    roster = day_roster(leaves)
    assigner = StaffAssigner(
        AssignmentRule(strategy, tuple(names), required_licence=LIFT), staff, roster
    )
    for h in sorted(hours):
        at = dt.datetime(2026, 1, 1) + dt.timedelta(hours=h)
        result = assigner.assign(at, at)
        eligible = {
            n
            for n in roster.members_on_duty(at)
            if staff[n].licence_problem(LIFT, at.date()) is None
        }
        if result.unassigned:
            assert not eligible
        else:
            assert result.assignee in eligible


def test_assignment_is_deterministic_for_the_same_inputs(calendar: WorkCalendar) -> None:
    plan = Plan("p", "FREQ=DAILY", dt.datetime(2026, 3, 1, 9))
    rule = AssignmentRule(Strategy.LEAST_LOADED, team="A")

    def run() -> list[str | None]:
        assigner = StaffAssigner(rule, STAFF, day_roster())
        return [
            v.assignee
            for v in generate(
                plan, calendar, dt.date(2026, 3, 1), dt.date(2026, 4, 1), assigner=assigner
            )
        ]

    assert run() == run()


def test_a_visit_can_go_to_the_team_as_a_whole_while_someone_licensed_is_on_duty() -> None:
    rule = AssignmentRule(team="A", required_licence=LIFT, pick_person=False)
    on_shift = assign(rule, dt.datetime(2026, 2, 28, 12))
    assert on_shift.team == "A" and on_shift.assignee is None and not on_shift.unassigned
    off_shift = assign(rule, dt.datetime(2026, 3, 8, 12))  # cycle day 62: team A is off
    assert off_shift.unassigned
