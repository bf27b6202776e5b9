"""Choosing who does a visit: on duty, licensed on that date, by a fair strategy.

Only members on duty at the due instant (per the roster) who hold the required
licence kind, valid on the due date, are eligible. `fixed` wants its first person
and falls back to another eligible member; `round_robin` walks the pool in turn;
`least_loaded` takes whoever has the fewest visits so far, or, given the site's shared
`LoadLedger`, the least working time that day and week across all plans. When the intended person
is passed over the occurrence says why; when nobody is eligible it is flagged
unassigned with the reason. Same inputs in the same order → same choices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from schedules.engine import Assignment
from schedules.loads import LoadLedger
from schedules.occurrences import Occurrence
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
        ledger: LoadLedger | None = None,
    ) -> None:
        self.rule = rule
        self.staff = staff
        self.roster = roster
        self.loads: dict[str, int] = dict(loads or {})
        self.ledger = ledger
        self._turn = 0
        self._made: dict[tuple[str, str | None, str | None], Assignment] = {}
        if rule.people:
            self.pool = rule.people
        elif rule.team is not None and roster is not None:
            self.pool = roster.team_members(rule.team)
        else:
            self.pool = ()

    def assign(
        self, due: dt.datetime, ends: dt.datetime, previous: str | None = None
    ) -> Assignment:
        """Pick a member for a visit starting at `due`; with a ledger, record it there.

        `previous` is who the stored visit went to before a re-plan: where the
        strategy would ask the load (least loaded, or fixed with its person unable), a
        previous assignee still able to do it keeps the visit, so a re-plan moves only
        the work it must and a regenerate meets the rows the nightly run stored.
        """
        assignment = self._pick(due, previous)
        if self.ledger is not None and assignment.assignee is not None:
            minutes = max(1, round((ends - due).total_seconds() / 60))
            self.ledger.add(assignment.assignee, due, minutes)
        return assignment

    def pass_over(self, due: dt.datetime) -> None:
        """A visit stored before this run, kept as it is: round robin still takes its
        turn (the rotation continues as if this run had made it), but no load is
        recorded, since a shared ledger already holds the stored work."""
        if self.rule.strategy is Strategy.ROUND_ROBIN:
            self._pick(due)

    def _pick(self, due: dt.datetime, previous: str | None = None) -> Assignment:
        """Pick a member for a visit starting at `due`.

        Members are checked in the order the strategy wants them and the first
        eligible one wins, so the rest of the pool is never looked at: most visits
        go to the first person asked.
        """
        if not self.pool:
            return self._unassigned("no_candidates")
        cause = _Causes(self, due)
        if not self.rule.pick_person and self.rule.team is not None:
            if any(cause(m) is None for m in self.pool):
                return Assignment(team=self.rule.team)
            return self._unassigned(nobody_cause(self.rule, map(cause, self.pool)))
        strategy = self.rule.strategy
        if strategy is Strategy.ROUND_ROBIN:
            size = len(self.pool)
            intended = self.pool[self._turn % size]
            for step in range(size):
                member = self.pool[(self._turn + step) % size]
                if cause(member) is None:
                    self._turn += step + 1
                    return self._chosen(member, intended, cause(intended))
            return self._unassigned(nobody_cause(self.rule, map(cause, self.pool)))
        intended = self.pool[0] if strategy is Strategy.FIXED else None
        if intended is not None and cause(intended) is None:
            return self._chosen(intended)
        intended_cause = None if intended is None else cause(intended)
        if previous is not None and previous in self.pool and cause(previous) is None:
            return self._chosen(previous, intended, intended_cause)
        for member in self._least_loaded_first(due):
            if cause(member) is None:
                return self._chosen(member, intended, intended_cause)
        return self._unassigned(nobody_cause(self.rule, map(cause, self.pool)))

    def _least_loaded_first(self, due: dt.datetime) -> list[str]:
        """The pool by load; the sort is stable, so ties keep pool order.

        With a shared ledger the load is the site's: working time that day, then that
        ISO week, across every plan. Without one it is this plan's visit count.
        """
        ledger = self.ledger
        if ledger is not None:
            return sorted(self.pool, key=lambda m: ledger.load(m, due))
        loads = self.loads
        return sorted(self.pool, key=lambda m: loads.get(m, 0))

    def explain_change(self, occurrence: Occurrence, previous: str | None) -> Occurrence:
        """The occurrence with a reason if a re-plan gave it to someone other than
        `previous` (the stored assignee) and it does not say why yet.

        A re-plan after leave, a holiday or a rebalance must never move work silently:
        the cause is why `previous` cannot do it then, or, if they could, that the
        pool's load was rebalanced (least loaded) or the plan re-planned.
        """
        if previous is None or occurrence.assignee in (None, previous):
            return occurrence
        if any(r.params.get("from_key") == previous for r in occurrence.reasons):
            return occurrence
        cause = _Causes(self, occurrence.due)(previous)
        if cause is None:
            least = self.rule.strategy is Strategy.LEAST_LOADED
            cause = "rebalanced" if least else "replanned"
        reason = self._reassigned(previous, occurrence.assignee, cause)
        return replace(occurrence, reasons=(*occurrence.reasons, reason))

    def _reassigned(self, intended: str, member: str, cause: str | None) -> Reason:
        return Reason.of(
            ReasonCode.REASSIGNED,
            **{"from": self._name(intended), "to": self._name(member)},
            from_key=intended,
            to_key=member,
            cause=cause,
        )

    def _name(self, member: str) -> str:
        staff = self.staff.get(member)
        return staff.name if staff is not None and staff.name else member

    def _chosen(
        self, member: str, intended: str | None = None, cause: str | None = None
    ) -> Assignment:
        """The assignment, made once per (member, passed-over person, cause) and reused:
        it is immutable, and a daily plan's year repeats the same few."""
        self.loads[member] = self.loads.get(member, 0) + 1
        if intended == member:
            intended = cause = None
        key = (member, intended, cause)
        made = self._made.get(key)
        if made is None:
            reasons: tuple[Reason, ...] = ()
            if intended is not None:
                reasons = (self._reassigned(intended, member, cause),)
            made = self._made[key] = Assignment(member, self.rule.team, reasons)
        return made

    def _unassigned(self, cause: str) -> Assignment:
        return Assignment(reasons=(Reason.of(ReasonCode.UNASSIGNED, cause=cause),))


def nobody_cause(rule: AssignmentRule, causes: Iterable[str | None]) -> str:
    """Why nobody could take a visit, truthfully: "no licensed person on duty" only when
    a licence is required and someone on duty lacks it; otherwise nobody is on duty."""
    licence_causes = ("no_licence", "licence_expired")
    if rule.required_licence is not None and any(c in licence_causes for c in causes):
        return "nobody_qualified_on_duty"
    return "nobody_on_duty"


class _Causes:
    """Why each member cannot do one visit (None: they can), worked out when first asked.

    The roster is asked about the members checked, not for everyone on duty.
    """

    __slots__ = ("_assigner", "_causes", "_day", "_due")

    def __init__(self, assigner: StaffAssigner, due: dt.datetime) -> None:
        self._assigner = assigner
        self._due = due
        self._day = due.date()
        self._causes: dict[str, str | None] = {}

    def __call__(self, member: str) -> str | None:
        if member not in self._causes:
            self._causes[member] = self._cause(member)
        return self._causes[member]

    def _cause(self, member: str) -> str | None:
        rule, roster = self._assigner.rule, self._assigner.roster
        staff = self._assigner.staff.get(member)
        if staff is None:
            return "no_licence" if rule.required_licence else None
        if roster is not None and not roster.is_on_duty(member, self._due):
            return "on_leave" if roster.on_leave(member, self._day) else "off_duty"
        return staff.licence_problem(rule.required_licence, self._day)
