"""What callers hand the equipment ledger (`EquipmentInput`), and what its checks give back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from app.core.validation import Msg, StaleEdit, ValidationError
from app.equipment.models import Criticality, Equipment, EquipmentStatus
from app.sites.models import Site

Ref = int | str | None
"""A reference to another record: an id (forms, API) or what a person writes (imports)."""

DateInput = date | str | None


@dataclass
class EquipmentInput:
    """Equipment data as entered; every field optional here, `check` says what is missing."""

    site_id: Ref = None
    asset_code: str = ""
    name: str = ""
    category: str = ""
    type_key: str = ""
    location_id: Ref = None
    manufacturer: str = ""
    model: str = ""
    serial_number: str = ""
    installed_on: DateInput = None
    commissioned_on: DateInput = None
    warranty_until: DateInput = None
    status: str = EquipmentStatus.IN_SERVICE.value
    criticality: str = Criticality.MEDIUM.value
    maintainer_team_id: Ref = None
    maintainer_contractor_id: Ref = None
    registration_number: str = ""
    registration_code: str = ""
    next_inspection_on: DateInput = None
    attributes: Mapping[str, Any] | str | None = None
    notes: str = ""

    @classmethod
    def from_equipment(cls, eq: Equipment) -> EquipmentInput:
        """The record's current values, so partial edits (PATCH, imports) overlay them."""
        return cls(
            site_id=eq.site_id,
            asset_code=eq.asset_code,
            name=eq.name,
            category=eq.category,
            type_key=eq.type_key or "",
            location_id=eq.location_id,
            manufacturer=eq.manufacturer,
            model=eq.model,
            serial_number=eq.serial_number,
            installed_on=eq.installed_on,
            commissioned_on=eq.commissioned_on,
            warranty_until=eq.warranty_until,
            status=eq.status.value,
            criticality=eq.criticality.value,
            maintainer_team_id=eq.maintainer_team_id,
            maintainer_contractor_id=eq.maintainer_contractor_id,
            registration_number=eq.registration_number,
            registration_code=eq.registration_code,
            next_inspection_on=eq.next_inspection_on,
            attributes=dict(eq.attributes or {}),
            notes=eq.notes,
        )

    def updated(self, changes: Mapping[str, Any]) -> EquipmentInput:
        """A copy with some fields replaced; unknown keys are a programming error."""
        unknown = set(changes) - set(INPUT_FIELDS)
        if unknown:
            raise KeyError(f"unknown equipment fields {sorted(unknown)}")
        values = {f: getattr(self, f) for f in INPUT_FIELDS}
        values.update(changes)
        return EquipmentInput(**values)


INPUT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(EquipmentInput))


class EquipmentInvalid(ValidationError):
    """Some fields are wrong; `fields` maps each field name to a plain-words reason."""


class ConflictError(StaleEdit):
    """The record changed since the user loaded it; says who did it so they can reconcile.

    A `StaleEdit`, so the API answers 409 and pages explain it like every other domain.
    """

    def __init__(
        self,
        equipment_id: int,
        current_version: int,
        changed_by: str | None,
        changed_at: datetime | None,
        changed_fields: list[str] | None = None,
    ) -> None:
        super().__init__(Equipment.__tablename__, equipment_id, current_version)
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.changed_fields = changed_fields or []

    @property
    def current_version(self) -> int:
        return self.version


@dataclass
class PendingLocation:
    """A location path that does not exist yet and will be created (imports only)."""

    site: Site
    path: str


@dataclass
class Checked:
    """Outcome of `check`: errors by field, or values ready to set on the model."""

    errors: dict[str, Msg] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    pending_location: PendingLocation | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def differences(self, eq: Equipment) -> list[str]:
        """Which fields would change on `eq` (for import previews and "unchanged" counts)."""
        changed = [k for k, v in self.values.items() if getattr(eq, k) != v]
        if self.pending_location is not None:
            changed.append("location")
        return changed
