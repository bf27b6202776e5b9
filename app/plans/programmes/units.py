"""Catalog tasks → `CatalogUnit`s: one per plan to create, with the fields it copies.

Shared constants (contracted performers, catalog fields and their labels) live here too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from typing import Any

from app.catalog.model import (
    AgeRule,
    AreaLibrary,
    EquipmentType,
    Frequency,
    Item,
    Names,
    Performer,
    Season,
    Task,
)
from app.plans.models import PlanKind
from schedules import HolidayPolicy

PATROL_KEY = "patrol"
SITE_WIDE = "site"
SEASON_MARK = "#"
DEFAULT_TIME = time(9, 0)
DEFAULT_MINUTES = 60
CONTRACTED = (Performer.LICENSED_CONTRACTOR, Performer.AUTHORITY_INSPECTION)
# What a plan takes from the catalog; everything else (time, team, start...) is the site's.
CATALOG_FIELDS = (
    "rrule",
    "anchor",
    "tolerance_before_days",
    "tolerance_after_days",
    "ceiling_days",
    "tier_group",
    "tier_level",
    "seasons",
    "age_bands",
    "performer",
    "licence_kind",
    "crew_size",
    "duration_minutes",
    "criticality",
    "legal_basis",
    "checklist",
)
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "task": ("目录任务", "Catalog task"),
    "rrule": ("频次", "Frequency"),
    "anchor": ("计算起点", "Counted from"),
    "tolerance_before_days": ("可提前天数", "Days early allowed"),
    "tolerance_after_days": ("可推后天数", "Days late allowed"),
    "ceiling_days": ("最长间隔（天）", "Ceiling (days)"),
    "tier_group": ("级别链", "Tier chain"),
    "tier_level": ("级别", "Tier level"),
    "seasons": ("季节", "Seasons"),
    "age_bands": ("按年限的频次", "Frequency by age"),
    "performer": ("执行方", "Performer"),
    "licence_kind": ("所需证书", "Licence needed"),
    "crew_size": ("人数", "Crew"),
    "duration_minutes": ("时长（分钟）", "Duration (minutes)"),
    "criticality": ("重要性", "Criticality"),
    "legal_basis": ("依据", "Legal basis"),
    "checklist": ("检查项", "Checklist"),
}
OFFICE_WEEK = "office_week"

TEAM_KIND_FOR = {
    PlanKind.CLEANING: "cleaning",
    PlanKind.GREENING: "greening",
    PATROL_KEY: "security",
}


# --- catalog units: one future plan each -----------------------------------------------------


@dataclass(frozen=True)
class CatalogUnit:
    """One plan the catalog proposes for a target: its key, names and catalog fields."""

    type_key: str
    task_key: str
    version: str
    names: Names
    kind: str
    fields: dict[str, Any]
    season: Season | None = None
    frequency_text: str = ""
    default_policy: str = HolidayPolicy.NEXT.value
    default_time: time = DEFAULT_TIME
    contracted: bool = False
    optional: bool = False  # offered but not ticked by default (site-wide tasks)


def item_json(item: Item) -> dict[str, Any]:
    """A checklist item as stored on plans and work orders (the catalog's own shape)."""
    data: dict[str, Any] = {
        "key": item.key,
        "names": {"zh": item.names.zh, "en": item.names.en},
        "kind": item.kind.value,
    }
    optional = {"unit": item.unit, "min": item.min, "max": item.max, "ref": item.ref}
    data.update({k: v for k, v in optional.items() if v is not None})
    if item.choices:
        data["choices"] = [
            {"key": c.key, "names": {"zh": c.names.zh, "en": c.names.en}} for c in item.choices
        ]
    if item.photo_required:
        data["photo_required"] = True
    if item.key_item:
        data["key_item"] = True
    if item.season is not None:
        data["season"] = {"from": item.season.start, "to": item.season.end}
    return data


def season_json(season: Season) -> dict[str, Any]:
    return {
        "from": season.start,
        "to": season.end,
        "label": {"zh": season.label.zh, "en": season.label.en},
    }


NEVER_AGAIN = 100
"""Years between visits that stands for "not due any more" (a band with no service years)."""


def engine_age_bands(age: AgeRule) -> list[dict[str, Any]]:
    """Catalog age bands as the scheduler reads them: `[{"min_years", "rrule"}]`.

    A band listing service years (定期检验 in years 1, 4, 7...; year 1 = age 0) becomes
    one band per due year whose rule is "every k years", k being the gap to the next
    due year, so each such band holds exactly one visit. A band with no service years
    extends the previous visit's gap to `NEVER_AGAIN` and is kept with an empty rule,
    which closes the band before it (a 17-year-old lift gets no self-test). `of` says
    whose age counts.
    """
    flat: list[tuple[int, str | None]] = []  # (from age, rule); None rule = no visits
    for band in age.bands:
        if band.service_years is None:
            flat.append((band.min_years, band.frequency.rrule if band.frequency else None))
            continue
        due = sorted(y - 1 for y in band.service_years if y - 1 >= band.min_years)
        if not due or due[0] > band.min_years:
            flat.append((band.min_years, None))
        flat.extend((age_at, "") for age_at in due)  # gap filled in below
    bands: list[dict[str, Any]] = []
    for index, (age_at, rule) in enumerate(flat):
        if rule == "":
            following = next((a for a, r in flat[index + 1 :] if r is not None), None)
            gap = following - age_at if following is not None else NEVER_AGAIN
            rule = f"FREQ=YEARLY;INTERVAL={gap}" if gap != 1 else "FREQ=YEARLY"
        if rule is None and not bands:
            continue  # nothing before the first due year is the engine's default
        bands.append({"min_years": age_at, "rrule": rule or "", "of": age.of})
    return bands


def _anchor(task: Task) -> str:
    return "completion" if task.anchor.value == "completion" else "fixed"


def _default_policy(frequency: Frequency | None, ceiling_days: int | None) -> str:
    """Daily work runs anyway; a legal ceiling is safest with the nearest working day."""
    if frequency is not None and frequency.approx_days <= 1:
        return HolidayPolicy.IGNORE.value
    if ceiling_days is not None:
        return HolidayPolicy.NEAREST.value
    return HolidayPolicy.NEXT.value


def _task_fields(
    task: Task,
    rrule: str,
    *,
    seasons: list[dict[str, Any]],
    legal_basis: str | None,
    items: Iterable[Item],
) -> dict[str, Any]:
    age_bands = engine_age_bands(task.age) if task.age is not None else []
    return {
        "rrule": rrule,
        "anchor": _anchor(task),
        "tolerance_before_days": task.tolerance.before_days,
        "tolerance_after_days": task.tolerance.after_days,
        "ceiling_days": task.ceiling_days,
        "tier_group": task.tier.chain if task.tier else None,
        "tier_level": task.tier.level if task.tier else None,
        "seasons": seasons,
        "age_bands": age_bands,
        "performer": task.performer.value,
        "licence_kind": task.licence,
        "crew_size": task.crew,
        "duration_minutes": task.minutes or DEFAULT_MINUTES,
        "criticality": task.criticality.value,
        "legal_basis": (task.legal_basis or legal_basis or "")[:200],
        "checklist": [item_json(item) for item in items],
    }


def _split_by_frequency(
    task: Task, level: int | None = None
) -> list[tuple[str, Frequency | None, Season | None]]:
    """(key suffix, frequency, season) per plan: a seasonal task gives one plan per season."""
    if task.by_season:
        return [
            (f"{SEASON_MARK}{index}", entry.frequency, entry.season)
            for index, entry in enumerate(task.by_season)
        ]
    if task.by_level:
        frequency = task.by_level.get(level) if level is not None else None
        return [("", frequency, task.season)] if frequency is not None else []
    if task.age is not None:
        first = next((b.frequency for b in task.age.bands if b.frequency is not None), None)
        return [("", first, task.season)]
    return [("", task.frequency, task.season)]


def _rrule_of(frequency: Frequency | None) -> str:
    # Age bands counted in service years have no frequency of their own: yearly, filtered.
    return frequency.rrule if frequency is not None else "FREQ=YEARLY"


def equipment_units(equipment_type: EquipmentType) -> list[CatalogUnit]:
    """The plans an asset of this type gets: every task, tier chains as linked levels."""
    units = []
    for task in equipment_type.tasks:
        programme = equipment_type.programmes.get(task.programme or "")
        for suffix, frequency, season in _split_by_frequency(task):
            units.append(
                CatalogUnit(
                    type_key=equipment_type.key,
                    task_key=task.key + suffix,
                    version=equipment_type.version,
                    names=task.names,
                    kind=(
                        PlanKind.INSPECTION.value
                        if task.performer is Performer.AUTHORITY_INSPECTION
                        else PlanKind.MAINTENANCE.value
                    ),
                    fields=_task_fields(
                        task,
                        _rrule_of(frequency),
                        seasons=[season_json(season)] if season else [],
                        legal_basis=programme.legal_basis if programme else None,
                        items=task.items,
                    ),
                    season=season,
                    frequency_text=frequency.text if frequency else "",
                    default_policy=_default_policy(frequency, task.ceiling_days),
                    contracted=task.performer in CONTRACTED,
                )
            )
    return units


def area_units(library: AreaLibrary, location_kind: str, level: int) -> list[CatalogUnit]:
    """Cleaning or greening tasks for one kind of area at the site's service level."""
    tasks: list[tuple[str, Task, bool]] = []
    area = library.areas.get(location_kind)
    if area is not None:
        tasks.extend((location_kind, task, False) for task in area.tasks)
    tasks.extend((SITE_WIDE, task, True) for task in library.site_tasks)
    units = []
    for area_key, task, optional in tasks:
        for suffix, frequency, season in _split_by_frequency(task, level):
            units.append(
                CatalogUnit(
                    type_key=library.key,
                    task_key=f"{area_key}.{task.key}{suffix}",
                    version=library.content_version,
                    names=task.names,
                    kind=library.key,
                    fields=_task_fields(
                        task,
                        _rrule_of(frequency),
                        seasons=[season_json(season)] if season else [],
                        legal_basis=None,
                        items=task.items,
                    ),
                    season=season,
                    frequency_text=frequency.text if frequency else "",
                    default_policy=_default_policy(frequency, None),
                    contracted=task.performer in CONTRACTED,
                    optional=optional,
                )
            )
    return units
