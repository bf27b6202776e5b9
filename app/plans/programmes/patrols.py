"""Patrol routes and area libraries → units: start times, daily rules, checkpoints."""

from __future__ import annotations

from datetime import time
from typing import Any

from app.catalog.current import current_catalog
from app.catalog.model import (
    Catalog,
    PatrolLibrary,
    Route,
)
from app.plans.models import PlanKind
from app.plans.programmes.units import PATROL_KEY, CatalogUnit, area_units, item_json
from app.sites.models import Location
from schedules import PRESETS, HolidayPolicy


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _hours_in(first: time, last: time, count: int) -> set[int]:
    """`count` whole hours spread evenly from `first` to `last` (which may pass midnight)."""
    length = (last.hour - first.hour) % 24 or 24
    step = length / count
    return {(first.hour + int(step * index)) % 24 for index in range(count)}


def _every_hours(first: time, last: time, step: int) -> list[time]:
    """Round starts every `step` hours from `first`, before `last` (may pass midnight)."""
    minutes = ((last.hour * 60 + last.minute) - (first.hour * 60 + first.minute)) % (24 * 60)
    starts = range(0, minutes or 24 * 60, step * 60)
    base = first.hour * 60 + first.minute
    return [time(((base + m) // 60) % 24, (base + m) % 60) for m in starts]


def _office_window(route: Route) -> tuple[time, time] | None:
    pattern = PRESETS.get(route.shift_pattern.value)
    if pattern is None or not pattern.follows_workdays:
        return None
    shift = pattern.shifts[0]
    end_minutes = shift.start.hour * 60 + shift.start.minute + int(shift.hours * 60)
    return shift.start, time((end_minutes // 60) % 24, end_minutes % 60)


def _daily_rule(starts: list[time]) -> tuple[str, time] | None:
    if not starts:
        return None
    ordered = sorted(set(starts))
    minutes = {t.minute for t in ordered}
    if len(minutes) != 1:  # one BYMINUTE for all hours, so round to the hour
        ordered = sorted({time(t.hour, 0) for t in ordered})
    hours = ",".join(str(t.hour) for t in ordered)
    return f"FREQ=DAILY;BYHOUR={hours};BYMINUTE={ordered[0].minute}", ordered[0]


def _patrol_rrule(library: PatrolLibrary, route: Route, level: int) -> tuple[str, time] | None:
    """The rounds of one level as a daily rule: every N hours (in a window) or N by day, M by night.

    Office-week routes patrol only during the office shift.
    """
    rounds = route.rounds.get(level)
    if rounds is None:
        return None
    day_start, day_end = _clock(library.daytime.start), _clock(library.daytime.end)
    every = rounds.every
    if every is not None:
        step = every.count or 1
        if every.unit is None or every.unit.value != "hour":
            return every.rrule, day_start
        window = (
            (_clock(rounds.window.start), _clock(rounds.window.end))
            if rounds.window is not None
            else _office_window(route)
        )
        if window is None:
            return every.rrule, day_start
        return _daily_rule(_every_hours(window[0], window[1], step))
    hours: set[int] = set()
    if rounds.day:
        hours |= _hours_in(day_start, day_end, rounds.day)
    if rounds.night:
        hours |= _hours_in(day_end, day_start, rounds.night)
    return _daily_rule([time(h, 0) for h in hours])


def checkpoint_json(route: Route) -> list[dict[str, Any]]:
    return [
        {
            "key": checkpoint.key,
            "names": {"zh": checkpoint.names.zh, "en": checkpoint.names.en},
            "kind": "checkpoint",
            "location_kind": checkpoint.location_kind,
            "offset_minutes": checkpoint.offset_minutes,
            "items": [item_json(item) for item in checkpoint.items],
        }
        for checkpoint in route.checkpoints
    ]


def patrol_units(library: PatrolLibrary, kinds: frozenset[str], level: int) -> list[CatalogUnit]:
    """Patrol routes at the site's level; routes through the given area kinds come ticked."""
    units = []
    for route in library.routes.values():
        rule = _patrol_rrule(library, route, level)
        if rule is None:
            continue
        rrule, first_round = rule
        minutes = route.minutes or max(c.offset_minutes for c in route.checkpoints)
        units.append(
            CatalogUnit(
                type_key=PATROL_KEY,
                task_key=route.key,
                version=route.version,
                names=route.names,
                kind=PlanKind.PATROL.value,
                fields={
                    "rrule": rrule,
                    "anchor": "fixed",
                    "tolerance_before_days": 0,
                    "tolerance_after_days": 0,
                    "ceiling_days": None,
                    "tier_group": None,
                    "tier_level": None,
                    "seasons": [],
                    "age_bands": [],
                    "performer": route.performer.value,
                    "licence_kind": route.licence,
                    "crew_size": route.crew,
                    "duration_minutes": minutes or 30,
                    "criticality": route.criticality.value,
                    "legal_basis": "",
                    "checklist": checkpoint_json(route),
                },
                default_policy=(
                    HolidayPolicy.SKIP.value
                    if _office_window(route) is not None
                    else HolidayPolicy.IGNORE.value
                ),
                default_time=first_round,
                optional=not any(c.location_kind in kinds for c in route.checkpoints),
            )
        )
    return units


def _subtree_kinds(location: Location) -> frozenset[str]:
    kinds = set()
    stack = [location]
    while stack:
        node = stack.pop()
        kinds.add(node.kind)
        stack.extend(node.children)
    return frozenset(kinds)


def location_units(location: Location, catalog: Catalog | None = None) -> list[CatalogUnit]:
    """Cleaning, greening and patrol plans the catalog proposes for one location."""
    catalog = catalog or current_catalog()
    level = location.site.service_level
    units: list[CatalogUnit] = []
    for library in (catalog.cleaning, catalog.greening):
        if library is not None:
            units.extend(area_units(library, location.kind, level))
    if catalog.patrol is not None:
        units.extend(patrol_units(catalog.patrol, _subtree_kinds(location), level))
    return units


# --- applying ------------------------------------------------------------------------------
