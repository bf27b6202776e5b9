"""A later catalog release: what differs from a plan's copy, applied on request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.catalog.current import current_catalog
from app.catalog.model import (
    Catalog,
)
from app.core.signals import plan_changed
from app.core.validation import N_, check_version
from app.extensions import db
from app.plans.models import Plan
from app.plans.programmes.patrols import patrol_units
from app.plans.programmes.proposals import ProgrammeError
from app.plans.programmes.units import (
    CATALOG_FIELDS,
    CONTRACTED,
    FIELD_LABELS,
    PATROL_KEY,
    CatalogUnit,
    area_units,
    equipment_units,
)


@dataclass(frozen=True)
class CatalogChange:
    """One field where the current catalog differs from the live plan.

    For the checklist, `added`/`removed` list item names (zh, en) so a supervisor
    sees what the new release adds before applying it.
    """

    field: str
    old: Any
    new: Any
    added: tuple[tuple[str, str], ...] = ()
    removed: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> tuple[str, str]:
        return FIELD_LABELS.get(self.field, (self.field, self.field))


def _units_for_plan(
    plan: Plan, catalog: Catalog, level: int | None = None
) -> list[CatalogUnit] | None:
    """The units the plan's target gets today (area plans: at the site's service level,
    or at `level`), or None when the target is unknown."""
    if plan.catalog_type_key is None:
        return None
    if plan.equipment_id is not None:
        try:
            return equipment_units(catalog.type(plan.catalog_type_key))
        except KeyError:
            return []
    if plan.location is None:
        return None
    level = plan.site.service_level if level is None else level
    if plan.catalog_type_key == PATROL_KEY:
        if catalog.patrol is None:
            return []
        return patrol_units(catalog.patrol, frozenset(), level)
    library = {"cleaning": catalog.cleaning, "greening": catalog.greening}.get(
        plan.catalog_type_key
    )
    return area_units(library, plan.location.kind, level) if library is not None else []


def current_unit(plan: Plan, level: int | None = None) -> CatalogUnit | None:
    units = _units_for_plan(plan, current_catalog(), level)
    if not units:
        return None
    return next((u for u in units if u.task_key == plan.catalog_task_key), None)


def _item_names(items: Iterable[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    names = {}
    for item in items:
        text = item.get("names") or {}
        names[str(item.get("key"))] = (str(text.get("zh", "")), str(text.get("en", "")))
    return names


def catalog_changes(plan: Plan, level: int | None = None) -> list[CatalogChange]:
    """What the current catalog would change in this plan; empty when it is up to date.

    An asset's plan whose remembered version is the current one has no changes;
    cleaning, greening and patrol plans are compared even then, because the site's
    service level picks their frequency. A task that is no longer in the catalog (or
    no longer done at the site's level) shows as one change of the field "task".
    `level` asks what a change of the site's service level would change.
    """
    units = _units_for_plan(plan, current_catalog(), level)
    if units is None:
        return []
    unit = next((u for u in units if u.task_key == plan.catalog_task_key), None)
    if unit is None:
        return [CatalogChange("task", plan.catalog_task_key, None)]
    if unit.version == plan.catalog_version and plan.equipment_id is not None:
        return []  # area plans are compared anyway: the site's service level may change
    changes = []
    for name in CATALOG_FIELDS:
        old, new = getattr(plan, name), unit.fields[name]
        if old == new:
            continue
        if name == "checklist":
            before, after = _item_names(old or []), _item_names(new)
            changes.append(
                CatalogChange(
                    name,
                    len(old or []),
                    len(new),
                    added=tuple(after[k] for k in after if k not in before),
                    removed=tuple(before[k] for k in before if k not in after),
                )
            )
        else:
            changes.append(CatalogChange(name, old, new))
    return changes


def apply_catalog_update(plan: Plan, expected_version: int | None) -> list[CatalogChange]:
    """Bring the plan to the current catalog, on request; returns what changed.

    The site's own choices (time, team, start, holiday policy) stay. Future,
    untouched work orders are regenerated.
    """
    check_version(plan, expected_version)
    unit = current_unit(plan)
    if unit is None:
        raise ProgrammeError(
            {
                "catalog_task_key": N_(
                    "The catalog no longer has this task; deactivate the plan instead."
                )
            }
        )
    changes = catalog_changes(plan)
    for name in CATALOG_FIELDS:
        if getattr(plan, name) != unit.fields[name]:
            setattr(plan, name, unit.fields[name])
    if plan.equipment is not None and any(c.field == "performer" for c in changes):
        contracted = plan.performer in CONTRACTED
        plan.contractor_id = plan.equipment.maintainer_contractor_id if contracted else None
        plan.team_id = None if contracted else plan.equipment.maintainer_team_id
    plan.catalog_version = unit.version
    db.session.flush()
    plan_changed.send(None, plans=[plan])
    return changes
