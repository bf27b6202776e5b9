"""Plan rows → engine plans: the one place that knows both the schema and `schedules`.

Generation reads plans with plain column selects and keeps frozen `PlanFacts`
snapshots, so nothing expires when a batch commits and a saved row, a Core row and
an unsaved form object all map the same way. The JSON shapes of `seasons` and
`age_bands` are documented on `app.plans.models.Plan`.

A *unit* is what the engine schedules as one plan: a single plan row, or the rows of
a tier group (same asset, same `tier_group`) under their base — the lowest
`tier_level` — whose rule sets the grid while the higher rows' rules become `Tier`s.
Work orders of a unit are stored under the base plan's id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from schedules import (
    AgeBand,
    Anchor,
    HolidayPolicy,
    Period,
    RuleError,
    SeasonWindow,
    Tier,
    implied_limits,
    ledger_phased,
)
from schedules import Plan as EnginePlan

TITLE_SEPARATOR = " · "
TITLE_MAX = 300
END_OF_DAY = dt.time(23, 59, 59)
ANCHOR_ALIASES = {"fixed": Anchor.FIXED, "schedule": Anchor.FIXED, "completion": Anchor.COMPLETION}
CONTRACTED_PERFORMERS = frozenset({"licensed_contractor", "authority_inspection"})
INSPECTION_KIND = "inspection"
"""`PlanKind.INSPECTION`: the statutory inspections that follow the ledger's date."""

PLAN_COLUMNS = (
    "id",
    "site_id",
    "equipment_id",
    "location_id",
    "name",
    "kind",
    "catalog_task_key",
    "tier_group",
    "tier_level",
    "rrule",
    "anchor",
    "starts_on",
    "time_of_day",
    "ends_on",
    "duration_minutes",
    "tolerance_before_days",
    "tolerance_after_days",
    "ceiling_days",
    "holiday_policy",
    "seasons",
    "age_bands",
    "performer",
    "licence_kind",
    "team_id",
    "assignee_id",
    "contractor_id",
    "assignment_strategy",
    "active",
    "criticality",
    "created_at",
)
"""The plan columns scheduling reads (selected by name, so Core rows and objects both work)."""

_DEFAULTS: dict[str, Any] = {
    "kind": "maintenance",
    "anchor": "fixed",
    "time_of_day": dt.time(9, 0),
    "duration_minutes": 60,
    "tolerance_before_days": 0,
    "tolerance_after_days": 0,
    "holiday_policy": "next",
    "seasons": [],
    "age_bands": [],
    "performer": "in_house",
    "assignment_strategy": "fixed",
    "active": True,
    "criticality": "optimal",
}


class MappingError(ValueError):
    """A plan the engine cannot take; the message names the plan and what is wrong."""

    def __init__(self, plan_id: int | None, message: str) -> None:
        super().__init__(f"plan {plan_id or '(new)'}: {message}")
        self.plan_id = plan_id
        self.detail = message


@dataclass(frozen=True)
class PlanFacts:
    """The columns of one plan that scheduling reads, detached from any session."""

    id: int | None
    site_id: int
    equipment_id: int | None
    location_id: int | None
    name: str
    kind: str
    catalog_task_key: str | None
    tier_group: str | None
    tier_level: int | None
    rrule: str
    anchor: str
    starts_on: dt.date
    time_of_day: dt.time
    ends_on: dt.date | None
    duration_minutes: int
    tolerance_before_days: int
    tolerance_after_days: int
    ceiling_days: int | None
    holiday_policy: str
    seasons: list[dict[str, Any]]
    age_bands: list[dict[str, Any]]
    performer: str
    licence_kind: str | None
    team_id: int | None
    assignee_id: int | None
    contractor_id: int | None
    assignment_strategy: str
    active: bool
    criticality: str
    created_at: dt.datetime | None = None  # when applied: a first slot already past moves

    @property
    def group_key(self) -> tuple[int, int | None, str] | None:
        """Which tier group the plan is in, or None when it stands alone."""
        if not self.tier_group:
            return None
        return (self.site_id, self.equipment_id, self.tier_group)

    @property
    def level_order(self) -> tuple[int, int]:
        return (self.tier_level or 0, self.id or 0)

    @property
    def staffed(self) -> bool:
        """In-house work gets a person; contractors and authorities bring their own."""
        return self.contractor_id is None and self.performer not in CONTRACTED_PERFORMERS


def facts_of(source: Any) -> PlanFacts:
    """Snapshot a plan row, a Core row or an unsaved `Plan` (unset columns take defaults)."""
    values = {}
    for name in PLAN_COLUMNS:
        value = getattr(source, name, None)
        values[name] = _DEFAULTS[name] if value is None and name in _DEFAULTS else value
    return PlanFacts(**values)


@dataclass(frozen=True)
class EquipmentFacts:
    """The ledger facts of one asset that scheduling reads.

    `component_dates` maps a catalog age rule's `of` (governor, manufacture) to the
    day that component's age counts from; `next_inspection` is the ledger's
    下次法定检验, which statutory inspections follow.
    """

    id: int
    asset_code: str
    name: str
    location_id: int | None
    commissioned: dt.date | None
    maintainer_team_id: int | None
    component_dates: Mapping[str, dt.date] = dataclasses.field(default_factory=dict)
    next_inspection: dt.date | None = None

    def age_counts_from(self, of: str | None) -> dt.date | None:
        """The day an age rule `of` this component counts from.

        The asset itself (no `of`, or `equipment`) counts from commissioning, phased on
        the ledger's inspection day when there is one (TSG T7001 counts from the
        supervisory-inspection month). A named component without a recorded date
        falls back to commissioning, the best the ledger knows.
        """
        own = self.component_dates.get(of) if of and of not in ASSET_ITSELF else None
        if own is not None:
            return own
        if self.commissioned is not None and self.next_inspection is not None:
            return ledger_phased(self.commissioned, self.next_inspection)
        return self.commissioned


ASSET_ITSELF = frozenset({"equipment", "commissioning"})
"""Age-rule `of` values that mean the asset's own age (from commissioning)."""


class Places:
    """Location names of one site, to title work orders without a query per row."""

    def __init__(self, locations: Iterable[tuple[int, int | None, str]]) -> None:
        self._nodes = {loc_id: (parent_id, name) for loc_id, parent_id, name in locations}

    def chain(self, location_id: int | None) -> list[str]:
        names: list[str] = []
        seen: set[int] = set()
        node = location_id
        while node is not None and node in self._nodes and node not in seen:
            seen.add(node)
            parent_id, name = self._nodes[node]
            names.append(name)
            node = parent_id
        return list(reversed(names))

    def path(self, location_id: int | None) -> str:
        return "/".join(self.chain(location_id))

    def place(self, equipment: EquipmentFacts | None, location_id: int | None) -> str:
        """'1号楼 2#客梯' for an asset (its building + its name), else the location path."""
        if equipment is not None:
            building = self.chain(equipment.location_id or location_id)[:1]
            return " ".join([*building, equipment.name])
        return self.path(location_id)


def title(plan_name: str, place: str, asset_name: str | None = None) -> str:
    """'<plan> · <place>', naming the asset once: catalog plans already carry the asset's
    name, so then the place keeps only the building (phone cards stay two lines)."""
    if asset_name and asset_name in plan_name and place.endswith(asset_name):
        place = place[: -len(asset_name)].strip()
    text = f"{plan_name}{TITLE_SEPARATOR}{place}" if place else plan_name
    return text[:TITLE_MAX]


@dataclass(frozen=True)
class Unit:
    """One engine plan and what is needed to store its occurrences as rows."""

    base: PlanFacts
    members: tuple[PlanFacts, ...]  # base first, then higher tiers by level
    plan: EnginePlan
    equipment: EquipmentFacts | None
    location_id: int | None
    titles: Mapping[str | None, str]  # tier key (None: untiered) → work-order title

    @property
    def plan_ids(self) -> tuple[int, ...]:
        return tuple(m.id for m in self.members if m.id is not None)


def tier_key(plan: PlanFacts) -> str:
    return str(plan.id) if plan.id is not None else "new"


def base_of(members: Sequence[PlanFacts]) -> PlanFacts:
    return min(members, key=lambda p: p.level_order)


def build_unit(
    members: Sequence[PlanFacts],
    *,
    timezone: str,
    equipment: EquipmentFacts | None,
    places: Places,
) -> Unit:
    """Map a plan (or a tier group, any order) to a `Unit`; raises `MappingError`."""
    ordered = sorted(members, key=lambda p: p.level_order)
    base, higher = ordered[0], ordered[1:]
    location_id = base.location_id or (equipment.location_id if equipment else None)
    place = places.place(equipment, location_id)
    asset = equipment.name if equipment else None
    if higher:
        titles: dict[str | None, str] = {tier_key(p): title(p.name, place, asset) for p in ordered}
    else:
        titles = {None: title(base.name, place, asset)}
    return Unit(
        base=base,
        members=tuple(ordered),
        plan=engine_plan(base, higher, timezone=timezone, equipment=equipment),
        equipment=equipment,
        location_id=location_id,
        titles=titles,
    )


def engine_plan(
    base: PlanFacts,
    higher: Sequence[PlanFacts] = (),
    *,
    timezone: str,
    equipment: EquipmentFacts | None,
) -> EnginePlan:
    """The `schedules.Plan` for a base plan and its higher tiers."""
    try:
        policy = HolidayPolicy(base.holiday_policy)
    except ValueError:
        raise MappingError(base.id, f"unknown holiday policy {base.holiday_policy!r}") from None
    anchor = ANCHOR_ALIASES.get(base.anchor)
    if anchor is None:
        raise MappingError(base.id, f"unknown anchor {base.anchor!r}")
    ceilings = [p.ceiling_days for p in (base, *higher) if p.ceiling_days]
    tiers: tuple[Tier, ...] = ()
    try:
        if higher:
            tiers = (
                Tier(tier_key(base), name_zh=base.name, name_en=base.name),
                *(_higher_tier(p) for p in higher),
            )
        ceiling, each_period = (min(ceilings), None) if ceilings else implied_ceiling(base)
        return EnginePlan(
            key=tier_key(base),
            rule=base.rrule,
            starts=dt.datetime.combine(base.starts_on, base.time_of_day),
            timezone=timezone,
            duration=dt.timedelta(minutes=base.duration_minutes),
            tolerance_before=dt.timedelta(days=base.tolerance_before_days),
            tolerance_after=dt.timedelta(days=base.tolerance_after_days),
            holiday_policy=policy,
            ceiling_days=ceiling,
            each_period=each_period,
            anchor=anchor,
            tiers=tiers,
            seasons=seasons(base.seasons),
            age_bands=age_bands(base.age_bands),
            commissioned=age_reference(base, equipment),
            statutory_due=statutory_due(base, equipment),
            ends=dt.datetime.combine(base.ends_on, END_OF_DAY) if base.ends_on else None,
            applied=base.created_at,
        )
    except MappingError as error:
        raise MappingError(base.id, error.detail) from None
    except (RuleError, ValueError, TypeError, KeyError) as error:
        raise MappingError(base.id, str(error)) from None


def _higher_tier(plan: PlanFacts) -> Tier:
    """A quarterly (or rarer) tier with the ceiling its statutory frequency implies: its
    items are owed every period plus tolerance, whichever half-monthly visit carries them."""
    ceiling, _ = implied_ceiling(plan)
    return Tier(tier_key(plan), plan.rrule, plan.name, plan.name, ceiling_days=ceiling)


def implied_ceiling(base: PlanFacts) -> tuple[int | None, Period | None]:
    """What a statutory frequency promises when the catalog names no ceiling.

    A weekly task is owed every ISO week, a monthly one every month, rarer ones at most
    their longest period plus tolerance. Seasonal and age-banded plans are left out:
    their window or band sets the interval, not the base rule.
    """
    if base.criticality != "statutory" or base.seasons or base.age_bands:
        return None, None
    return implied_limits(base.rrule, base.tolerance_after_days)


def component_dates(raw: object) -> dict[str, dt.date]:
    """The ledger's `component_dates` ({"governor": "2019-07-02"}) as dates; bad ones dropped.

    The equipment services refuse bad dates, but a row written before that check must
    not stop its plans from being scheduled.
    """
    if not isinstance(raw, Mapping):
        return {}
    dates = {}
    for component, written in raw.items():
        try:
            dates[str(component)] = dt.date.fromisoformat(str(written))
        except ValueError:
            continue
    return dates


def age_reference(base: PlanFacts, equipment: EquipmentFacts | None) -> dt.date | None:
    """The day the plan's age bands count from: the component the catalog's `of` names."""
    if equipment is None:
        return None
    of = next((str(b.get("of")) for b in base.age_bands or () if b.get("of")), None)
    return equipment.age_counts_from(of)


def statutory_due(base: PlanFacts, equipment: EquipmentFacts | None) -> dt.date | None:
    """The ledger's 下次法定检验 for a statutory inspection (定期检验) of the asset."""
    if equipment is None or base.kind != INSPECTION_KIND:
        return None
    return equipment.next_inspection


def seasons(raw: Sequence[Mapping[str, Any]] | None) -> tuple[SeasonWindow, ...]:
    """`[{"from": "MM-DD", "to": "MM-DD", "label": {...}}]` → engine windows."""
    windows = []
    for entry in raw or ():
        try:
            window = SeasonWindow.parse(f"{entry['from']}..{entry['to']}")
            label = entry.get("label") or {}
            if isinstance(label, str):  # a hand-made plan may name its window once
                label = {"zh": label, "en": label}
            windows.append(
                dataclasses.replace(
                    window, label_zh=str(label.get("zh", "")), label_en=str(label.get("en", ""))
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise MappingError(None, f"bad season {entry!r}: {error}") from None
    return tuple(windows)


def age_bands(raw: Sequence[Mapping[str, Any]] | None) -> tuple[AgeBand, ...]:
    """`[{"min_years": 0, "rrule": "FREQ=..."}]` → engine age bands."""
    bands = []
    for entry in raw or ():
        try:
            bands.append(AgeBand(int(entry["min_years"]), str(entry["rrule"] or "")))
        except (KeyError, TypeError, ValueError) as error:
            raise MappingError(None, f"bad age band {entry!r}: {error}") from None
    return tuple(bands)
