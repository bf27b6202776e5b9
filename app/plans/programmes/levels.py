"""A site's service level (一级/二级/三级) picks its cleaning, greening and patrol frequencies.

Moving a site from 二级 to 一级 used to leave every area plan on the old frequencies
until each was edited by hand. `level_changes` previews what a new level changes; once
the level is saved, `relevel_site` brings the area plans to it, and they are re-planned
together, in the same transaction as the level change.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.core.signals import plan_changed
from app.extensions import db
from app.plans.models import Plan
from app.plans.programmes.units import CATALOG_FIELDS, PATROL_KEY
from app.plans.programmes.updates import CatalogChange, catalog_changes, current_unit

AREA_LIBRARIES = ("cleaning", "greening", PATROL_KEY)


@dataclass(frozen=True)
class LevelChange:
    """One area plan and what the new level changes in it (`dropped`: not done there)."""

    plan: Plan
    changes: tuple[CatalogChange, ...]

    @property
    def dropped(self) -> bool:
        return any(c.field == "task" for c in self.changes)


def _area_plans(site_id: int) -> list[Plan]:
    return list(
        db.session.scalars(
            select(Plan)
            .where(
                Plan.site_id == site_id,
                Plan.active.is_(True),
                Plan.equipment_id.is_(None),
                Plan.catalog_type_key.in_(AREA_LIBRARIES),
            )
            .order_by(Plan.id)
        )
    )


def level_changes(site_id: int, level: int) -> list[LevelChange]:
    """What moving the site to `level` changes in its active area plans (changed ones only)."""
    found = []
    for plan in _area_plans(site_id):
        changes = catalog_changes(plan, level)
        if changes:
            found.append(LevelChange(plan, tuple(changes)))
    return found


def relevel_site(site_id: int) -> list[Plan]:
    """Bring the site's area plans to its current service level and re-plan them; a plan
    whose task the level no longer has is left for the supervisor (the preview says so).

    Only flushes: the caller's commit saves the level and the re-plan together.
    """
    changed = []
    for plan in _area_plans(site_id):
        unit = current_unit(plan)
        if unit is None or not catalog_changes(plan):
            continue
        for name in CATALOG_FIELDS:
            if getattr(plan, name) != unit.fields[name]:
                setattr(plan, name, unit.fields[name])
        plan.catalog_version = unit.version
        changed.append(plan)
    if changed:
        db.session.flush()
        plan_changed.send(None, plans=changed)
    return changed
