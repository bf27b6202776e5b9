"""Lazy assignment chooses exactly as checking the whole pool for every visit would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import (
    Assignment,
    AssignmentRule,
    Leave,
    Licence,
    ReasonCode,
    Roster,
    StaffAssigner,
    StaffMember,
    Strategy,
    Team,
    build_roster,
)
from schedules.reasons import Reason

LIFT = "special_equipment_elevator"
FIRST_DAY = dt.date(2026, 1, 1)
NAMES = ("wang", "li", "zhou", "zhao", "sun", "qian")
TEAMS = (
    Team("A", ("wang", "li", "zhou"), "four_team_three_shift"),
    Team("B", ("zhao", "sun"), "four_team_three_shift"),
    Team("C", ("qian",), "four_team_three_shift"),
    Team("D", ("li", "sun"), "four_team_three_shift"),
)


class EveryoneChecked:
    """The straightforward reading of the rules: every member's cause, then the pick."""

    def __init__(
        self,
        rule: AssignmentRule,
        staff: Mapping[str, StaffMember],
        roster: Roster,
        loads: Mapping[str, int],
    ) -> None:
        self.rule, self.staff, self.roster = rule, staff, roster
        self.loads = dict(loads)
        self.turn = 0
        self.pool = rule.people or (roster.team_members(rule.team) if rule.team else ())

    def cause(self, member: str, due: dt.datetime) -> str | None:
        staff = self.staff.get(member)
        if staff is None:
            return "no_licence" if self.rule.required_licence else None
        if member not in self.roster.members_on_duty(due):
            return "on_leave" if self.roster.on_leave(member, due.date()) else "off_duty"
        return staff.licence_problem(self.rule.required_licence, due.date())

    def assign(self, due: dt.datetime) -> Assignment:
        if not self.pool:
            return unassigned("no_candidates")
        causes = {m: self.cause(m, due) for m in self.pool}
        eligible = [m for m in self.pool if causes[m] is None]
        if not eligible:
            licence_missing = any(c in ("no_licence", "licence_expired") for c in causes.values())
            if self.rule.required_licence and licence_missing:
                return unassigned("nobody_qualified_on_duty")
            return unassigned("nobody_on_duty")
        if not self.rule.pick_person and self.rule.team is not None:
            return Assignment(team=self.rule.team)
        least = min(eligible, key=lambda m: self.loads.get(m, 0))
        if self.rule.strategy is Strategy.LEAST_LOADED:
            return self.chosen(least, None, None)
        if self.rule.strategy is Strategy.ROUND_ROBIN:
            intended = self.pool[self.turn % len(self.pool)]
            steps = [(self.turn + s) % len(self.pool) for s in range(len(self.pool))]
            step = next(s for s, i in enumerate(steps) if causes[self.pool[i]] is None)
            self.turn += step + 1
            return self.chosen(self.pool[steps[step]], intended, causes[intended])
        intended = self.pool[0]
        if causes[intended] is None:
            return self.chosen(intended, None, None)
        return self.chosen(least, intended, causes[intended])

    def chosen(self, member: str, intended: str | None, cause: str | None) -> Assignment:
        self.loads[member] = self.loads.get(member, 0) + 1
        if intended is None or intended == member:
            return Assignment(assignee=member, team=self.rule.team)
        names = {"from": self.name(intended), "to": self.name(member)}
        reason = Reason.of(
            ReasonCode.REASSIGNED, **names, from_key=intended, to_key=member, cause=cause
        )
        return Assignment(assignee=member, team=self.rule.team, reasons=(reason,))

    def name(self, member: str) -> str:
        staff = self.staff.get(member)
        return staff.name if staff is not None and staff.name else member


def unassigned(cause: str) -> Assignment:
    return Assignment(reasons=(Reason.of(ReasonCode.UNASSIGNED, cause=cause),))


licences = st.lists(
    st.builds(
        Licence,
        st.sampled_from([LIFT, "electrician_lv"]),
        st.one_of(st.none(), st.dates(FIRST_DAY, dt.date(2026, 12, 31))),
    ),
    max_size=2,
)


@settings(max_examples=300, deadline=None)
@given(
    staffed=st.dictionaries(
        st.sampled_from(NAMES), st.tuples(st.sampled_from(["", "师傅"]), licences)
    ),
    people=st.lists(st.sampled_from(NAMES), max_size=6),
    team=st.sampled_from([None, "A", "B", "C", "D"]),
    strategy=st.sampled_from(Strategy),
    licence=st.sampled_from([None, LIFT]),
    pick_person=st.booleans(),
    loads=st.dictionaries(st.sampled_from(NAMES), st.integers(0, 3)),
    leave_days=st.lists(st.tuples(st.sampled_from(NAMES), st.integers(0, 60)), max_size=8),
    hours=st.lists(st.integers(0, 24 * 60 - 1), min_size=1, max_size=30),
)
def test_lazy_checks_pick_the_same_people_with_the_same_reasons_as_checking_everyone(
    staffed: dict[str, tuple[str, list[Licence]]],
    people: list[str],
    team: str | None,
    strategy: Strategy,
    licence: str | None,
    pick_person: bool,
    loads: dict[str, int],
    leave_days: list[tuple[str, int]],
    hours: list[int],
) -> None:
    staff = {
        key: StaffMember(key, name and key + name, tuple(held))
        for key, (name, held) in staffed.items()
    }
    leaves = [
        Leave(who, FIRST_DAY + dt.timedelta(days=d), FIRST_DAY + dt.timedelta(days=d + 2))
        for who, d in leave_days
    ]
    roster = build_roster(TEAMS, FIRST_DAY, dt.date(2026, 3, 31), epoch=FIRST_DAY, leaves=leaves)
    rule = AssignmentRule(strategy, tuple(people), team, licence, pick_person)
    lazy = StaffAssigner(rule, staff, roster, loads)
    reference = EveryoneChecked(rule, staff, roster, loads)
    for hour in sorted(hours):
        due = dt.datetime(2026, 1, 1) + dt.timedelta(hours=hour)
        assert lazy.assign(due, due) == reference.assign(due)
    assert lazy.loads == reference.loads
