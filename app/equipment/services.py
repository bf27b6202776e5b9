"""Equipment ledger services: create, edit and retire equipment, after ONE validation.

Callers hand over an `EquipmentInput` of plain values as the user wrote them: ids
from forms and the API, codes / location paths / names from spreadsheets. `check`
(app.equipment.checking) resolves and validates them once, so every entry point
refuses the same things with the same words. Services flush; the caller commits.

This module is also the ledger's public face: the names in `__all__` are what views,
the API, the import and the CLI use, wherever in the package they live.
"""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from app.audit.services import last_change
from app.core import clock, signals
from app.core.validation import N_
from app.equipment.checking import asset_code_taken, check, validate
from app.equipment.inputs import Checked, ConflictError, EquipmentInput, EquipmentInvalid
from app.equipment.ledger import ACTIVE, SORTS, LedgerFilter, ledger_query
from app.equipment.lookups import Lookups
from app.equipment.models import Equipment, EquipmentStatus
from app.equipment.parsing import (
    CATEGORY_LABELS,
    COMPONENT_DATES,
    CRITICALITY_CHOICES,
    STATUS_CHOICES,
    clean_text,
    parse_date,
)
from app.extensions import db

__all__ = [
    "ACTIVE",
    "CATEGORY_LABELS",
    "CRITICALITY_CHOICES",
    "SORTS",
    "STATUS_CHOICES",
    "ConflictError",
    "EquipmentInput",
    "EquipmentInvalid",
    "LedgerFilter",
    "Lookups",
    "asset_code_taken",
    "check",
    "clean_text",
    "conflict_for",
    "create_equipment",
    "ledger_query",
    "parse_date",
    "retire_equipment",
    "update_equipment",
    "validate",
]


def _apply(eq: Equipment, checked: Checked, lookups: Lookups) -> None:
    """Set the checked values in one go, so one save is one flush and one version step."""
    with db.session.no_autoflush:
        location = (
            lookups.ensure_location(checked.pending_location)
            if checked.pending_location is not None
            else None
        )
        for key, value in checked.values.items():
            if getattr(eq, key) != value:
                setattr(eq, key, value)
        if location is not None:
            eq.location = location


def create_equipment(data: EquipmentInput, lookups: Lookups | None = None) -> Equipment:
    lookups = lookups or Lookups()
    checked = check(data, None, lookups)
    if not checked.ok:
        raise EquipmentInvalid(checked.errors)
    eq = Equipment()
    _apply(eq, checked, lookups)
    db.session.add(eq)
    db.session.flush()
    return eq


def conflict_for(equipment_id: int, current_version: int) -> ConflictError:
    entry = last_change(Equipment.__tablename__, equipment_id)
    return ConflictError(
        equipment_id,
        current_version,
        entry.actor if entry else None,
        entry.at if entry else None,
        sorted(entry.changes) if entry else [],
    )


def _flush_or_conflict(eq: Equipment) -> None:
    """Flush; a concurrent writer (StaleDataError) becomes a ConflictError.

    The failed flush leaves the transaction unusable, so it is rolled back here to
    read who changed the record; the whole unit of work is void anyway.
    """
    equipment_id = eq.id
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(Equipment, equipment_id, populate_existing=True)
        raise conflict_for(equipment_id, fresh.version if fresh else 0) from None


def update_equipment(
    eq: Equipment, data: EquipmentInput, expected_version: int, lookups: Lookups | None = None
) -> Equipment:
    """Save an edit made against `expected_version`; a stale one raises ConflictError."""
    if eq.version != expected_version:
        raise conflict_for(eq.id, eq.version)
    lookups = lookups or Lookups()
    checked = check(data, eq, lookups)
    if not checked.ok:
        raise EquipmentInvalid(checked.errors)
    dates_before = _scheduling_dates(eq)
    _apply(eq, checked, lookups)
    _flush_or_conflict(eq)
    if _scheduling_dates(eq) != dates_before:
        signals.replan(signals.equipment_dates_changed, equipment_ids=[eq.id])
    return eq


def _scheduling_dates(eq: Equipment) -> tuple[object, ...]:
    """The ledger dates plans count from: a change re-plans the asset's plans."""
    components = (eq.attributes or {}).get(COMPONENT_DATES)
    return (eq.next_inspection_on, eq.commissioned_on, eq.installed_on, repr(components))


def retire_equipment(eq: Equipment, expected_version: int, reason: str = "") -> Equipment:
    """Mark as retired (报废); records are kept for the audit trail, never deleted."""
    if eq.version != expected_version:
        raise conflict_for(eq.id, eq.version)
    if eq.status == EquipmentStatus.RETIRED:
        raise EquipmentInvalid({"status": N_("already retired")})
    reason = clean_text(reason)
    today = clock.local_today(eq.site.timezone)
    eq.status = EquipmentStatus.RETIRED
    if reason:
        note = f"[{today.isoformat()}] {reason}"
        eq.notes = f"{eq.notes}\n{note}" if eq.notes else note
    _flush_or_conflict(eq)
    return eq
