"""Choosing who does a visit: on duty, licensed on that date, by a fair strategy.

Only members on duty at the due instant (per the roster) who hold the required
licence kind, valid on the due date, are eligible. `fixed` wants its first person
and falls back to another eligible member; `round_robin` walks the pool in turn;
`least_loaded` takes whoever has the fewest visits so far. When the intended person
is passed over the occurrence says why; when nobody is eligible it is flagged
unassigned with the reason. Same inputs in the same order → same choices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from schedules.engine import Assignment
from schedules.reasons import Reason, ReasonCode
from schedules.roster import Roster


class Strategy(StrEnum):
    FIXED = "fixed"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence kind key (see app/people/licences.py) and its last valid day."""

    kind: str
    expires: dt.date | None = None


@dataclass(frozen=True, slots=True)
class StaffMember:
    key: str
    name: str = ""
    licences: tuple[Licence, ...] = ()

    def licence_problem(self, kind: str | None, on: dt.date) -> str | None:
        """None when the member may do work needing `kind` on `on`, else the cause."""
        if kind is None:
            return None
        matching = [lic for lic in self.licences if lic.kind == kind]
        if not matching:
            return "no_licence"
        if all(lic.expires is not None and lic.expires < on for lic in matching):
            return "licence_expired"
        return None


@dataclass(frozen=True, slots=True)
class AssignmentRule:
    """Who may do a plan's visits.

    `people` in preference order, or, when empty, the members of `team` taken from
    the roster. The chosen person is returned together with `team`. With
    `pick_person=False` the visit goes to the team as a whole, provided at least one
    eligible member is on duty (the team lead dispatches on the day).
    """

    strategy: Strategy = Strategy.FIXED
    people: tuple[str, ...] = ()
    team: str | None = None
    required_licence: str | None = None
    pick_person: bool = True


class StaffAssigner:
    """Stateful across the occurrences of one generation run (turns and loads)."""

    def __init__(
        self,
        rule: AssignmentRule,
        staff: Mapping[str, StaffMember],
        roster: Roster | None = None,
        loads: Mapping[str, int] | None = None,
    ) -> None:
        self.rule = rule
        self.staff = staff
        self.roster = roster
        self.loads: dict[str, int] = dict(loads or {})
        self._turn = 0
        if rule.people:
            self.pool = rule.people
        elif rule.team is not None and roster is not None:
            self.pool = roster.team_members(rule.team)
        else:
            self.pool = ()

    def assign(self, due: dt.datetime, ends: dt.datetime) -> Assignment:
        """Pick a member for a visit starting at `due`."""
        if not self.pool:
            return self._unassigned("no_candidates")
        on_duty = self.roster.members_on_duty(due) if self.roster is not None else None
        causes = {m: self._ineligibility(m, due, on_duty) for m in self.pool}
        eligible = [m for m in self.pool if causes[m] is None]
        if not eligible:
            return self._unassigned("nobody_qualified_on_duty")
        if not self.rule.pick_person and self.rule.team is not None:
            return Assignment(team=self.rule.team)
        strategy = self.rule.strategy
        if strategy is Strategy.LEAST_LOADED:
            chosen = min(eligible, key=lambda m: self.loads.get(m, 0))
            return self._chosen(chosen)
        if strategy is Strategy.ROUND_ROBIN:
            intended = self.pool[self._turn % len(self.pool)]
            for step in range(len(self.pool)):
                member = self.pool[(self._turn + step) % len(self.pool)]
                if causes[member] is None:
                    self._turn += step + 1
                    return self._chosen(member, intended, causes[intended])
        intended = self.pool[0]
        if causes[intended] is None:
            return self._chosen(intended)
        fallback = min(eligible, key=lambda m: self.loads.get(m, 0))
        return self._chosen(fallback, intended, causes[intended])

    def _ineligibility(
        self, member: str, due: dt.datetime, on_duty: frozenset[str] | None
    ) -> str | None:
        staff = self.staff.get(member)
        if staff is None:
            return "no_licence" if self.rule.required_licence else None
        day = due.date()
        if on_duty is not None and member not in on_duty:
            assert self.roster is not None
            return "on_leave" if self.roster.on_leave(member, day) else "off_duty"
        return staff.licence_problem(self.rule.required_licence, day)

    def _name(self, member: str) -> str:
        staff = self.staff.get(member)
        return staff.name if staff is not None and staff.name else member

    def _chosen(
        self, member: str, intended: str | None = None, cause: str | None = None
    ) -> Assignment:
        self.loads[member] = self.loads.get(member, 0) + 1
        reasons: tuple[Reason, ...] = ()
        if intended is not None and intended != member:
            reasons = (
                Reason.of(
                    ReasonCode.REASSIGNED,
                    **{"from": self._name(intended), "to": self._name(member)},
                    from_key=intended,
                    to_key=member,
                    cause=cause,
                ),
            )
        return Assignment(assignee=member, team=self.rule.team, reasons=reasons)

    def _unassigned(self, cause: str) -> Assignment:
        return Assignment(reasons=(Reason.of(ReasonCode.UNASSIGNED, cause=cause),))
