"""One row of the demo ledger, as plain data."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple


class DemoAsset(NamedTuple):
    code: str
    name: str
    category: str
    type_key: str
    location: str  # a DemoLocation code
    manufacturer: str
    model: str
    serial_number: str
    installed_on: date
    commissioned_on: date | None = None  # None: the day it was installed
    warranty_until: date | None = None
    criticality: str = "medium"
    team: str | None = None  # in-house maintainer (a DemoTeam code) ...
    contractor: str | None = None  # ... or the contractor key
    registration_number: str = ""  # 使用登记证号 of special equipment
    next_inspection_on: date | None = None  # next statutory inspection
    status: str = "in_service"
    # Free-form specs; "component_dates" maps a catalog age rule's `of` (governor,
    # manufacture) to the ISO date that component's age counts from.
    attributes: dict[str, Any] | None = None
    notes: str = ""
