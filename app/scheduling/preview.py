"""A dry run of one plan: the visits it would produce, why they moved, and who would go.

Used by the plan form's preview page (with the unsaved form values) and by
`rounds schedule preview PLAN_ID`. Nothing is written: the session is not
flushed, the plan is not added, no work order is touched. The answer is what
`regenerate_plan` would store after saving, minus the rows people already have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.people.models import Team
from app.plans.models import Plan, PlanKind
from app.rosters.services import StaffPool
from app.scheduling.generation import (
    Assigning,
    Mode,
    PlanProblem,
    SiteContext,
    assigner_for,
    group_members,
    occurrences,
    unit_history,
)
from app.scheduling.generation.outages import SiteOutages
from app.scheduling.mapping import PlanFacts, Unit, facts_of, tier_key
from app.sites.models import Site
from schedules import Occurrence, Reason, Status
from schedules.reasons import Locale


@dataclass(frozen=True)
class PreviewVisit:
    """One previewed occurrence, with names resolved for display."""

    slot: dt.datetime
    due: dt.datetime
    window_start: dt.datetime
    window_end: dt.datetime
    skipped: bool
    tier_name: str | None
    assignee: str | None
    team: str | None
    unassigned: bool
    reasons: tuple[Reason, ...]
    provisional_calendar: bool
    statutory_date: dt.date | None = None  # the legal date this inspection follows
    from_ledger: bool = False  # that date is the ledger's 下次法定检验 (else the cycle's)

    @property
    def moved(self) -> bool:
        return self.due != self.slot

    def reason_texts(self, locale: Locale = "zh") -> list[str]:
        return [reason.render(locale) for reason in self.reasons]


@dataclass(frozen=True)
class PlanPreview:
    plan_id: int | None
    base_plan_id: int | None  # differs when the plan is a higher tier of a group
    start: dt.datetime
    end: dt.datetime
    visits: tuple[PreviewVisit, ...] = ()
    problems: tuple[str, ...] = field(default=())

    @property
    def provisional_years(self) -> tuple[int, ...]:
        """Years whose holidays are still guesses (no State Council notice entered)."""
        return tuple(sorted({v.due.year for v in self.visits if v.provisional_calendar}))


def preview_plan(plan: Plan, months: int = 12) -> PlanPreview:
    """What `plan` (saved, or an unsaved `Plan` built from a form) would schedule.

    A plan in a tier group is previewed with its group, this version of it replacing
    the saved one, so the preview shows which visits it upgrades.
    """
    now = clock.utcnow()
    end = now + relativedelta(months=months)
    with db.session.no_autoflush:
        facts = facts_of(plan)
        site = db.session.get(Site, facts.site_id) if facts.site_id is not None else None
        if site is None:
            return PlanPreview(facts.id, None, now, end, problems=("unknown site",))
        members = _members(facts)
        if not members:
            return PlanPreview(facts.id, None, now, end, problems=("plan is not active",))
        context = SiteContext(site)
        problems: list[PlanProblem] = []
        units = context.units([members], problems)
        if not units:
            return PlanPreview(
                facts.id, None, now, end, problems=tuple(p.message for p in problems)
            )
        (unit,) = units
        history = unit_history(units, Mode.REPLACE, now)
        pool = context.pool_for_units(units)
        base_id = unit.base.id or 0
        found = occurrences(
            unit,
            context.calendar,
            now=now,
            until=end,
            last_visit=history.last_visits.get(base_id),
            assign=Assigning(assigner_for(unit, pool, history.round_robin_after.get(base_id)), now),
        )
        placed = SiteOutages(site.id, site.timezone).stagger_visits(
            unit.base.id, list(found), now, context.calendar
        )
        visits = _visits(unit, placed, pool)
    return PlanPreview(facts.id, unit.base.id, now, end, tuple(visits))


def _members(facts: PlanFacts) -> list[PlanFacts]:
    """The plan with its saved group mates; this version replaces the saved one.

    An inactive plan drops out: the preview shows what its group does without it.
    """
    mates = group_members([facts]).get(facts.group_key, []) if facts.group_key else []  # type: ignore[arg-type]
    others = [m for m in mates if facts.id is None or m.id != facts.id]
    return [*others, facts] if facts.active else others


def _visits(unit: Unit, found: Sequence[Occurrence], pool: StaffPool | None) -> list[PreviewVisit]:
    tier_names = {tier_key(m): m.name for m in unit.members}
    # An inspection's nominal slot is its legal date: the ledger's, then the cycle's.
    follows_statutory_dates = unit.base.kind == PlanKind.INSPECTION.value and bool(
        unit.plan.statutory_due or unit.plan.age_bands
    )
    people = pool.staff if pool is not None else {}
    team_ids = {int(o.team) for o in found if o.team}
    teams: dict[int, str] = {}
    if team_ids:
        rows = db.session.execute(select(Team.id, Team.name).where(Team.id.in_(team_ids)))
        teams = {team_id: name for team_id, name in rows}
    return [
        PreviewVisit(
            slot=o.slot,
            due=o.due,
            window_start=o.window_start,
            window_end=o.window_end,
            skipped=o.status is Status.SKIPPED,
            tier_name=tier_names.get(o.tier) if o.tier else None,
            assignee=people[o.assignee].name if o.assignee and o.assignee in people else None,
            team=teams.get(int(o.team)) if o.team else None,
            unassigned=o.unassigned,
            reasons=o.reasons,
            provisional_calendar=o.provisional_calendar,
            statutory_date=o.slot.date() if follows_statutory_dates else None,
            from_ledger=o.slot.date() == unit.plan.statutory_due,
        )
        for o in found
    ]
