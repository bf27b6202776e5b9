"""A small but complete site for the year simulation: the demo property 阳光花园 with its
people, teams, licences and rosters, but programmes on only a few assets and areas.

Every kind of plan is still there: the TSG T5002 tier chain and the TSG T7001 inspection
of all three lifts of 1号楼 (the fire lift among them), an escalator, statutory weekly,
monthly, quarterly, half-yearly and yearly fire, power and water tasks, seasonal yearly
tasks, daily plant checks, cleaning, greening and a patrol. Two assets are held back and
get their programme mid-year (`LATE_ASSETS`), to see where a programme applied late in
the day and on a month end puts its first visits.
"""

from __future__ import annotations

from collections.abc import Callable

from app.demo.context import DemoContext
from app.equipment.models import Equipment
from app.extensions import db
from app.plans.programmes import (
    ProposedPlan,
    TaskChoice,
    apply_area_programme,
    apply_programme,
    area_programme_for,
    choice_key,
    programme_for,
)
from app.sites.models import Location

ASSETS = (
    "EL-T1-01",  # 1号楼 1号客梯
    "EL-T1-02",  # 1号楼 2号客梯
    "EL-T1-03",  # 1号楼 消防电梯
    "ES-CH-01",  # 会所扶梯
    "PW-SUB-01",  # 1号变压器
    "PW-SUB-02",  # 2号变压器 (same substation: power outages of one building)
    "PW-SUB-03",  # 高压开关柜
    "PW-T1-01",  # 1号楼防雷 (seasonal yearly, statutory)
    "WS-T1-01",  # 1号生活水箱 (half-yearly cleaning: a water outage)
    "WS-T1-05",  # 集水井排污泵 (pre-rainy-season check)
    "HV-CH-01",  # 冷水机组 (seasonal daily and yearly)
    "HV-CH-02",  # 冷却塔 (seasonal start-up disinfection)
)
FIRST_OF_TYPES = (
    "fire_pump",
    "fire_extinguisher_dry_powder",
    "building_fire_facilities",
    "emergency_lighting",
)
"""Fire types whose first demo asset gets its programme (weekly, monthly, quarterly, yearly)."""
LATE_ASSETS = ("WS-T1-02",)
"""Applied mid-year, on a month end, in the afternoon (the second tank of 1号楼)."""
AREAS = ("CH-1F-LOBBY", "GRN-C")
"""Lobby cleaning and its office-hours patrol, and the green area's seasonal greening."""
MAX_DAILY_ROUNDS = 6
"""Round-the-clock patrols (14 rounds a day) are left out: they cost most of a year's run
and keep a fixed grid; the office-hours patrol (5 rounds, skipped on holidays) stays."""


def _rounds(rrule: str) -> int:
    for part in rrule.split(";"):
        if part.startswith("BYHOUR="):
            return len(part.split(","))
    return 1


def _overrides(proposals: list[ProposedPlan], policy: str) -> dict[str, TaskChoice]:
    """The chosen holiday policy for every task whose default is a policy choice ("next");
    round-the-clock patrols left out."""
    choices = {}
    for row in proposals:
        include = not row.unit.optional and _rounds(row.unit.fields["rrule"]) <= MAX_DAILY_ROUNDS
        if row.holiday_policy == "next" or not include:
            chosen = policy if row.holiday_policy == "next" else None
            choices[choice_key(row.unit)] = TaskChoice(include=include, holiday_policy=chosen)
    return choices


def apply_equipment(equipment: Equipment, policy: str) -> None:
    apply_programme(equipment, overrides=_overrides(programme_for(equipment), policy))


def apply_area(location: Location, policy: str) -> None:
    apply_area_programme(location, overrides=_overrides(area_programme_for(location), policy))


def chosen_assets(ctx: DemoContext) -> list[Equipment]:
    chosen = [ctx.equipment[code] for code in ASSETS]
    for type_key in FIRST_OF_TYPES:
        chosen.append(next(e for e in ctx.equipment.values() if e.type_key == type_key))
    return chosen


def programmes_step(policy: str) -> Callable[[DemoContext], None]:
    """A demo post-load step: the small site's programmes, with `policy` for holidays."""

    def step(ctx: DemoContext) -> None:
        for equipment in chosen_assets(ctx):
            apply_equipment(equipment, policy)
        for code in AREAS:
            apply_area(ctx.locations[code], policy)
        db.session.flush()

    return step
