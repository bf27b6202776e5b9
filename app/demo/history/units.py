"""Which plans the demo history covers, how far back they start, and which visits it keeps."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from app.demo.history.tables import (
    DAILY,
    FULL_WEEK,
    HISTORY,
    MONTHLY,
    TIER_CHAIN_BACK,
    WEEKLY,
    YEARLY,
)
from app.extensions import db
from app.plans.models import Plan
from app.scheduling.generation import SiteContext, group_members, plan_facts
from app.scheduling.mapping import PlanFacts, Unit, base_of
from schedules import Anchor, Assigner, Assignment, Strategy, parse_rule


def start_earlier(plans: Sequence[Plan]) -> None:
    """Each plan starts a year or more back, by whole rule periods; a tier chain as one."""
    for plan in plans:
        if plan.tier_group:
            plan.starts_on = plan.starts_on - TIER_CHAIN_BACK
        else:
            plan.starts_on = plan.starts_on - _periods_back(plan.rrule)
    db.session.flush()


def _periods_back(rrule: str) -> relativedelta:
    """The least whole number of the rule's periods covering a year."""
    rule = parse_rule(rrule)
    interval = rule.interval
    if rule.freq == YEARLY:
        return relativedelta(years=interval)
    if rule.freq == MONTHLY:
        return relativedelta(months=interval * math.ceil(12 / interval))
    if rule.freq == WEEKLY:
        return relativedelta(weeks=interval * math.ceil(HISTORY.days / (7 * interval)))
    if rule.freq == DAILY:
        return relativedelta(days=interval * math.ceil(HISTORY.days / interval))
    return relativedelta(days=HISTORY.days)  # hourly rules: whole days keep their phase


def plan_units(context: SiteContext, plans: Sequence[Plan]) -> list[Unit]:
    """Plans as the engine schedules them: one unit per plan or tier chain."""
    facts = plan_facts(p.id for p in plans)
    groups = group_members(facts)
    members: list[list[PlanFacts]] = []
    seen: set[int] = set()
    for plan in facts:
        chain = groups.get(plan.group_key, [plan]) if plan.group_key else [plan]
        base = base_of(chain)
        if base.id is not None and base.id not in seen:
            seen.add(base.id)
            members.append(chain)
    return context.units(members, [])


def follows_history(unit: Unit) -> bool:
    """Whether the unit's future depends on what was done or when the plan started.

    Completion-anchored plans, ceilings and round robin count from the last visits
    (`generation.unit_history`); tier chains and age bands have grids a whole number
    of the base rule's periods cannot keep in phase. Any other plan started whole
    periods earlier has the future the plans step stored already.
    """
    plan = unit.plan
    return bool(
        plan.anchor is Anchor.COMPLETION
        or plan.ceiling_days
        or plan.tiers
        or plan.age_bands
        or unit.base.assignment_strategy == Strategy.ROUND_ROBIN.value
    )


def is_frequent(rrule: str) -> bool:
    """Daily or more often: thinned to a visit a week before the last week."""
    rule = parse_rule(rrule)
    return rule.freq > DAILY or (rule.freq == DAILY and rule.interval == 1)


class Thinning:
    """Which visits of a daily (or hourly) plan are stored: all in the last week, else the
    first of each day a whole number of weeks before the load day."""

    def __init__(self, today: date, tz: ZoneInfo) -> None:
        self.today = today
        self.tz = tz
        self.days: set[date] = set()
        self.kept: dict[datetime, bool] = {}

    def keep(self, due: datetime) -> bool:
        if due not in self.kept:
            self.kept[due] = self._first_keep(due)
        return self.kept[due]

    def _first_keep(self, due: datetime) -> bool:
        day = due.astimezone(self.tz).date()
        back = (self.today - day).days
        if back < FULL_WEEK:
            return True
        if back % 7 or day in self.days:
            return False
        self.days.add(day)
        return True


@dataclass(frozen=True)
class KeptOnly:
    """Assigns only the visits that are stored: a dropped daily visit takes nobody's turn
    and costs no roster look-up."""

    inner: Assigner
    thinning: Thinning

    def assign(self, due: datetime, ends: datetime) -> Assignment:
        return self.inner.assign(due, ends) if self.thinning.keep(due) else Assignment()
